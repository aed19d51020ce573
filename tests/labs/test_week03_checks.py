"Week 3's public checks against plausible wrong answers: each fails with a message naming the mistake (exercises 1 and 2 on a real git + DVC repo)."
import types
import pandas as pd
import pytest
from mlopslab.course.labspec import lab_for

SPEC = lab_for(3)
JAN, FEB = pd.DataFrame({"x": range(50)}), pd.DataFrame({"x": range(40)})


def check(q: str, **ns):
    env = {"pd": pd, "jan": JAN, "feb": FEB, **ns}
    for src in SPEC.questions[q].checks: exec(compile(src, f"check {q}", "exec"), env)
    return env


def fails(q: str, match: str, **ns):
    with pytest.raises(AssertionError, match=match): check(q, **ns)


# Exercises 1 and 2 are typed with git and DVC: their checks run on a real repo, made the way the lab makes it,
# after the right command sequence and after plausible wrong ones.
import json
from mlopslab import data
from mlopslab.course import start
from mlopslab.data import version


@pytest.fixture
def lab(workspace):
    "(repo, jan, feb) as the lab has them before exercise 1: a data repo with January committed as v1-jan."
    cfg = start(str(workspace))
    jan, feb = (data.load_flights(months=m, sample=300, seed=0, cfg=cfg) for m in (1, 2))
    repo = version.init_repo(workspace/"week03"/"datarepo", cfg)
    version.commit_version(repo, jan, "January", tag="v1-jan", cfg=cfg)
    return repo, jan, feb


def _feb(repo, jan, feb, *, rows=True, tag="v2-feb", push=True, message="add February", git_data=False, only_feb=False):
    "Exercise 1 typed with the tools, with one step left out or done wrong; returns the check's namespace."
    new = feb.reset_index(drop=True) if only_feb else pd.concat([jan, feb], ignore_index=True)
    new.to_parquet(repo/"data"/"flights.parquet", index=False)
    version.dvc(repo, "add", "data/flights.parquet")
    version.git(repo, "add", "data/flights.parquet.dvc")
    if git_data: version.git(repo, "add", "-f", "data/flights.parquet")
    version.git(repo, "commit", "-q", "-m", message, *(["-m", f"rows: {len(new)}"] if rows else []))
    if tag: version.git(repo, "tag", tag)
    if push: version.dvc(repo, "push")
    rev = version.git(repo, "rev-parse", "HEAD").strip()
    return dict(repo=repo, version=version, json=json, rev_feb=rev, versions=version.list_versions(repo))


def test_q1_right_sequence_passes(lab):
    repo, jan, feb = lab
    check("q1_add_february", jan=jan, feb=feb, **_feb(repo, jan, feb))


@pytest.mark.parametrize("mistake, message", [
    (dict(push=False), "DVC never uploads"),                           # dvc push forgotten
    (dict(git_data=True), "git tracks the data file itself"),          # the data committed to git as well
    (dict(rows=False), "no paragraph 'rows: N'"),                      # one -m only
    (dict(tag=None), "not tagged v2-feb"),                             # the tag forgotten
    (dict(only_feb=True), "holds February only"),                      # February alone is not the training set
    (dict(message="February"), "not 'add February'"),
])
def test_q1_wrong_sequences_are_named(lab, mistake, message):
    repo, jan, feb = lab
    with pytest.raises(AssertionError, match=message):
        check("q1_add_february", jan=jan, feb=feb, **_feb(repo, jan, feb, **mistake))


def test_q1_uncommitted_pointer_is_named(lab):
    "DVC tracked the new content but git was never told: the check names the uncommitted pointer."
    repo, jan, feb = lab
    pd.concat([jan, feb], ignore_index=True).to_parquet(repo/"data"/"flights.parquet", index=False)
    version.dvc(repo, "add", "data/flights.parquet")
    fails("q1_add_february", "is not committed", jan=jan, feb=feb, repo=repo, version=version, json=json,
          rev_feb=version.git(repo, "rev-parse", "HEAD").strip(), versions=version.list_versions(repo))


def _back(repo, jan, feb, *, dvc_there=True, home=True, dvc_home=True, predicted=None):
    "Exercise 2 typed with the tools, with one step left out; returns the check's namespace."
    version.git(repo, "checkout", "-q", "v1-jan")
    if dvc_there: version.dvc(repo, "checkout")
    old = pd.read_parquet(repo/"data"/"flights.parquet")
    if home: version.git(repo, "checkout", "-q", "main")
    if home and dvc_home: version.dvc(repo, "checkout")
    auc = {len(jan): 0.64, len(jan) + len(feb): 0.68}
    return dict(repo=repo, version=version, predicted_rows=predicted if predicted is not None else len(jan) + len(feb),
                n_old=len(old), auc_old=auc[len(old)], auc_v1=0.64, auc_v2=0.68)


@pytest.fixture
def lab2(lab):
    repo, jan, feb = lab
    _feb(repo, jan, feb)
    return lab


def test_q2_right_sequence_passes(lab2):
    repo, jan, feb = lab2
    check("q2_time_travel", jan=jan, feb=feb, **_back(repo, jan, feb))


@pytest.mark.parametrize("mistake, message", [
    (dict(dvc_there=False), "git moved only the pointer"),             # git checkout alone
    (dict(home=False), "not back on the branch main"),                 # left on a detached HEAD
    (dict(dvc_home=False), "still January's"),                         # back with git, data not checked out
    (dict(predicted="300"), "as an int"),                              # a prediction as text
])
def test_q2_wrong_sequences_are_named(lab2, mistake, message):
    repo, jan, feb = lab2
    with pytest.raises(AssertionError, match=message):
        check("q2_time_travel", jan=jan, feb=feb, **_back(repo, jan, feb, **mistake))


def _version(in_sync=True):
    return types.SimpleNamespace(in_sync=lambda repo: in_sync, dvc=lambda *a: "remote /tmp/r")


Q3 = dict(repo="r", cfg=types.SimpleNamespace(target="gcp"), md5_before="a" * 32, md5_after="a" * 32, wiped=True)


def test_q3_right_answer_passes():
    check("q3_round_trip", version=_version(), **Q3)


@pytest.mark.parametrize("ns, message", [
    (dict(md5_before=b"\x00" * 16, md5_after=b"\x00" * 16), "not an MD5 hex digest"),
    (dict(wiped=False), "delete the data file before pulling"),
    (dict(md5_after="b" * 32), "pulled file differs"),
    (dict(version=_version(in_sync=False)), "push before you wipe"),
])
def test_q3_wrong_answers_are_named(ns, message):
    fails("q3_round_trip", message, **{**Q3, "version": _version(), **ns})

"Week 3's public checks against plausible wrong answers: each fails with a message naming the mistake (no lab run)."
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


def _versions(rows_new=90, n=2, message="add February"):
    vs = [{"rev": "b2", "message": message, "rows": rows_new, "md5": "m2"}, {"rev": "a1", "message": "January", "rows": 50, "md5": "m1"}]
    return vs[:1] * (n - 1) + vs if n > 2 else vs[:n]


def test_q1_right_answer_passes():
    check("q1_add_february", versions=_versions(), rev_feb="b2")


@pytest.mark.parametrize("ns, message", [
    (dict(versions=_versions(rows_new=40), rev_feb="b2"), "holds February only"),
    (dict(versions=_versions(n=3), rev_feb="b2"), "committed twice"),
    (dict(versions=_versions(), rev_feb="a1"), "rev_feb is not the newest version's commit"),
    (dict(versions=_versions(message="feb"), rev_feb="b2"), "message is 'feb'"),
])
def test_q1_wrong_answers_are_named(ns, message):
    fails("q1_add_february", message, **ns)


def test_q2_right_answer_passes():
    check("q2_time_travel", n_old=50, auc_old=0.64, auc_v1=0.64, auc_v2=0.68)


@pytest.mark.parametrize("ns, message", [
    (dict(n_old=90, auc_old=0.68), "that is the current version"),
    (dict(n_old=45, auc_old=0.64), "not the number of rows of v1-jan"),
    (dict(n_old=50, auc_old=0.66), "old result was not reproduced"),
])
def test_q2_wrong_answers_are_named(ns, message):
    fails("q2_time_travel", message, auc_v1=0.64, auc_v2=0.68, **ns)


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

"Week 5's public checks against plausible wrong answers: each fails with a message naming the mistake (no lab run)."
import json
import pytest
from mlopslab.course.labspec import lab_for

SPEC = lab_for(5)
STAGES = ["ingest", "validate", "featurize", "split", "train"]


def check(q: str, **ns):
    env = {"json": json, "ran_first": STAGES, **ns}
    for src in SPEC.questions[q].checks: exec(compile(src, f"check {q}", "exec"), env)
    return env


def fails(q: str, match: str, **ns):
    with pytest.raises(AssertionError, match=match): check(q, **ns)


def test_q1_right_answer_passes():
    check("q1_param_change", predict_param=["train"], ran_param=["train"])


@pytest.mark.parametrize("ns, message", [
    (dict(predict_param=["featurize", "split", "train"], ran_param=["train"]), r"you predicted \['featurize', 'split'\] would rerun"),
    (dict(predict_param=STAGES, ran_param=["train"]), "they do not read train.C"),
    (dict(predict_param=[], ran_param=["train"]), r"your prediction missed \['train'\]"),
    (dict(predict_param=["train"], ran_param=[]), "nothing reran: params.yaml still holds the old train.C"),
    (dict(predict_param="train", ran_param=["train"]), "should be a list of stage names"),
])
def test_q1_wrong_answers_are_named(ns, message):
    fails("q1_param_change", message, **ns)


def test_q2_right_answer_passes():
    check("q2_upstream_change", predict_upstream=["featurize", "split", "train"], ran_upstream=["featurize", "split", "train"])


@pytest.mark.parametrize("ns, message", [
    (dict(predict_upstream=["featurize"], ran_upstream=["featurize", "split", "train"]), r"missed \['split', 'train'\]: featurize's output is a dependency"),
    (dict(predict_upstream=STAGES, ran_upstream=["featurize", "split", "train"]), r"you predicted \['ingest', 'validate'\] would rerun"),
    (dict(predict_upstream=["featurize", "split", "train"], ran_upstream=[]), "nothing reran"),
])
def test_q2_wrong_answers_are_named(ns, message):
    fails("q2_upstream_change", message, **ns)


@pytest.fixture
def proj(tmp_path):
    (tmp_path/"batches").mkdir(); (tmp_path/"metrics").mkdir()
    for m in ("2013-01", "2013-02"): (tmp_path/"batches"/f"{m}.parquet").write_bytes(b"x")
    (tmp_path/"metrics"/"train.json").write_text(json.dumps({"train_rows": 7900}))
    return tmp_path


def test_q3_right_answer_passes(proj):
    check("q3_new_batch", proj=proj, ran_new=STAGES, rows_trained=7900, history=[{"train_rows": 3950}])


def test_q3_wrong_answers_are_named(proj):
    base = dict(proj=proj, ran_new=STAGES, history=[{"train_rows": 3950}])
    fails("q3_new_batch", "rows_trained is January's count", **base, rows_trained=3950)
    fails("q3_new_batch", "not a Python int", **base, rows_trained="7900")
    fails("q3_new_batch", "not the train_rows the train stage recorded", **base, rows_trained=8000)
    fails("q3_new_batch", "nothing reran", **{**base, "ran_new": []}, rows_trained=7900)
    (proj/"batches"/"2013-02.parquet").unlink()
    fails("q3_new_batch", "add February through the gate", **base, rows_trained=7900)

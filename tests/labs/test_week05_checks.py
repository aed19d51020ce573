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


# Exercise 4: the alerts stage the student declares, and the two predictions
import yaml

GOOD_STAGE = """
alerts:
  cmd: python src/pipeline.py alerts
  deps: [src/pipeline.py, model.pkl, data/test.parquet]
  params: [alerts]
  metrics: [{metrics/alerts.json: {cache: false}}]
"""


def _q4(tmp_path, stage=GOOD_STAGE, predict_alerts=("alerts",), predict_retrain=("train", "alerts"),
        ran_alerts=("alerts",), ran_retrain=("train", "alerts"), keep_stages=True):
    "The check's namespace: a project folder whose dvc.yaml holds the template's stages (or not) and the student's."
    proj = tmp_path/"proj"
    (proj/"metrics").mkdir(parents=True, exist_ok=True)
    stages = {s: {"cmd": f"python src/pipeline.py {s}"} for s in (STAGES if keep_stages else [])}
    try: stages.update(yaml.safe_load(stage) or {})
    except yaml.YAMLError: pass
    (proj/"dvc.yaml").write_text(yaml.safe_dump({"stages": stages}))
    (proj/"metrics"/"alerts.json").write_text('{"threshold": 0.3}')
    return dict(yaml=yaml, proj=proj, alerts_stage=stage, predict_alerts=list(predict_alerts), predict_retrain=list(predict_retrain),
                ran_alerts=list(ran_alerts), ran_retrain=list(ran_retrain))


def test_q4_right_answer_passes(tmp_path):
    check("q4_alerts_stage", **_q4(tmp_path))


@pytest.mark.parametrize("kw, message", [
    (dict(stage=GOOD_STAGE.replace("model.pkl, ", "")), "does not depend on model.pkl"),                         # the model left out
    (dict(stage=GOOD_STAGE.replace(", data/test.parquet", "")), "does not depend on data/test.parquet"),
    (dict(stage=GOOD_STAGE.replace("src/pipeline.py, ", "")), "does not depend on src/pipeline.py"),             # the code left out
    (dict(stage=GOOD_STAGE.replace("data/test.parquet]", "data/test.parquet, data/train.parquet]")), "never reads"),  # over-declared
    (dict(stage=GOOD_STAGE.replace("  params: [alerts]\n", "")), "does not declare its parameter section"),
    (dict(stage=GOOD_STAGE.replace("  metrics: [{metrics/alerts.json: {cache: false}}]", "  outs: [metrics/alerts.json]")), "not declared as the stage's metrics"),
    (dict(stage=GOOD_STAGE.replace("{cache: false}", "{cache: true}")), "kept in git"),                          # cached, not in git
    (dict(stage=GOOD_STAGE.replace("pipeline.py alerts", "pipeline.py train")), "run the alerts step"),         # another step's command
    (dict(stage=GOOD_STAGE.replace("alerts:\n", "stages:\n  alerts:\n", 1)), "one stage, named alerts"),          # a whole dvc.yaml, not a stage
    (dict(keep_stages=False), "the five stages and alerts"),                                                   # dvc.yaml overwritten
    (dict(predict_alerts=("ingest", "validate", "featurize", "split", "train", "alerts")), "stages whose inputs did not change are skipped"),
    (dict(predict_retrain=("train",)), "a stage reruns when a dependency, here the model, changes"),            # the downstream stage forgotten
    (dict(ran_alerts=()), "add the stage and the parameter before run"),
])
def test_q4_wrong_answers_are_named(tmp_path, kw, message):
    fails("q4_alerts_stage", message, **_q4(tmp_path, **kw))

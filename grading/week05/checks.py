"""Hidden checks of week 5 (never shipped): what a parameter change reruns, upstream changes, a new batch end to end, a stage the student declares.

Which stages reran can only be seen while the notebook runs, so those answers are compared with constants. Their
effects are checked on files the notebook left behind, read as trusted copies (`ctx.file`): `dvc.lock` must record
the parameters each run used, `batches.dvc` the admitted batches, and `metrics/train.json` the rows the grader
recomputes in this process from the run's parameters.
"""
import json
import yaml
from mlopslab.course.checks import hidden

PROJ = "ws/week05/pipeline"            # the lab's pipeline, relative to the graded notebook's folder (workspace ws/)
STAGES = ["ingest", "validate", "featurize", "split", "train"]


def _history(ctx) -> list:
    h = ctx.value("history")
    assert isinstance(h, list) and all(isinstance(r, dict) for r in h), "`history` was changed: run the lab's cells as given"
    return h


def _lock(ctx) -> dict:
    "The stages recorded in the pipeline's dvc.lock at the end of the notebook."
    return yaml.safe_load(ctx.file(f"{PROJ}/dvc.lock").read_text())["stages"]


def _param(lock: dict, stage: str, name: str):
    "The value of parameter `name` (e.g. 'train.C') that dvc.lock records for `stage`."
    value = lock[stage]["params"]["params.yaml"]
    for key in name.split("."): value = value[key]
    return value


def _expected_train_rows(ctx) -> int:
    "Training rows of the pipeline on January + February for this run's parameters (test_size 0.2)."
    p = ctx.params or {}
    rows, seed = int(p.get("rows_per_month", 5000)), int(p.get("seed", 42))
    def compute():
        import pandas as pd
        from mlopslab import data
        df = pd.concat([data.load_flights(m, sample=rows, seed=seed) for m in (1, 2)], ignore_index=True)
        return len(data.time_split(data.labelled(df), 0.2)[0])
    return ctx.cache(f"week05-train-rows-{rows}-{seed}", compute)


@hidden("q1_param_change", record=["predict_param", "ran_param"])
def predicted_train_param(ctx):
    "the prediction made before running: a change of train.C reruns the train stage only"
    assert ctx.value("predict_param") == ["train"], "predict_param is not the set of stages that read train.C"


@hidden("q2_upstream_change", record=["predict_upstream"])
def predicted_upstream_param(ctx):
    "the prediction made before running: a change of featurize.max_dest reruns featurize and every stage after it"
    assert ctx.value("predict_upstream") == ["featurize", "split", "train"], "predict_upstream is not featurize and the stages downstream of it"


@hidden("q1_param_change", record=["ran_param", "history"])
def train_param_reruns_train_only(ctx):
    "changing train.C reruns exactly the train stage, and the pipeline's dvc.lock records the run with C = 0.1"
    assert ctx.value("ran_param") == ["train"], "only the train stage reads train.C"
    h = {r.get("change"): r for r in _history(ctx)}
    assert "train.C = 0.1" in h and "nothing changed" in h, "run the pipeline with run(...) as the exercise says"
    assert h["nothing changed"].get("ran") == [], "an unchanged pipeline should run nothing"
    assert _param(_lock(ctx), "train", "train.C") == 0.1, "dvc.lock does not record a train run with C = 0.1"


@hidden("q2_upstream_change", record=["ran_upstream"])
def featurize_param_reruns_downstream(ctx):
    "changing featurize.max_dest reruns featurize, split and train, and dvc.lock records featurize with max_dest = 5"
    assert ctx.value("ran_upstream") == ["featurize", "split", "train"], "a featurize parameter reruns featurize and what follows it"
    assert _param(_lock(ctx), "featurize", "featurize.max_dest") == 5, "dvc.lock does not record a featurize run with max_dest = 5"


@hidden("q3_new_batch", record=["ran_new", "rows_trained"])
def new_batch_reruns_everything_on_more_rows(ctx):
    "February went through the gate (two batches versioned, the bad one never), every stage reran, and the model trained on the rows the grader expects"
    assert ctx.value("ran_new") == STAGES, "a new batch reruns every stage"
    tracked = yaml.safe_load(ctx.file(f"{PROJ}/batches.dvc").read_text())["outs"][0]
    assert tracked.get("nfiles") == 2, "batches.dvc should version exactly January and February (add February with add_batch)"
    ingest = next(d for d in _lock(ctx)["ingest"]["deps"] if d["path"] == "batches")
    assert ingest["md5"] == tracked["md5"], "the last run did not ingest the versioned batches"
    expected = _expected_train_rows(ctx)
    metrics = json.loads(ctx.file(f"{PROJ}/metrics/train.json").read_text())
    assert metrics.get("train_rows") == expected, "the last run's metrics do not come from January + February"
    assert ctx.value("rows_trained") == expected, "rows_trained is not the train_rows of the last run"


ALERTS_READS = {"src/pipeline.py", "model.pkl", "data/test.parquet"}


@hidden("q4_alerts_stage", record=["predict_alerts", "predict_retrain", "ran_alerts", "ran_retrain"])
def alerts_stage_declared_and_predicted(ctx):
    "the project's dvc.yaml declares the alerts stage with exactly what the step reads, its parameter section and its metrics kept in git; dvc.lock shows it ran on the last model with threshold 0.3; and the predictions made before running were right"
    stages = yaml.safe_load(ctx.file(f"{PROJ}/dvc.yaml").read_text()).get("stages") or {}
    assert set(stages) == {*STAGES, "alerts"}, "the project's dvc.yaml does not hold exactly the template's stages plus alerts"
    st = stages["alerts"]
    assert st.get("cmd") == "python src/pipeline.py alerts", "the alerts stage does not run the alerts step"
    assert set(st.get("deps") or []) == ALERTS_READS, "the alerts stage's deps are not exactly what the step reads"
    assert any(p == "alerts" or (isinstance(p, str) and p.startswith("alerts.")) for p in st.get("params") or []), "the alerts stage does not declare its parameters"
    assert st.get("metrics") == [{"metrics/alerts.json": {"cache": False}}], "the alerts stage does not declare metrics/alerts.json as metrics kept in git"
    lock = _lock(ctx)
    assert "alerts" in lock, "dvc.lock records no run of the alerts stage"
    model = lambda entries: next((d.get("md5") for d in entries if d.get("path") == "model.pkl"), None)
    assert model(lock["alerts"]["deps"]) and model(lock["alerts"]["deps"]) == model(lock["train"]["outs"]), "the alerts stage's last run did not read the last model"
    assert _param(lock, "alerts", "alerts.threshold") == 0.3, "dvc.lock does not record the alerts stage with threshold 0.3"
    assert _param(lock, "train", "train.max_iter") == 300, "dvc.lock does not record the train run with max_iter 300"
    assert ctx.value("ran_alerts") == ["alerts"] and ctx.value("ran_retrain") == ["train", "alerts"], "the runs did not rerun what the stage's declarations imply"
    assert ctx.value("predict_alerts") == ["alerts"], "predict_alerts is wrong: a new stage runs, the up-to-date ones are skipped"
    assert ctx.value("predict_retrain") == ["train", "alerts"], "predict_retrain is wrong: train reads max_iter, and alerts reads the model train writes"
    metrics = json.loads(ctx.file(f"{PROJ}/metrics/alerts.json").read_text())
    assert metrics.get("threshold") == 0.3 and 0 <= metrics.get("alert_share", -1) <= 1, "metrics/alerts.json was not written by the alerts step with threshold 0.3"

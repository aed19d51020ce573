"Hidden checks of week 5 (never shipped): what a parameter change reruns, upstream changes, a new batch end to end."
from mlopslab.grading import hidden

STAGES = ["ingest", "validate", "featurize", "split", "train"]


def _history(ctx) -> list:
    h = ctx.value("history")
    assert isinstance(h, list) and all(isinstance(r, dict) for r in h), "`history` was changed: run the lab's cells as given"
    return h


@hidden("q1_param_change", record=["ran_param", "history"])
def train_param_reruns_train_only(ctx):
    "changing train.C reruns exactly the train stage, and the pipeline's metrics changed with it"
    assert ctx.has("ran_param"), "`ran_param` was not set"
    assert ctx.value("ran_param") == ["train"], "only the train stage reads train.C"
    h = {r["change"]: r for r in _history(ctx)}
    assert "train.C = 0.1" in h and "nothing changed" in h, "run the pipeline with run(...) as the exercise says"
    assert h["nothing changed"]["ran"] == [], "an unchanged pipeline should run nothing"


@hidden("q2_upstream_change", record=["ran_upstream"])
def featurize_param_reruns_downstream(ctx):
    "changing featurize.max_dest reruns featurize, split and train, not ingest or validate"
    assert ctx.has("ran_upstream"), "`ran_upstream` was not set"
    assert ctx.value("ran_upstream") == ["featurize", "split", "train"], "a featurize parameter reruns featurize and what follows it"


@hidden("q3_new_batch", record=["ran_new", "rows_trained", "history", "rows_per_month"])
def new_batch_reruns_everything_on_more_rows(ctx):
    "adding February reruns all five stages and trains on more rows than January alone"
    assert ctx.has("ran_new") and ctx.has("rows_trained"), "`ran_new` or `rows_trained` was not set"
    assert ctx.value("ran_new") == STAGES, "a new batch reruns every stage"
    rows, first = ctx.value("rows_trained"), _history(ctx)[0]["train_rows"]
    assert isinstance(rows, int), "rows_trained should be an int"
    n = int(ctx.value("rows_per_month"))
    assert first < rows <= 2 * n, "rows_trained should count January and February's training rows"
    assert rows > 1.5 * first, "February should roughly double the training rows"

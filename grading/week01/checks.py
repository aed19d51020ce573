"""Hidden checks of week 1 (never shipped; read only by the grader's trusted process).

Expected values are recomputed here from the data and the run's parameters; student values arrive as
plain data (recorded variables, probe results, rows of the submission's MLflow database).
"""
from mlopslab.course.checks import hidden, close


def _expected_rate(ctx) -> float:
    "Share of delayed flights in the training labels for the parameters this run used."
    def compute():
        from mlopslab import data
        fl = data.labelled(data.load_flights(sample=ctx.params["sample"], seed=ctx.params["seed"]))
        train, _ = data.time_split(fl, test_size=0.2)
        return float(data.xy(train)[1].mean())
    return ctx.cache(f"week01-rate-{ctx.params['sample']}-{ctx.params['seed']}", compute)


@hidden("q1_delay_rate", record=["delay_rate"])
def delay_rate_is_training_share(ctx):
    "delay_rate is the share of delayed flights in the training labels"
    got = ctx.value("delay_rate")
    assert type(got) is float, "delay_rate is not a Python float"
    assert close(got, _expected_rate(ctx), 1e-9), "delay_rate is not the share of delayed flights in y_train"


@hidden("q2_evaluate", probe="q2_evaluate")
def evaluate_on_known_model(ctx):
    "evaluate gives the right AUC and accuracy for a model whose predictions are known"
    from sklearn.metrics import accuracy_score, roc_auc_score
    got = ctx.probe("q2_evaluate")
    assert type(got) is dict and set(got) == {"auc", "accuracy"}, "evaluate should return a dict with exactly the keys 'auc' and 'accuracy'"
    y, p = [0, 0, 1, 1, 0, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.7, 0.9, 0.2, 0.45]
    assert close(got["auc"], roc_auc_score(y, p), 1e-9), "the AUC is wrong (use the probability of class 1)"
    assert close(got["accuracy"], accuracy_score(y, [int(v > 0.5) for v in p]), 1e-9), "the accuracy is wrong (use model.predict)"


@hidden("q2_evaluate", record=["metrics"])
def metrics_of_the_baseline(ctx):
    "the baseline's metrics are floats and beat a coin toss"
    m = ctx.value("metrics")
    assert type(m) is dict and all(type(m.get(k)) is float for k in ("auc", "accuracy")), "metrics should hold float 'auc' and 'accuracy'"
    assert 0.5 < m["auc"] <= 1 and 0 < m["accuracy"] <= 1, "the baseline's metrics are out of range"


@hidden("q3_log_run", record=["run_id"])
def run_logged_and_registered(ctx):
    "the run 'baseline' holds the seed, both metrics and a registered model version"
    run_id = ctx.value("run_id")
    assert type(run_id) is str and run_id, "run_id should be the id of your MLflow run"
    rows = ctx.sql("SELECT name FROM runs WHERE run_uuid = ?", run_id)
    assert rows and rows[0][0] == "baseline", "no MLflow run named 'baseline' with that run_id"
    seed = ctx.sql("SELECT value FROM params WHERE run_uuid = ? AND key = 'seed'", run_id)
    assert seed and seed[0][0] == str(ctx.params["seed"]), "the seed is not logged as a parameter of the run"
    keys = {k for (k,) in ctx.sql("SELECT key FROM metrics WHERE run_uuid = ?", run_id)}
    assert {"auc", "accuracy"} <= keys, "the run does not hold both metrics 'auc' and 'accuracy'"
    versions = ctx.sql("SELECT version FROM model_versions WHERE name = 'flights-delay' AND run_id = ?", run_id)
    assert versions, "the model of this run is not registered as 'flights-delay'"

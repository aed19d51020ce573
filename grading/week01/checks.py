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


def _split(ctx):
    "The training and test flights for the parameters this run used (trusted data)."
    from mlopslab import data
    fl = data.labelled(data.load_flights(sample=ctx.params["sample"], seed=ctx.params["seed"]))
    return data.time_split(fl, test_size=0.2)


@hidden("q2_evaluate", probe="q2_evaluate")
def evaluate_on_known_model(ctx):
    "evaluate gives the right AUC, accuracy and recall for a model whose probabilities are known, at two thresholds"
    from sklearn.metrics import accuracy_score, recall_score, roc_auc_score
    got = ctx.probe("q2_evaluate")
    assert type(got) is dict and set(got) == {"at_05", "at_03"}, "the probe could not call evaluate"
    y, p, t2 = ctx.probe_inputs("q2_evaluate")          # drawn per submission: no constant answers pass
    for key, t in (("at_05", 0.5), ("at_03", t2)):
        m = got[key]
        assert type(m) is dict and set(m) == {"auc", "accuracy", "recall"}, "evaluate should return a dict with exactly the keys 'auc', 'accuracy' and 'recall'"
        assert all(type(v) is float for v in m.values()), "evaluate's values are not Python floats"
        warn = [int(v >= t) for v in p]
        assert close(m["auc"], roc_auc_score(y, p), 1e-9), "the AUC is wrong: it ranks the probabilities of a delay"
        assert close(m["accuracy"], accuracy_score(y, warn), 1e-9), f"the accuracy is wrong at threshold {t}"
        assert close(m["recall"], recall_score(y, warn), 1e-9), f"the recall is wrong at threshold {t}"


@hidden("q2_evaluate", record=["metrics"])
def metrics_of_the_baseline(ctx):
    "the baseline's metrics are floats and rank better than a coin toss"
    m = ctx.value("metrics")
    assert type(m) is dict and all(type(m.get(k)) is float for k in ("auc", "accuracy", "recall")), "metrics should hold float 'auc', 'accuracy' and 'recall'"
    assert 0.5 < m["auc"] <= 1 and 0 < m["accuracy"] <= 1 and 0 <= m["recall"] <= 1, "the baseline's metrics are out of range"


@hidden("q3_accuracy_trap", record=["prediction", "rule_accuracy"])
def prediction_and_rule_accuracy(ctx):
    "the prediction about accuracy is the right one, and the rule's accuracy is measured on the test period"
    assert ctx.value("prediction") == "b", "the prediction is not the one the numbers support"
    def compute():
        from mlopslab import data
        _, test = _split(ctx)
        return float((data.xy(test)[1] == 0).mean())
    expected = ctx.cache(f"week01-rule-{ctx.params['sample']}-{ctx.params['seed']}", compute)
    got = ctx.value("rule_accuracy")
    assert type(got) is float and close(got, expected, 1e-9), "rule_accuracy is not the share of on-time flights in the test period"


def _expected_threshold(ctx) -> float:
    "The highest multiple of 0.05 at which the baseline (retrained here) warns about two in three late test flights."
    def compute():
        import numpy as np
        from sklearn.metrics import recall_score
        from mlopslab import data
        from mlopslab.model.zoo import forest
        train, test = _split(ctx)
        model = forest(seed=ctx.params["seed"], n_estimators=ctx.params["n_estimators"]).fit(*data.xy(train))
        X, y = data.xy(test)
        late = model.predict_proba(X)[:, list(model.classes_).index(1)]
        ok = [float(t) for t in np.round(np.arange(0.05, 0.951, 0.05), 2) if recall_score(y, (late >= t).astype(int)) >= 2 / 3]
        return max(ok)
    return ctx.cache(f"week01-threshold-{ctx.params['sample']}-{ctx.params['seed']}-{ctx.params['n_estimators']}", compute)


@hidden("q4_threshold", record=["threshold"])
def threshold_meets_the_request(ctx):
    "threshold is the highest multiple of 0.05 that warns about two in three late flights"
    got = ctx.value("threshold")
    assert type(got) is float, "threshold should be a Python float"
    assert close(got, _expected_threshold(ctx), 1e-9), "threshold is not the highest multiple of 0.05 with a recall of at least 2/3"


@hidden("q5_log_run", record=["run_id", "threshold"])
def run_logged_and_registered(ctx):
    "the run 'baseline' holds the parameters (seed and threshold), the three metrics and a registered model version"
    run_id = ctx.value("run_id")
    assert type(run_id) is str and run_id, "run_id should be the id of your MLflow run"
    rows = ctx.sql("SELECT name FROM runs WHERE run_uuid = ?", run_id)
    assert rows and rows[0][0] == "baseline", "no MLflow run named 'baseline' with that run_id"
    logged = dict(ctx.sql("SELECT key, value FROM params WHERE run_uuid = ?", run_id))
    assert logged.get("seed") == str(ctx.params["seed"]), "the seed is not logged as a parameter of the run"
    assert "threshold" in logged and close(float(logged["threshold"]), _expected_threshold(ctx), 1e-9), "the chosen threshold is not logged as a parameter of the run"
    keys = {k for (k,) in ctx.sql("SELECT key FROM metrics WHERE run_uuid = ?", run_id)}
    assert {"auc", "accuracy", "recall"} <= keys, "the run does not hold the metrics 'auc', 'accuracy' and 'recall'"
    versions = ctx.sql("SELECT version FROM model_versions WHERE name = 'flights-delay' AND run_id = ?", run_id)
    assert versions, "the model of this run is not registered as 'flights-delay'"


@hidden("q5_log_run", record=["run_id"], probe="q5_logged_model")
def logged_model_reproduces_the_logged_auc(ctx):
    "the model registered from the run, loaded from its artifacts, reproduces the AUC logged in the run on the test flights"
    import numpy as np
    from sklearn.metrics import roc_auc_score
    from mlopslab import data
    run_id = ctx.value("run_id")
    got = ctx.probe("q5_logged_model")
    assert type(got) is dict and type(run_id) is str and run_id in got, "no version of 'flights-delay' registered from your run could be loaded from its artifacts"
    y = ctx.cache(f"week01-ytest-{ctx.params['sample']}-{ctx.params['seed']}", lambda: data.xy(_split(ctx)[1])[1].to_numpy())
    p = got[run_id]
    assert isinstance(p, (list, np.ndarray)) and len(p) == len(y), "the registered model does not score every test flight"
    auc = float(roc_auc_score(y, np.asarray(p, dtype=float)))
    logged = [v for k, v in ctx.sql("SELECT key, value FROM metrics WHERE run_uuid = ?", run_id) if k == "auc"]
    assert logged and all(close(v, auc, 1e-6) for v in logged), "the AUC logged in the run is not the AUC of the model the run logged"
    assert auc > 0.5, "the logged model ranks delays no better than a coin toss"

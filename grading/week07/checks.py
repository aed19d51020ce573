"""Hidden checks of week 7 (never shipped): the threshold from the costs, a behavioural test, a policy that stops a
one-airline regression, the gate's verdicts and a rollback.

Expected values are recomputed in this process: the grader retrains the lab's champion and challengers on its own
copy of the data, applies the student's policy (parsed as YAML data, never executed) to them, and reads the
registry's aliases and the gate's reports from the submission's MLflow database and workspace.
"""
import json
import numpy as np
from mlopslab.course.checks import hidden, close

NAME = "week07-delay"


def _models(ctx):
    "The lab's data and models for this run's parameters, trained by the grader."
    p = ctx.params or {}
    sample, seed = p.get("sample", 8000), int(p.get("seed", 42))
    def compute():
        from mlopslab import data
        from mlopslab.model import tune, zoo
        fl = data.labelled(data.load_flights(months=list(range(1, 9)), sample=sample, seed=seed))
        X_fit, y_fit, X_val, y_val = tune.validation_split(fl, test_months=(12,))
        small = X_fit.sample(1500, random_state=seed).index
        champion = zoo.forest(n_estimators=20, max_depth=4, seed=seed).fit(X_fit.loc[small], y_fit.loc[small])
        buggy = zoo.boosting(max_iter=60).fit(X_fit, np.where(X_fit.carrier == "EV", 1 - y_fit, y_fit))
        better = zoo.boosting(max_iter=60).fit(X_fit, y_fit)
        X_hold, y_hold = data.xy(data.labelled(data.load_flights(months=[12], sample=3000, seed=0)))
        return dict(X_val=X_val, y_val=y_val, X_hold=X_hold, y_hold=y_hold, champion=champion, buggy=buggy, better=better)
    return ctx.cache(f"week07-models-{sample}-{seed}", compute)


CAPACITY = 0.30     # share of the validation flights the duty team can act on


@hidden("q1_threshold", record=["threshold", "capacity_cost"])
def threshold_minimises_the_cost_within_the_capacity(ctx):
    "threshold is the multiple of 0.01 with the lowest cost (missed delay 5, false alarm 1) among those alerting on at most 30 % of the validation flights, and capacity_cost what the limit adds per flight, recomputed by the grader"
    m = _models(ctx)
    y, p = np.asarray(m["y_val"]), m["better"].predict_proba(m["X_val"])[:, 1]
    levels = [k / 100 for k in range(1, 100)]
    per_flight = {t: (5.0*np.sum((y == 1) & (p < t)) + 1.0*np.sum((y == 0) & (p >= t))) / len(y) for t in levels}
    within = [t for t in levels if np.mean(p >= t) <= CAPACITY]
    t = ctx.value("threshold")
    assert isinstance(t, float) and t in per_flight, "threshold is not one of 0.01, 0.02, ..., 0.99 as a float"
    assert t in within, "threshold alerts on more of the validation flights than the capacity allows"
    assert per_flight[t] <= min(per_flight[u] for u in within) + 1e-12, "threshold does not have the lowest cost within the capacity on the validation flights"
    c = ctx.value("capacity_cost")
    assert isinstance(c, float) and close(c, per_flight[t] - min(per_flight.values()), 1e-9), "capacity_cost is not the cost per flight the limit adds"


@hidden("q2_behaviour", record=["rain_better", "rain_buggy"])
def rain_shares_recomputed(ctx):
    "rain_better and rain_buggy are the shares of December flights at least as risky in a storm, recomputed by the grader"
    m = _models(ctx)
    X = m["X_hold"]
    share = lambda model: float(np.mean(model.predict_proba(X.assign(precip=0.3, visib=1.0))[:, 1] >= model.predict_proba(X.assign(precip=0.0, visib=10.0))[:, 1]))
    for name in ("better", "buggy"):
        got = ctx.value(f"rain_{name}")
        assert isinstance(got, float) and close(got, share(m[name]), 1e-9), f"rain_{name} is not the share for the {name} challenger on X_hold"


@hidden("q3_policy", record=["policy"])
def policy_stops_the_buggy_and_passes_the_better(ctx):
    "your policy, applied by the grader to its own models, fails the buggy challenger on a carrier rule and passes the better one"
    from mlopslab.model import gate
    text = ctx.value("policy")
    assert isinstance(text, str), "policy is not a YAML text"
    try: pol = gate.load_policy(text if "\n" in text else text + "\n")
    except Exception as e: raise AssertionError(f"the gate refuses the policy: {str(e).splitlines()[0]}") from None
    assert pol.get("holdout") == {"months": [12], "sample": 3000, "seed": 0}, "the holdout is not December (months [12], sample 3000, seed 0)"
    assert pol.get("metrics", {}).get("auc", {}).get("min") == 0.6 and "directional_hour" in (pol.get("behaviour") or []), "the AUC floor or the hour test is missing"
    assert (pol.get("champion") or {}).get("margin") == 0, "the champion rule with margin 0 is missing"
    m = _models(ctx)
    X, y, old = m["X_hold"], m["y_hold"], m["champion"].predict_proba(m["X_hold"])[:, 1]
    buggy = gate.check_rules(pol, X, y, m["buggy"].predict_proba(X)[:, 1], old, m["buggy"])
    better = gate.check_rules(pol, X, y, m["better"].predict_proba(X)[:, 1], old, m["better"])
    assert any(r["rule"].startswith("slices.carrier") and not r["passed"] for r in buggy), "the buggy challenger passes your carrier rules"
    assert all(r["passed"] for r in better), "the better challenger does not pass your policy"


@hidden("q4_rollback", record=["serving"])
def gate_verdicts_and_rollback_in_the_registry(ctx):
    "the gate failed v2 on a carrier rule and promoted v3 (reports in the workspace), and the registry's aliases show the rollback"
    aliases = dict(ctx.sql("SELECT alias, version FROM registered_model_aliases WHERE name = ?", NAME))
    assert aliases.get("champion") == 1 and aliases.get("previous") == 3, "the registry's aliases do not show champion v1 and previous v3 after the rollback"
    assert ctx.value("serving") == 1, "serving is not the champion's version after the rollback"
    buggy = json.loads(ctx.file(f"ws/gate/{NAME}-v2.json").read_text())
    better = json.loads(ctx.file(f"ws/gate/{NAME}-v3.json").read_text())
    assert buggy.get("passed") is False and any(str(r).startswith("slices.carrier") for r in buggy.get("failed", [])), "the gate report of v2 does not fail it on a carrier rule"
    assert better.get("passed") is True and better.get("promoted") is True, "the gate report of v3 does not show it passed and promoted"
    tags = dict(ctx.sql("SELECT version, value FROM model_version_tags WHERE name = ? AND key = 'gate'", NAME))
    assert tags.get(2) == "failed" and tags.get(3) == "passed", "the registry does not hold the gate's verdicts for v2 and v3"

"Week 7's public checks catch the plausible wrong answers, naming the mistake (full marks and zero: tests/course/test_lab_contract.py)."
import types
import numpy as np
import pandas as pd
import pytest
from mlopslab.course.labspec import directives, lab_for, source
from mlopslab.model import evaluation, gate


def _check(question: str) -> str:
    return next(source(c) for c in lab_for(7).nb["cells"] if c["cell_type"] == "code" and directives(source(c)).get("check") == question)


def _run(question: str, **ns):
    exec(compile(_check(question), question, "exec"), {"np": np, "pd": pd, "evaluation": evaluation, "gate": gate, **ns})


COSTS = {"missed_delay": 5.0, "false_alarm": 1.0}
rng = np.random.default_rng(0)
Y = rng.integers(0, 2, 600)
P = np.clip(0.3*Y + 0.7*rng.random(600), 0, 1)
BEST = evaluation.best_threshold(Y, P, **COSTS)["threshold"]


CAPACITY = 0.30
LEVELS = [k / 100 for k in range(1, 100)]
cost = lambda t: evaluation.expected_cost(Y, P, t, **COSTS)
ALLOWED = [t for t in LEVELS if np.mean(P >= t) <= CAPACITY]
RIGHT = min(ALLOWED, key=cost)
RIGHT_COST = float(cost(RIGHT) - min(map(cost, LEVELS)))


def test_the_capacity_binds_in_these_tests():
    "The unconstrained optimum alerts on more than the capacity, as in the lab: else the wrong answers below would be right."
    assert np.mean(P >= BEST) > CAPACITY and RIGHT != BEST and RIGHT_COST > 0


@pytest.mark.parametrize("threshold, capacity_cost, message", [
    (0.5, RIGHT_COST, "0.5 ignores the costs"),                                   # the default
    (BEST, 0.0, "more than the ALERT_CAPACITY"),                                  # the library's answer: costs, no capacity
    (round(RIGHT + 0.1, 2), RIGHT_COST, "another threshold within the capacity"), # allowed, but not the cheapest (e.g. chosen on the holdout)
    (float(np.arange(0.01, 1.0, 0.01)[int(round(RIGHT * 100)) - 1]) if abs(np.arange(0.01, 1.0, 0.01)[int(round(RIGHT * 100)) - 1] - RIGHT) > 0 else RIGHT + 1e-12,
     RIGHT_COST, "needs rounding"),                                               # a float grid, not rounded
    (RIGHT, RIGHT_COST * len(Y), "per flight"),                                   # totals, not per flight
    (RIGHT, -RIGHT_COST, "MINUS"),                                                # the difference upside down
    (RIGHT, float(cost(RIGHT) - cost(0.5)), "lowest cost WITHOUT the limit"),  # against 0.5, not the optimum
])
def test_q1_threshold_names_the_mistake(threshold, capacity_cost, message):
    with pytest.raises(AssertionError, match=message):
        _run("q1_threshold", threshold=threshold, capacity_cost=capacity_cost, y_val=Y, p_val=P, COSTS=COSTS, ALERT_CAPACITY=CAPACITY)
    _run("q1_threshold", threshold=RIGHT, capacity_cost=RIGHT_COST, y_val=Y, p_val=P, COSTS=COSTS, ALERT_CAPACITY=CAPACITY)


X = pd.DataFrame({"precip": rng.random(80)*0.1, "visib": 10.0, "sched_hour": 12})


def _inplace(model, X):          # changes the caller's frame
    X["precip"] = 0.3; storm = model.predict_proba(X)[:, 1]
    X["precip"] = 0.0; clear = model.predict_proba(X)[:, 1]
    return float(np.mean(storm >= clear))


def _backwards(model, X):        # clear compared with storm
    storm = model.predict_proba(X.assign(precip=0.3, visib=1.0))[:, 1]
    clear = model.predict_proba(X.assign(precip=0.0, visib=10.0))[:, 1]
    return float(np.mean(clear > storm))


def _right(model, X):
    storm = model.predict_proba(X.assign(precip=0.3, visib=1.0))[:, 1]
    clear = model.predict_proba(X.assign(precip=0.0, visib=10.0))[:, 1]
    return float(np.mean(storm >= clear))


@pytest.mark.parametrize("fn, message", [(_backwards, "should score 1.0"), (_inplace, "never X itself")])
def test_q2_behaviour_names_the_mistake(fn, message):
    with pytest.raises(AssertionError, match=message):
        _run("q2_behaviour", rain_share=fn, X_hold=X.copy(), rain_better=0.9, rain_buggy=0.8)
    _run("q2_behaviour", rain_share=_right, X_hold=X.copy(), rain_better=0.9, rain_buggy=0.8)


GOOD = """holdout: {months: [12], sample: 3000, seed: 0}
metrics: {auc: {min: 0.60}}
slices: {carrier: {metric: auc, max_drop: 0.05, min_rows: 150}}
behaviour: [directional_hour]
champion: {metric: auc, margin: 0.0}
"""


@pytest.mark.parametrize("policy, message", [
    (GOOD.replace("slices: {carrier: {metric: auc, max_drop: 0.05, min_rows: 150}}\n", ""), "looks at single airlines"),  # averages only
    (GOOD.replace("months: [12]", "months: [1]"), "score on December"),                                                  # a training month
    (GOOD.replace("behaviour: [directional_hour]", "behaviour: []"), "hour directional test"),
    (GOOD.replace("margin: 0.0", "margin: 0.05"), "margin 0"),
])
def test_q3_policy_names_the_mistake(policy, message):
    with pytest.raises(AssertionError, match=message):
        _run("q3_policy", policy=policy, X_hold=None, y_hold=None, p={}, buggy=None, better=None, cfg=None)


def test_q3_policy_too_loose_or_too_strict(monkeypatch):
    "The gate's verdicts decide: a carrier rule that lets the buggy model through, or one that stops the better one."
    loose = [{"rule": "slices.carrier.max_drop", "passed": True}]
    strict = [{"rule": "slices.carrier.max_drop", "passed": False}]
    for verdicts, message in [((loose, loose), "too loose"), ((strict, strict), "too strict")]:
        answers = iter(verdicts)
        monkeypatch.setattr(gate, "check_rules", lambda *a, **k: next(answers))
        with pytest.raises(AssertionError, match=message):
            _run("q3_policy", policy=GOOD, X_hold=None, y_hold=None, p={"buggy": 0, "better": 0, "champion": 0}, buggy=None, better=None, cfg=None)


class Client:
    def __init__(self, aliases): self.aliases = aliases
    def get_model_version_by_alias(self, name, alias): return types.SimpleNamespace(version=str(self.aliases[alias]))


@pytest.mark.parametrize("serving, aliases, message", [
    (3, {"champion": 3, "previous": 1}, "served before"),              # nothing moved
    (1, {"champion": 1, "previous": 1}, "keep the rolled-back version"),  # previous not swapped
])
def test_q4_rollback_names_the_mistake(serving, aliases, message):
    with pytest.raises(AssertionError, match=message):
        _run("q4_rollback", serving=serving, client=Client(aliases), NAME="m", v_champion=1, v_better=3)
    _run("q4_rollback", serving=1, client=Client({"champion": 1, "previous": 3}), NAME="m", v_champion=1, v_better=3)

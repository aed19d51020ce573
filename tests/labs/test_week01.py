"Week 1 graded for real: a partial solution gets exactly its points (full marks and zero: tests/course/test_lab_contract.py)."
import json
import pytest
from conftest import solve
from mlopslab.course.grade import grade
from mlopslab.course.labspec import lab_for
from mlopslab.course.release import release

PARAMS = {"sample": 3000, "n_estimators": 10}   # small and quick; the hidden checks recompute with the same values


@pytest.mark.slow
def test_partial_solution_gets_exactly_its_points(tmp_path):
    spec, subs = lab_for(1), tmp_path/"subs"
    subs.mkdir()
    rel = release(spec, tmp_path/"labs")
    (subs/"partial.ipynb").write_text(json.dumps(solve(json.loads(rel.read_text()), spec, {"q1_delay_rate", "q2_evaluate"})))
    r = grade(1, subs, tmp_path/"out", jobs=1, timeout=180, params=PARAMS, progress=False)[0]
    by = {q.question: q for q in r.questions}
    assert r.score == spec.questions["q1_delay_rate"].points + spec.questions["q2_evaluate"].points
    assert by["q1_delay_rate"].status == by["q2_evaluate"].status == "passed" and by["q5_log_run"].points == 0


# ---- public checks against plausible wrong answers (the check cell's code run in a namespace, no lab run) ----
import types
import numpy as np
import pandas as pd
from mlopslab.course.labspec import directives, source

SPEC = lab_for(1)


def check(q: str, **ns):
    "Run question `q`'s public check cells in a namespace holding `ns` (with np and pd); returns the namespace."
    env = {"np": np, "pd": pd, **ns}
    for src in SPEC.questions[q].checks: exec(compile(src, f"check {q}", "exec"), env)
    return env


def fails(q: str, match: str, **ns):
    with pytest.raises(AssertionError, match=match): check(q, **ns)


def solution(q: str, **ns) -> dict:
    "The namespace after the instructor's solution of `q`."
    src = next(source(c) for c in SPEC.nb["cells"] if c["cell_type"] == "code" and directives(source(c)).get("exercise") == q)
    env = {"np": np, "pd": pd, **ns}
    exec(src, env)
    return env


Y_TRAIN = pd.Series([0] * 7 + [1] * 3)          # 30 % late in training
Y_TEST = pd.Series([0] * 3 + [1] * 1)            # 25 % late in the test period
FL = pd.DataFrame({"delayed": pd.concat([Y_TRAIN, Y_TEST], ignore_index=True)})
Q1 = dict(y_train=Y_TRAIN, y_test=Y_TEST, fl=FL)


def test_q1_right_answer_passes():
    check("q1_delay_rate", **solution("q1_delay_rate", **Q1))


@pytest.mark.parametrize("wrong, message", [
    (float(Y_TEST.mean()), "computed on the test labels"),
    (float(FL.delayed.mean()), "computed on all flights"),
    (1 - float(Y_TRAIN.mean()), "share of ON-TIME flights"),
    (30.0, "is a percentage"),
    (int(3), "not a Python float"),
    (0.31, "not a share of the training flights"),
])
def test_q1_wrong_answers_are_named(wrong, message):
    fails("q1_delay_rate", message, delay_rate=wrong, **Q1)


class Known:
    classes_ = np.array([0, 1])
    p = np.array([0.1, 0.4, 0.35, 0.8, 0.7, 0.9, 0.2, 0.45])
    def predict_proba(self, X): return np.c_[1 - self.p, self.p]
    def predict(self, X): return (self.p > 0.5).astype(int)


def _evaluate(auc_from="proba", acc_from="threshold", swap=False, keys=("auc", "accuracy", "recall")):
    from sklearn.metrics import accuracy_score, recall_score, roc_auc_score
    def evaluate(model, X, y, threshold=0.5):
        proba = model.predict_proba(X)
        late = proba[:, 1] if auc_from != "class0" else proba[:, 0]
        warn = (proba[:, 1] >= threshold).astype(int) if acc_from == "threshold" else model.predict(X)
        auc = roc_auc_score(y, model.predict(X) if auc_from == "predict" else late)
        m = {"auc": float(auc), "accuracy": float(accuracy_score(y, warn)), "recall": float(recall_score(y, warn))}
        if swap: m["auc"], m["accuracy"] = m["accuracy"], m["auc"]
        return {k: m[k] for k in keys}
    return evaluate


Q2 = dict(model=Known(), X_test=pd.DataFrame({"x": range(8)}), y_test=pd.Series([0, 0, 1, 1, 0, 1, 0, 1]))


def test_q2_right_answer_passes():
    check("q2_evaluate", **solution("q2_evaluate"), **Q2)


@pytest.mark.parametrize("wrong, message", [
    (_evaluate(swap=True), "auc and accuracy are swapped"),
    (_evaluate(auc_from="predict"), r"computed from yes/no answers \(predict\(\)"),
    (_evaluate(auc_from="class0"), "probability of class 0"),
    (_evaluate(acc_from="predict"), "ignores its threshold"),
    (_evaluate(keys=("auc", "accuracy")), "should be exactly auc, accuracy, recall"),
])
def test_q2_wrong_answers_are_named(wrong, message):
    fails("q2_evaluate", message, evaluate=wrong, **Q2)


Q3 = dict(y_test=Y_TEST, delay_rate=0.3, metrics={"auc": 0.67, "accuracy": 0.74, "recall": 0.0})


def test_q3_right_answer_passes():
    check("q3_accuracy_trap", **solution("q3_accuracy_trap", **Q3))


@pytest.mark.parametrize("wrong, message", [
    (dict(prediction="b", rule_accuracy=float(Y_TEST.mean())), "share of LATE test flights"),
    (dict(prediction="b", rule_accuracy=0.7), "computed on the training flights"),
    (dict(prediction="a", rule_accuracy=0.75), "prediction 'a' does not match"),
    (dict(prediction="c", rule_accuracy=0.75), "prediction 'c' does not match"),
    (dict(prediction="B", rule_accuracy=0.75), "answer with one of the letters"),
])
def test_q3_wrong_answers_are_named(wrong, message):
    fails("q3_accuracy_trap", message, **{**Q3, **wrong})


class Ranked:
    "20 test flights, 6 late; probabilities chosen so that recall >= 2/3 holds up to threshold 0.30 and not at 0.35."
    classes_ = np.array([0, 1])
    p = np.array([0.9, 0.6, 0.45, 0.31, 0.2, 0.1] + [0.32, 0.25, 0.2, 0.15, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05])
    def predict_proba(self, X): return np.c_[1 - self.p, self.p]


Q4 = dict(model=Ranked(), X_test=pd.DataFrame({"x": range(20)}), y_test=pd.Series([1] * 6 + [0] * 14),
          evaluate=solution("q2_evaluate")["evaluate"], metrics={"auc": 0.9, "accuracy": 0.8, "recall": 0.3})


def test_q4_right_answer_passes():
    assert solution("q4_threshold", **Q4)["threshold"] == 0.3
    check("q4_threshold", **solution("q4_threshold", **Q4))


@pytest.mark.parametrize("wrong, message", [
    (0.5, "warns about only"),
    (0.35, "warns about only"),
    (0.25, "a higher threshold still warns"),
    (0.33, "not a multiple of 0.05"),
    (30, "not a Python float"),
])
def test_q4_wrong_answers_are_named(wrong, message):
    fails("q4_threshold", message, threshold=wrong, **Q4)


def _mlflow(name="baseline", params=None, metrics=None):
    run = types.SimpleNamespace(info=types.SimpleNamespace(run_name=name),
                                data=types.SimpleNamespace(params=params or {}, metrics=metrics or {}))
    return types.SimpleNamespace(get_run=lambda run_id: run)


Q5 = dict(run_id="r1", params={"seed": 42, "threshold": 0.15}, metrics={"auc": 0.67, "accuracy": 0.51, "recall": 0.78},
          model_info=types.SimpleNamespace(registered_model_version="1"))


def test_q5_right_answer_passes():
    check("q5_log_run", mlflow=_mlflow(params={"seed": "42", "threshold": "0.15"}, metrics=Q5["metrics"]), **Q5)


@pytest.mark.parametrize("mlflow, info, message", [
    (_mlflow(name="run-1", params={"seed": "42", "threshold": "0.15"}, metrics=Q5["metrics"]), None, "not 'baseline'"),
    (_mlflow(params={"seed": "42"}, metrics=Q5["metrics"]), None, r"parameters not logged: \['threshold'\]"),
    (_mlflow(params={"seed": "42", "threshold": "0.15"}, metrics={"auc": 0.67}), None, "metrics not logged"),
    (_mlflow(params={"seed": "42", "threshold": "0.15"}, metrics={**Q5["metrics"], "recall": 0.0}), None, "not the one at your threshold"),
    (_mlflow(params={"seed": "42", "threshold": "0.15"}, metrics=Q5["metrics"]), types.SimpleNamespace(registered_model_version=None), "not registered"),
])
def test_q5_wrong_answers_are_named(mlflow, info, message):
    fails("q5_log_run", message, **{**Q5, "mlflow": mlflow, **({"model_info": info} if info else {})})

"Week 6's public checks catch the plausible wrong answers, naming the mistake (full marks and zero: tests/course/test_lab_contract.py)."
import json, types
import numpy as np
import pandas as pd
import pytest
from mlopslab.course.labspec import directives, lab_for, source
from mlopslab.model import tune

SPACE = {"learning_rate": ("float", 0.02, 0.3, True), "max_leaf_nodes": ("int", 8, 64), "min_samples_leaf": ("int", 10, 200)}


def _check(question: str) -> str:
    spec = lab_for(6)
    return next(source(c) for c in spec.nb["cells"] if c["cell_type"] == "code" and directives(source(c)).get("check") == question)


def _run(question: str, **ns):
    exec(compile(_check(question), question, "exec"), {"pd": pd, "np": np, "tune": tune, **ns})


def _runs(aucs: dict, extra=()) -> pd.DataFrame:
    rows = [{"tags.mlflow.runName": f, "params.family": f, "metrics.val_auc": a} for f, a in [*aucs.items(), *extra]]
    return pd.DataFrame(rows)


AUCS = {"forest": 0.70, "logistic": 0.64, "boosting": 0.72}


@pytest.mark.parametrize("wrong, message", [
    (dict(runs=_runs(AUCS), best_family="logistic"), "HIGHEST"),                         # sorted ascending, took the first
    (dict(runs=_runs(AUCS, [("forest", 0.69)]), best_family="boosting"), "duplicates"),  # the cell ran twice
    (dict(runs=_runs({"forest": 0.7, "boosting": 0.72}), best_family="boosting"), "one run per family"),
])
def test_q1_compare_names_the_mistake(wrong, message):
    with pytest.raises(AssertionError, match=message): _run("q1_compare", **wrong)
    _run("q1_compare", runs=_runs(AUCS), best_family="boosting")


@pytest.mark.parametrize("space, message", [
    ({**SPACE, "learning_rate": ("float", 0.02, 0.3)}, "log scale"),                    # linear learning rate
    ({**SPACE, "learning_rate": ("float", 0.02, 0.3, False)}, "log scale"),
    ({**SPACE, "learning_rate": ("float", 0.1, 3.0, True)}, r"in \(0, 1\]"),            # steps larger than 1
    ({**SPACE, "min_samples_leaf": ("int", 10, 5000)}, "min_samples_leaf"),             # leaves bigger than the data allows
    ({"learning_rate": SPACE["learning_rate"], "max_leaf_nodes": SPACE["max_leaf_nodes"]}, "at least three"),
    ({k: v for k, v in {**SPACE, "l2_regularization": ("float", 1e-3, 10.0, True)}.items() if k != "max_leaf_nodes"}, "no max_leaf_nodes"),  # the budget's parameter left out
])
def test_q2_space_names_the_mistake(space, message):
    y_fit = np.zeros(8000)
    with pytest.raises(AssertionError, match=message): _run("q2_space", space=space, y_fit=y_fit)
    _run("q2_space", space=SPACE, y_fit=y_fit)


def _study(prune: bool, report: bool, n: int = 8, budget: str = "before"):
    "A small study of the shape the lab's objective makes: `budget` is when the objective refuses a model over the leaf budget (before, after training, never)."
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0),
                                pruner=optuna.pruners.MedianPruner(n_startup_trials=2) if prune else optuna.pruners.NopPruner())
    def objective(trial):
        x, leaves = trial.suggest_float("x", 0, 1), trial.suggest_int("max_leaf_nodes", 8, 64)
        over = leaves * 120 > BUDGET
        if over and budget == "before": raise optuna.TrialPruned()
        for step in range(1, 4):
            if report: trial.report(x*step, step)
            if prune and trial.should_prune(): raise optuna.TrialPruned()
        if over and budget == "after": raise optuna.TrialPruned()
        return x
    study.optimize(objective, n_trials=n)
    return study


BUDGET = 3600


def _within(study):
    "The trials of `study` whose model fits the budget: a space that never draws above it (max_leaf_nodes <= 30)."
    return types.SimpleNamespace(trials=[t for t in study.trials if t.params["max_leaf_nodes"] * 120 <= BUDGET])


@pytest.mark.parametrize("make, children, message", [
    (lambda: _within(_study(False, True, 12)), 12, "no trial was pruned"),    # reported, never asked the pruner, nothing over the budget
    (lambda: _study(True, False, 12), 12, "reported nothing"),                # never reported
    (lambda: _study(True, True, 12, "never"), 12, "over LEAF_BUDGET, and completed"),   # the latency budget ignored
    (lambda: _study(True, True, 12, "after"), 12, "trained before it was refused"),    # refused, but only after training it
    (lambda: _study(True, True, 12), 0, "nested"),                            # trials logged as top-level runs, not children of 'study'
])
def test_q3_study_names_the_mistake(make, children, message):
    stub = types.SimpleNamespace(search_runs=lambda **kw: pd.DataFrame({"run_id": [f"r{i}" for i in range(children)]}))
    study = make()
    with pytest.raises(AssertionError, match=message):
        _run("q3_study", study=study, n_trials=len(study.trials), mlflow=stub, experiment_id="1", parent_id="p", LEAF_BUDGET=BUDGET)


def test_q3_study_right_answer_passes():
    stub = types.SimpleNamespace(search_runs=lambda **kw: pd.DataFrame({"run_id": [f"r{i}" for i in range(12)]}))
    _run("q3_study", study=_study(True, True, 12), n_trials=12, mlflow=stub, experiment_id="1", parent_id="p", LEAF_BUDGET=BUDGET)


def test_q4_reproduce_names_the_mistake():
    study = types.SimpleNamespace(best_value=0.7123)
    good = {"learning_rate": 0.05, "max_leaf_nodes": 31, "min_samples_leaf": 40}
    with pytest.raises(AssertionError, match="convert each logged parameter"):         # MLflow gives text back
        _run("q4_reproduce", space=SPACE, study=study, best_params={**good, "max_leaf_nodes": "31"}, reproduced_auc=0.7123)
    with pytest.raises(AssertionError, match="wrong run"):                              # e.g. the first run, not the best
        _run("q4_reproduce", space=SPACE, study=study, best_params=good, reproduced_auc=0.6901)
    with pytest.raises(AssertionError, match="every parameter"):
        _run("q4_reproduce", space=SPACE, study=study, best_params={"learning_rate": 0.05}, reproduced_auc=0.7123)
    _run("q4_reproduce", space=SPACE, study=study, best_params=good, reproduced_auc=0.7123)

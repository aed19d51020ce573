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
])
def test_q2_space_names_the_mistake(space, message):
    y_fit = np.zeros(8000)
    with pytest.raises(AssertionError, match=message): _run("q2_space", space=space, y_fit=y_fit)
    _run("q2_space", space=SPACE, y_fit=y_fit)


def _study(prune: bool, report: bool, n: int = 8):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0),
                                pruner=optuna.pruners.MedianPruner(n_startup_trials=2) if prune else optuna.pruners.NopPruner())
    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        for step in range(1, 4):
            if report: trial.report(x*step, step)
            if prune and trial.should_prune(): raise optuna.TrialPruned()
        return x
    study.optimize(objective, n_trials=n)
    return study


@pytest.mark.parametrize("prune, report, children, message", [
    (False, True, 8, "no trial was pruned"),      # reported, but never asked the pruner
    (False, False, 8, "reported nothing"),        # never reported
    (True, True, 0, "nested"),                    # trials logged as top-level runs, not children of 'study'
])
def test_q3_study_names_the_mistake(prune, report, children, message):
    stub = types.SimpleNamespace(search_runs=lambda **kw: pd.DataFrame({"run_id": [f"r{i}" for i in range(children)]}))
    with pytest.raises(AssertionError, match=message):
        _run("q3_study", study=_study(prune, report), n_trials=8, mlflow=stub, experiment_id="1", parent_id="p")


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

"""Hidden checks of week 6 (never shipped): three families tracked, a sound search space, a pruned study stored and
tracked as parent and child runs, the winner rebuilt from the record.

Expected values are recomputed in this process from the run's parameters on the grader's own data: the families are
refitted, the study's best trial is retrained from the parameters stored in the student's Optuna database (read with
sqlite3, never through the student's code), and compared with what the MLflow database and the notebook recorded.
"""
import json, math, sqlite3
from mlopslab.course.checks import hidden, close

FAMILIES = ("forest", "logistic", "boosting")
LEAF_BUDGET = 3600     # leaves of a finished model (120 trees) the app affords
STUDY = "ws/optuna.db"          # the workspace's Optuna storage, relative to the graded notebook's folder


def _split(ctx):
    "The lab's fitting and validation rows (raw and encoded) for this run's parameters."
    p = ctx.params or {}
    sample, seed = p.get("sample", 12000), int(p.get("seed", 42))
    def compute():
        from mlopslab import data
        from mlopslab.model import tune
        fl = data.labelled(data.load_flights(months=list(range(1, 10)), sample=sample, seed=seed))
        X_fit, y_fit, X_val, y_val = tune.validation_split(fl, test_months=(11, 12))
        return X_fit, y_fit, X_val, y_val, *tune.encode(X_fit, X_val)
    return ctx.cache(f"week06-split-{sample}-{seed}", compute)


def _family_aucs(ctx) -> dict:
    def compute():
        from sklearn.metrics import roc_auc_score
        from mlopslab.model import zoo
        X_fit, y_fit, X_val, y_val, _, _ = _split(ctx)
        return {f: float(roc_auc_score(y_val, zoo.make(f).fit(X_fit, y_fit).predict_proba(X_val)[:, 1])) for f in FAMILIES}
    p = ctx.params or {}
    return ctx.cache(f"week06-families-{p.get('sample', 12000)}-{p.get('seed', 42)}", compute)


def _space(ctx) -> dict:
    spec = ctx.value("space_spec")
    assert isinstance(spec, dict) and all(isinstance(v, list) and len(v) in (3, 4) for v in spec.values()), "space is not in the format of tune.SPACE"
    return {k: tuple(v) for k, v in spec.items()}


def _retrain(ctx, params: dict) -> float:
    from mlopslab.model import tune
    _, y_fit, _, y_val, A_fit, A_val = _split(ctx)
    return tune.train_in_steps(params, A_fit, y_fit, A_val, y_val, seed=int((ctx.params or {}).get("seed", 42)))


def _runs(ctx, name: str) -> list:
    return ctx.sql("SELECT r.run_uuid FROM runs r JOIN experiments e ON r.experiment_id = e.experiment_id "
                   "WHERE e.name = 'week06-tuning' AND r.name = ? AND r.lifecycle_stage = 'active'", name)


def _metric(ctx, run: str, key: str):
    rows = ctx.sql("SELECT value FROM latest_metrics WHERE run_uuid = ? AND key = ?", run, key)
    return rows[0][0] if rows else None


@hidden("q1_compare", record=["best_family"])
def three_families_tracked_with_their_true_auc(ctx):
    "one run per family in the MLflow database, each with its family and the val_auc the grader recomputes; best_family is the top one"
    expected = _family_aucs(ctx)
    for f in FAMILIES:
        runs = _runs(ctx, f)
        assert len(runs) == 1, f"there should be exactly one run named {f!r} in the experiment week06-tuning"
        fam = ctx.sql("SELECT value FROM params WHERE run_uuid = ? AND key = 'family'", runs[0][0])
        assert fam and fam[0][0] == f, f"the run {f!r} has no parameter family={f}"
        got = _metric(ctx, runs[0][0], "val_auc")
        assert got is not None and close(got, expected[f], 1e-6), f"the val_auc logged for {f} is not its validation AUC (probability of a delay, on X_val)"
    assert ctx.value("best_family") == max(expected, key=expected.get), "best_family is not the family with the highest validation AUC"


@hidden("q2_space", record=["space_spec"])
def space_is_sound(ctx):
    "the space is valid for the boosting model, searches learning_rate on a log scale in (0, 1] and keeps leaves usable"
    from mlopslab.model import tune
    space = _space(ctx)
    try: tune._check_space(space)
    except Exception as e: raise AssertionError(f"the space is not valid for the boosting model: {str(e).splitlines()[0]}") from None
    assert len(space) >= 3 and "learning_rate" in space, "the space needs at least three parameters, learning_rate among them"
    assert "max_leaf_nodes" in space, "the space does not choose max_leaf_nodes, which the leaf budget limits"
    lr = space["learning_rate"]
    assert lr[0] == "float" and 0 < lr[1] < lr[2] <= 1 and len(lr) == 4 and lr[3] is True, "learning_rate should be a float in (0, 1] on a log scale"
    _, y_fit, *_ = _split(ctx)
    if "min_samples_leaf" in space: assert space["min_samples_leaf"][2] <= len(y_fit)//20, "min_samples_leaf's range is too large for the fitting rows"
    if "max_leaf_nodes" in space: assert space["max_leaf_nodes"][1] >= 2, "max_leaf_nodes below 2"


def _study_rows(ctx):
    "(trials, params, intermediate counts) of the study 'week06' from the submission's Optuna SQLite file."
    path = ctx.file(STUDY)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sid = con.execute("SELECT study_id FROM studies WHERE study_name = 'week06'").fetchall()
        assert sid, "no Optuna study named 'week06' in the workspace's optuna.db"
        trials = con.execute("SELECT t.trial_id, t.state, v.value FROM trials t LEFT JOIN trial_values v ON v.trial_id = t.trial_id "
                             "WHERE t.study_id = ?", (sid[0][0],)).fetchall()
        params = con.execute("SELECT trial_id, param_name, param_value, distribution_json FROM trial_params WHERE trial_id IN "
                             "(SELECT trial_id FROM trials WHERE study_id = ?)", (sid[0][0],)).fetchall()
        steps = dict(con.execute("SELECT trial_id, COUNT(*) FROM trial_intermediate_values WHERE trial_id IN "
                                 "(SELECT trial_id FROM trials WHERE study_id = ?) GROUP BY trial_id", (sid[0][0],)).fetchall())
    finally: con.close()
    by = {}
    for tid, name, value, dist in params:
        kind = json.loads(dist).get("name", "")
        by.setdefault(tid, {})[name] = int(round(value)) if kind.startswith("Int") else float(value)
    return trials, by, steps


@hidden("q3_study", record=["parent_id", "space_spec"])
def study_pruned_stored_and_tracked(ctx):
    "the stored study ran n_trials trials in your space, trained none over the leaf budget, reported every step of the others, pruned some, and its best value is what the grader retrains"
    n = int((ctx.params or {}).get("n_trials", 12))
    space = _space(ctx)
    trials, params, steps = _study_rows(ctx)
    assert len(trials) >= n, f"the study holds {len(trials)} trials, fewer than n_trials"
    for tid, ps in params.items():
        assert set(ps) == set(space), "a trial's parameters are not those of your space"
        assert all(space[k][1] <= v <= space[k][2] for k, v in ps.items()), "a trial drew a value outside your space"
    state = {t[0]: t[1] for t in trials}
    for tid in state:
        over = params.get(tid, {}).get("max_leaf_nodes", 31) * 120 > LEAF_BUDGET
        if over: assert state[tid] != "COMPLETE" and steps.get(tid, 0) == 0, "a trial over the leaf budget was trained"
        else: assert steps.get(tid, 0) >= 1, "a trial within the leaf budget reported no intermediate value"
    assert any(t[1] == "PRUNED" for t in trials), "the study pruned none of its trials"
    done = [t for t in trials if t[1] == "COMPLETE" and t[2] is not None]
    assert done, "the stored study has no complete trial"
    best = max(done, key=lambda t: t[2])
    assert close(_retrain(ctx, params[best[0]]), best[2], 1e-6), "the study's best value is not what its parameters give when retrained"
    parent = ctx.value("parent_id")
    assert isinstance(parent, str) and _runs(ctx, "study") and parent in [r[0] for r in _runs(ctx, "study")], "parent_id is not the run named 'study'"
    kids = ctx.sql("SELECT COUNT(*) FROM tags WHERE key = 'mlflow.parentRunId' AND value = ?", parent)
    assert kids[0][0] >= n, "the trials are not child runs of the parent run 'study'"


@hidden("q4_reproduce", record=["best_params", "reproduced_auc", "parent_id", "space_spec"])
def winner_rebuilt_from_the_record(ctx):
    "best_params are the logged parameters of the best child run, and reproduced_auc is what they give when the grader retrains"
    space, parent = _space(ctx), ctx.value("parent_id")
    kids = [r[0] for r in ctx.sql("SELECT run_uuid FROM tags WHERE key = 'mlflow.parentRunId' AND value = ?", parent)]
    scored = [(v, k) for k in kids if (v := _metric(ctx, k, "val_auc")) is not None]
    assert scored, "no child run logged a val_auc"
    best = max(scored)[1]
    logged = dict(ctx.sql("SELECT key, value FROM params WHERE run_uuid = ?", best))
    got = ctx.value("best_params")
    assert isinstance(got, dict) and set(got) == set(space), "best_params lacks a parameter of your space, or has one that is not in it"
    for k, (kind, *_) in space.items():
        want = int(logged[k]) if kind == "int" else float(logged[k])
        assert type(got[k]) is type(want) and close(got[k], want, 1e-12), f"best_params[{k!r}] is not the value logged by the best child run"
    auc = ctx.value("reproduced_auc")
    assert isinstance(auc, float) and math.isfinite(auc) and close(auc, _retrain(ctx, got), 1e-6), "reproduced_auc is not what best_params give when retrained"

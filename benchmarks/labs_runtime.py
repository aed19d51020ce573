"""Every lab's headless run time with its defaults, beside `jupyter nbconvert --execute` of the same notebook.

Each lab's front matter promises a `runtime` (seconds on 2 cores with default parameters; 90 for every lab so
far). This runs each lab `--repeat` times with mlopslab's runner (papermill, as `make run` does) and as many
times with the plain Jupyter way of executing a notebook (the peer), alternating, one lab at a time, each run
in a fresh workspace, and prints the medians and their ratio. Targets, on the medians: every lab within its
`runtime`, and at most 1.1x nbconvert's time. A run that fails (either runner) fails the benchmark.

Usage: .venv/bin/python benchmarks/labs_runtime.py [--repeat 3] [WEEK ...]
"""
import argparse, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def with_workspace(ws: Path) -> dict:
    "This process's environment with a fresh mlopslab workspace (and the tool state in it)."
    return {**os.environ, "MLOPSLAB_WORKSPACE": str(ws), "IPYTHONDIR": str(ws/"ipython"), "MPLCONFIGDIR": str(ws/"matplotlib")}


def ours(week: int, ws: Path) -> tuple[float, bool]:
    "Seconds and success of `mlopslab labs run WEEK`."
    t0 = time.perf_counter()
    r = subprocess.run([str(BIN/"mlopslab"), "labs", "run", str(week)], env=with_workspace(ws), capture_output=True, text=True, cwd=ROOT)
    return time.perf_counter() - t0, r.returncode == 0


def peer(path: Path, ws: Path) -> tuple[float, bool]:
    "Seconds and success of `jupyter nbconvert --to notebook --execute` on the same notebook."
    out = ws/"nbconvert"; out.mkdir(parents=True, exist_ok=True)
    for d in ("ipython", "matplotlib"): (ws/d).mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    r = subprocess.run([str(BIN/"jupyter"), "nbconvert", "--to", "notebook", "--execute", "--output-dir", str(out),
                        "--ExecutePreprocessor.timeout=600", str(path)], env=with_workspace(ws), capture_output=True, text=True, cwd=out)
    return time.perf_counter() - t0, r.returncode == 0


MAX_RATIO = 1.1   # mlopslab's runner may cost at most 10 % more than nbconvert on the same notebook


def measure(lab, repeat: int) -> tuple[list[float], list[float], bool, bool]:
    "Seconds of `repeat` runs of each runner (alternating, so both see the same machine); whether every run succeeded."
    ts_ours, ts_peer, ok_ours, ok_peer = [], [], True, True
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="mlopslab-bench-") as d:
            t, ok = ours(lab.week, Path(d)/"ours"); ts_ours.append(t); ok_ours &= ok
            t, ok = peer(lab.path, Path(d)/"peer"); ts_peer.append(t); ok_peer &= ok
    return ts_ours, ts_peer, ok_ours, ok_peer


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs of each runner per lab; verdicts use the medians")
    ap.add_argument("weeks", nargs="*", help="weeks to run (default: every lab)")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from mlopslab.course.labs import find_labs, get_labs
    labs = find_labs()
    chosen = get_labs(a.weeks, labs) if a.weeks else labs
    print(f"{'week':>4}  {'mlopslab':>9}  {'nbconvert':>9}  {'ratio':>6}  {'budget':>6}  verdict   (medians of {a.repeat} runs)")
    missed = 0
    for lab in chosen:
        ts_ours, ts_peer, ok_ours, ok_peer = measure(lab, a.repeat)
        t_ours, t_peer = statistics.median(ts_ours), statistics.median(ts_peer)
        budget, ratio = float(lab.meta.get("runtime", 90)), t_ours / t_peer
        why = [w for w, bad in (("FAILED", not ok_ours), ("PEER FAILED", not ok_peer), ("OVER BUDGET", t_ours > budget),
                                (f"OVER {MAX_RATIO}x NBCONVERT", ratio > MAX_RATIO)) if bad]
        missed += bool(why)
        print(f"{lab.week:>4}  {t_ours:8.1f}s  {t_peer:8.1f}s  {ratio:5.2f}x  {budget:5.0f}s  {', '.join(why) or 'ok'}"
              f"   (runs: {', '.join(f'{t:.1f}' for t in ts_ours)} / {', '.join(f'{t:.1f}' for t in ts_peer)})")
    print("mlopslab: `mlopslab labs run WEEK` (papermill, CLI start-up included); nbconvert: `jupyter nbconvert --execute`. "
          f"One lab at a time, each run in a fresh workspace. Targets: within the lab's runtime, <= {MAX_RATIO}x nbconvert.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

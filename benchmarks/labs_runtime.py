"""Every lab's headless run time with its defaults, beside `jupyter nbconvert --execute` of the same notebook.

Each lab's front matter promises a `runtime` (seconds on 2 cores with default parameters; 90 for every lab so
far). This runs each lab once with mlopslab's runner (papermill, as `make run` does) and once with the plain
Jupyter way of executing a notebook (the peer), one lab at a time, each in a fresh workspace, and prints both
and their ratio. Target: every lab within its `runtime` under mlopslab's runner.

Usage: .venv/bin/python benchmarks/labs_runtime.py [WEEK ...]
"""
import os, subprocess, sys, tempfile, time
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


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    from mlopslab.course.labs import find_labs, get_labs
    labs = find_labs()
    chosen = get_labs(argv, labs) if argv else labs
    print(f"{'week':>4}  {'mlopslab':>9}  {'nbconvert':>9}  {'ratio':>6}  {'budget':>6}  verdict")
    missed = 0
    for lab in chosen:
        with tempfile.TemporaryDirectory(prefix="mlopslab-bench-") as d:
            t_ours, ok_ours = ours(lab.week, Path(d)/"ours")
            t_peer, ok_peer = peer(lab.path, Path(d)/"peer")
        budget = float(lab.meta.get("runtime", 90))
        fine = ok_ours and t_ours <= budget
        missed += not fine
        verdict = "ok" if fine else ("FAILED" if not ok_ours else "OVER BUDGET")
        print(f"{lab.week:>4}  {t_ours:8.1f}s  {t_peer:8.1f}s{'' if ok_peer else '!'}  {t_ours / t_peer:5.2f}x  {budget:5.0f}s  {verdict}")
    print("mlopslab: `mlopslab labs run WEEK` (papermill, CLI start-up included); nbconvert: `jupyter nbconvert --execute` "
          "(! = it failed). One lab at a time, each in a fresh workspace.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

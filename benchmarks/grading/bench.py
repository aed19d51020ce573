"""Grade the same 20 submissions of a small synthetic lab with mlopslab and with otter-grader (`otter run`).

Usage: .venv/bin/python benchmarks/grading/bench.py [--jobs N] [--timeout S]

otter-grader 7.0.0 is installed ONLY into its own venv (.venv-otter, created here from PyPI on first use).
`otter run` grades one submission per process and has no time limit, so the benchmark gives each otter run
the same number of seconds from outside (subprocess timeout) that mlopslab gives a cell; a submission that
hits it scores 0 under otter.
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time, zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OTTER_VENV = ROOT/".venv-otter"
sys.path.insert(0, str(ROOT))
from mlopslab.course.grade import grade
from mlopslab.course.labspec import directives, dumps, lab_for, make_lab, source
from mlopslab.course.release import release_notebook

SETUP = "import numpy as np\nvalues = np.arange(1, 11, dtype=float)"
SOL = {"q1_mean": "mean = float(values.mean())",
       "q2_square": "def square(x):\n    return x * x",
       "q3_counts": 'counts = {}\nfor w in "the cat and the hat".split():\n    counts[w] = counts.get(w, 0) + 1',
       "q4_total": "total = float(sum(i * i for i in range(1_000_000)))  # about 0.1 s of real work"}
POINTS = {"q1_mean": 2, "q2_square": 3, "q3_counts": 3, "q4_total": 2}
OTTER_TESTS = {"q1_mean": "abs(mean - 5.5) < 1e-9", "q2_square": "[square(3), square(-2.5)] == [9, 6.25]",
               "q3_counts": 'counts == {"the": 2, "cat": 1, "and": 1, "hat": 1}', "q4_total": "abs(total - 333332833333500000.0) < 1.0"}
WRONG = {"q1_mean": "mean = float(values.sum())", "q2_square": "def square(x):\n    return 2 * x",
         "q3_counts": "counts = {'the': 1}", "q4_total": "total = 0.0"}
RAISE = {q: f"raise ValueError('not done: {q}')" for q in SOL}


def variants() -> dict[str, dict[str, str]]:
    "20 submissions: 8 correct, 6 partly wrong, 5 raising, 1 looping (answer per question)."
    qs, out = list(SOL), {}
    for i in range(8): out[f"correct{i}"] = dict(SOL)
    for i in range(6): out[f"wrong{i}"] = {**SOL, qs[i % 4]: WRONG[qs[i % 4]], qs[(i + 1) % 4]: WRONG[qs[(i + 1) % 4]]}
    for i in range(5): out[f"raising{i}"] = {**SOL, qs[i % 4]: RAISE[qs[i % 4]]}
    out["looping"] = {**SOL, "q3_counts": "while True:\n    pass"}
    return out


def exercise(q: str, body: str) -> str:
    return f"#| exercise: {q}\n#| points: {POINTS[q]}\n# Answer {q}.\n### BEGIN SOLUTION\n{body}\n### END SOLUTION"


def write_lab(d: Path) -> Path:
    "The instructor notebook of the benchmark lab (week 92)."
    return make_lab(d, 92, "bench", [("code", SETUP)] + [("code", exercise(q, SOL[q])) for q in SOL])


def write_submissions(d: Path, spec) -> None:
    "One notebook per variant: the release with each exercise's answer filled in."
    d.mkdir(parents=True, exist_ok=True)
    for name, answers in variants().items():
        nb = release_notebook(spec)
        for c in nb["cells"]:
            q = directives(source(c)).get("exercise")
            if q: c["source"] = exercise(q, answers[q])
        (d/f"{name}.ipynb").write_text(dumps(nb))


def otter_zip(path: Path) -> Path:
    "An otter autograder zip: one OK-format test per question (one case each, so points are all or nothing)."
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("otter_config.json", json.dumps({"lang": "python", "pdf": False}))
        z.writestr("requirements.txt", "")
        for q, expr in OTTER_TESTS.items():
            case = {"code": f">>> bool({expr})\nTrue", "hidden": False, "locked": False}
            test = {"name": q, "points": POINTS[q], "suites": [{"cases": [case], "scored": True, "setup": "", "teardown": "", "type": "doctest"}]}
            z.writestr(f"tests/{q}.py", f"OK_FORMAT = True\n\ntest = {test!r}\n")
    return path


def ensure_otter() -> Path:
    "otter-grader 7.0.0 in its own venv (never in the project's)."
    otter = OTTER_VENV/"bin"/"otter"
    if not otter.exists():
        subprocess.run(["python3", "-m", "venv", str(OTTER_VENV)], check=True)
        subprocess.run([str(OTTER_VENV/"bin"/"pip"), "install", "-q", "otter-grader==7.0.0", "ipykernel", "numpy"], check=True)
    return otter


def otter_one(otter: Path, zp: Path, sub: Path, out: Path, timeout: float) -> tuple[str, float|None, float]:
    "Grade one submission with `otter run`; (name, score or None when it was killed, seconds)."
    o, t0 = out/sub.stem, time.monotonic()
    o.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([str(otter), "run", "-a", str(zp), "-o", str(o), "--no-logo", str(sub)], capture_output=True, timeout=timeout, cwd=o)
    except subprocess.TimeoutExpired:
        return sub.stem, None, time.monotonic() - t0
    res = json.loads((o/"results.json").read_text())
    return sub.stem, float(sum(t["score"] for t in res["tests"] if "score" in t)), time.monotonic() - t0


def run_mlopslab(d: Path, jobs: int, timeout: float):
    "Grade with mlopslab; (scores, wall seconds, results)."
    t0 = time.monotonic()
    res = grade(92, d/"subs", d/"mlopslab-out", jobs=jobs, timeout=timeout, labs=d/"labs", checks=HERE/"grading", force=True)
    return {r.student: r.score for r in res}, time.monotonic() - t0, res


def run_otter(d: Path, zp: Path, jobs: int, timeout: float):
    "Grade with `otter run`, `jobs` processes at a time; (scores, wall seconds, per-run seconds)."
    otter, subs, t0 = ensure_otter(), sorted((d/"subs").glob("*.ipynb")), time.monotonic()
    with ThreadPoolExecutor(jobs) as pool:
        runs = list(pool.map(lambda s: otter_one(otter, zp, s, d/f"otter-out-{jobs}", timeout), subs))
    return {n: s for n, s, _ in runs}, time.monotonic() - t0, {n: t for n, _, t in runs}


def report(ml, ml_wall, ml_res, ot, ot_wall, ot_sec, ot2_wall, jobs) -> None:
    n = len(ml)
    print(f"\n{'submission':12} {'mlopslab':>9} {'otter':>7}")
    for k in sorted(ml): print(f"{k:12} {ml[k]:>9g} {('killed' if ot[k] is None else f'{ot[k]:g}'):>7}")
    same = [k for k in ml if ot[k] is not None and ot[k] == ml[k]]
    diff = [k for k in ml if k not in same]
    print(f"\nidentical scores: {len(same)}/{n}" + (f"; different: {', '.join(f'{k} (mlopslab {ml[k]:g}, otter {ot[k]})' for k in diff)}" if diff else ""))
    # The notebook's own compute: papermill's cell durations, including the 15 s the looping cell ran before it
    # was stopped (it burns a core for that long under either grader).
    compute = sum(r.compute for r in ml_res)
    fine = [r for r in ml_res if r.student != "looping"]
    lat = sum(r.seconds - r.compute for r in fine) / len(fine)
    print(f"mlopslab: {n} in {ml_wall:.1f} s ({n / ml_wall * 60:.1f}/min, {jobs} jobs); notebook compute {compute:.1f} s in all")
    print(f"  overhead per submission beyond the notebook's compute: {(ml_wall - compute / jobs) / n:.2f} s amortized "
          f"((wall - compute/jobs) / n; target <= 1 s), {lat:.2f} s latency of one (grading time - compute)")
    print(f"otter run, one at a time: {n} in {ot_wall:.1f} s ({n / ot_wall * 60:.1f}/min); "
          f"overhead {sum(v for k, v in ot_sec.items() if k != 'looping') / (n - 1) - sum(r.compute for r in fine) / len(fine):.2f} s/submission")
    print(f"throughput ratio mlopslab / otter: {ot_wall / ml_wall:.2f}x" + (f"  (vs otter with {jobs} parallel runs: {ot2_wall / ml_wall:.2f}x)" if ot2_wall else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="mlopslab --jobs (default: the cores)")
    ap.add_argument("--timeout", type=float, default=15, help="per-cell limit (mlopslab) and per-run limit (otter) in seconds")
    ap.add_argument("--otter-parallel", action="store_true", help="also time otter with --jobs runs at once")
    a = ap.parse_args()
    d = Path(tempfile.mkdtemp(prefix="mlopslab-bench-"))
    try:
        spec = lab_for(92, write_lab(d/"labs").parent)
        write_submissions(d/"subs", spec)
        zp = otter_zip(d/"autograder.zip")
        ml, ml_wall, ml_res = run_mlopslab(d, a.jobs, a.timeout)
        ot, ot_wall, ot_sec = run_otter(d, zp, 1, a.timeout)
        ot2_wall = run_otter(d, zp, a.jobs, a.timeout)[1] if a.otter_parallel else None
        report(ml, ml_wall, ml_res, ot, ot_wall, ot_sec, ot2_wall, a.jobs)
    finally: shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()

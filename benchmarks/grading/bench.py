"""Grade the same submissions with mlopslab and with otter-grader (`otter run`), check every score, time both.

Usage: .venv/bin/python benchmarks/grading/bench.py [--jobs N] [--timeout S] [--repeat R] [--week1 N]

1. A small synthetic lab (week 92), 20 submissions: 8 correct, 6 partly wrong, 5 raising, 1 looping. Every
   score is checked question by question against the score each answer earns by construction AND against
   otter's; the one expected difference is listed in EXPECTED_DIFFERENCES with its reason.
2. otter runs at the same parallelism as mlopslab (the verdict) and one at a time (printed beside).
3. The real week-1 lab with small parameters: N copies of the instructor notebook (full marks) and the
   untouched release (zero), with its overhead per submission printed.

Every verdict uses the median of `--repeat` runs. Exit 1 when a target is missed (>= 3x otter's throughput at
equal parallelism; <= 1 s overhead per submission on the synthetic lab and on week 1) or when any score is
wrong, or when grading stops (a preflight error): a broken environment must never look like a fast grader.

otter-grader 7.0.0 is installed ONLY into its own venv (.venv-otter, created here from PyPI on first use).
`otter run` grades one submission per process and has no time limit, so the benchmark gives each otter run
from outside (subprocess timeout) the wall clock mlopslab allows a cell: `--timeout` x 2, stretched up to 2x
with the measured CPU contention; a submission that hits it scores nothing under otter.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time, zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OTTER_VENV = ROOT/".venv-otter"
sys.path.insert(0, str(ROOT))
from mlopslab.course.grade import grade
from mlopslab.course.labspec import directives, dumps, lab_for, make_lab, source
from mlopslab.course.release import release_notebook
from mlopslab.errors import MlopslabError
from mlopslab.course.sandbox.isolate import contention

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
LOOP = "while True:\n    pass"
# The only submissions where mlopslab and otter may differ, and why. Anything else that differs is a wrong score.
EXPECTED_DIFFERENCES = {"looping": "otter has no per-cell limit: its whole run is killed and scores nothing; "
                                   "mlopslab stops the one looping cell (q3_counts) and grades the other questions"}
WEEK1_PARAMS = {"sample": 3000, "n_estimators": 10}   # small, so the real lab is quick; the hidden checks use the same values


def variants(n: int = 20) -> dict[str, dict[str, str]]:
    "The first `n` of 20 submissions: 8 correct, 6 partly wrong, 5 raising, 1 looping (answer per question)."
    qs, out = list(SOL), {}
    for i in range(8): out[f"correct{i}"] = dict(SOL)
    for i in range(6): out[f"wrong{i}"] = {**SOL, qs[i % 4]: WRONG[qs[i % 4]], qs[(i + 1) % 4]: WRONG[qs[(i + 1) % 4]]}
    for i in range(5): out[f"raising{i}"] = {**SOL, qs[i % 4]: RAISE[qs[i % 4]]}
    out["looping"] = {**SOL, "q3_counts": LOOP}
    return dict(list(out.items())[:n]) if n < 20 else out


def expected_points(answers: dict[str, str]) -> dict[str, float]:
    "What each question earns by construction: its points when the answer is the solution, else 0."
    return {q: float(POINTS[q]) if answers[q] == SOL[q] else 0.0 for q in SOL}


def exercise(q: str, body: str) -> str:
    return f"#| exercise: {q}\n#| points: {POINTS[q]}\n# Answer {q}.\n### BEGIN SOLUTION\n{body}\n### END SOLUTION"


def write_lab(d: Path) -> Path:
    "The instructor notebook of the benchmark lab (week 92)."
    return make_lab(d, 92, "bench", [("code", SETUP)] + [("code", exercise(q, SOL[q])) for q in SOL])


def write_submissions(d: Path, spec, answers: dict[str, dict[str, str]]) -> None:
    "One notebook per variant: the release with each exercise's answer filled in."
    d.mkdir(parents=True, exist_ok=True)
    for name, ans in answers.items():
        nb = release_notebook(spec)
        for c in nb["cells"]:
            q = directives(source(c)).get("exercise")
            if q: c["source"] = exercise(q, ans[q])
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


def otter_one(otter: Path, zp: Path, sub: Path, out: Path, timeout: float) -> tuple[str, dict|None, float]:
    "Grade one submission with `otter run`; (name, points per question or None when it was killed, seconds)."
    # otter has no limit of its own: it gets the wall clock mlopslab allows a cell, stretched the same way with the measured load
    o, t0, timeout = out/sub.stem, time.monotonic(), timeout * 2 * (1 + min(contention(), 1.0))
    o.mkdir(parents=True, exist_ok=True)
    try:
        r = subprocess.run([str(otter), "run", "-a", str(zp), "-o", str(o), "--no-logo", str(sub)], capture_output=True, text=True, timeout=timeout, cwd=o)
    except subprocess.TimeoutExpired:
        return sub.stem, None, time.monotonic() - t0
    if not (o/"results.json").exists():          # otter itself failed: no score to compare, so the run cannot pass
        print(f"otter failed on {sub.name} (exit {r.returncode}): {r.stderr.strip().splitlines()[-1:] }", file=sys.stderr)
        return sub.stem, {"otter failed": 0.0}, time.monotonic() - t0
    res = json.loads((o/"results.json").read_text())
    return sub.stem, {t["name"]: float(t.get("score", 0.0)) for t in res["tests"] if t["name"] in OTTER_TESTS}, time.monotonic() - t0   # not its "Public Tests" summary


def cold_kernels() -> None:
    "Make every notebook job of this process start its kernel the plain way (papermill's subprocess), for comparison."
    import dataclasses
    import mlopslab.course.grade as g
    spec = g._spec
    g._spec = lambda *a, **k: dataclasses.replace(spec(*a, **k), warm_kernel=False)


def run_mlopslab(week: int, subs: Path, out: Path, jobs: int, timeout: float, **kw):
    "Grade with mlopslab; ({student: {question: points}}, wall seconds, results, preflight seconds)."
    t0 = time.monotonic()
    res = grade(week, subs, out, jobs=jobs, timeout=timeout, force=True, progress=False, **kw)
    wall = time.monotonic() - t0
    pre = json.loads((out/"preflight.json").read_text())["seconds"] if (out/"preflight.json").exists() else 0.0
    return {r.student: ({q.question: q.points for q in r.questions} if r.status == "graded" else None) for r in res}, wall, res, pre


def run_otter(subs: Path, zp: Path, jobs: int, timeout: float, out: Path):
    "Grade with `otter run`, `jobs` processes at a time; ({student: points per question or None}, wall seconds, per-run seconds)."
    otter, files, t0 = ensure_otter(), sorted(subs.glob("*.ipynb")), time.monotonic()
    with ThreadPoolExecutor(jobs) as pool:
        runs = list(pool.map(lambda s: otter_one(otter, zp, s, out, timeout), files))
    return {n: s for n, s, _ in runs}, time.monotonic() - t0, {n: t for n, _, t in runs}


def score_problems(got: dict, want: dict, who: str, allowed: dict[str, str] = {}) -> list[str]:
    "Per-question differences between `got` and `want` ({student: {question: points} or None}), except the `allowed` students."
    out = []
    for s in sorted(want):
        if s in allowed: continue
        if got.get(s) != want[s]: out.append(f"{s}: {who} {got.get(s)} != expected {want[s]}")
    return out


def overhead(res, wall: float, pre: float, jobs: int, skip=("looping",)) -> tuple[float, float]:
    "(amortized, latency) overhead per submission beyond the notebooks' own compute (the preflight's wall time excluded)."
    fine = [r for r in res if r.student not in skip]
    amortized = (wall - pre - sum(r.compute for r in res) / jobs) / len(res)
    return amortized, statistics.median(r.seconds - r.compute for r in fine)


def synthetic(d: Path, a) -> tuple[list[str], dict]:
    "Benchmark the synthetic lab; (problems, figures)."
    answers = variants(a.subs)
    spec = lab_for(92, write_lab(d/"labs").parent)
    write_submissions(d/"subs", spec, answers)
    want = {n: expected_points(ans) for n, ans in answers.items()}
    want_ml = {**want, **({"looping": {**want["looping"], "q3_counts": 0.0}} if "looping" in want else {})}   # the looping cell is stopped
    checks = Path(a.checks) if a.checks else HERE/"grading"
    problems, walls, runs = [], [], []
    for i in range(a.repeat):
        ml, wall, res, pre = run_mlopslab(92, d/"subs", d/f"ml-{i}", a.jobs, a.timeout, labs=d/"labs", checks=checks, preflight=not a.no_preflight)
        problems += [f"run {i + 1}: {p}" for p in score_problems(ml, want_ml, "mlopslab")]
        walls.append(wall); runs.append((wall, res, pre))
    wall = statistics.median(walls)
    med = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
    fig = {"n": len(answers), "ml_wall": wall, "ml_walls": walls, "overhead": overhead(med[1], med[0], med[2], a.jobs), "res": med[1], "ml": ml}
    if not a.skip_otter:
        zp = otter_zip(d/"autograder.zip")
        par = [run_otter(d/"subs", zp, a.jobs, a.timeout, d/f"otter-par-{i}") for i in range(a.repeat)]
        for ot, _, _ in par: problems += score_problems(ot, want, "otter", EXPECTED_DIFFERENCES)
        problems += score_problems(ml, par[0][0], "mlopslab vs otter", EXPECTED_DIFFERENCES)
        ser = run_otter(d/"subs", zp, 1, a.timeout, d/"otter-ser")
        fig.update(ot=par[0][0], ot_par=statistics.median(w for _, w, _ in par), ot_pars=[w for _, w, _ in par], ot_ser=ser[1], ot_sec=ser[2])
    return problems, fig


def week1(d: Path, a) -> tuple[list[str], dict]:
    "Benchmark the real week-1 lab: `a.week1` copies of the instructor notebook and the untouched release."
    spec = lab_for(1)
    subs = d/"w1-subs"; subs.mkdir(parents=True)
    for i in range(a.week1): shutil.copy(spec.lab.path, subs/f"solved{i}.ipynb")
    (subs/"untouched.ipynb").write_text(dumps(release_notebook(spec)))
    mx = {q: float(p.points) for q, p in spec.questions.items()}
    want = {**{f"solved{i}": mx for i in range(a.week1)}, "untouched": {q: 0.0 for q in mx}}
    problems, runs = [], []
    for i in range(a.repeat):
        got, wall, res, pre = run_mlopslab(1, subs, d/f"w1-out-{i}", a.jobs, 60, params=WEEK1_PARAMS)
        problems += [f"week 1, run {i + 1}: {p}" for p in score_problems(got, want, "mlopslab")]
        runs.append((wall, res, pre))
    wall, res, pre = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
    return problems, {"n": len(res), "wall": wall, "walls": [r[0] for r in runs], "pre": pre, "overhead": overhead(res, wall, pre, a.jobs, ()),
                      "compute": statistics.median(r.compute for r in res)}


def report(fig: dict, w1: dict|None, a) -> list[str]:
    "Print the figures; the targets missed."
    missed, n = [], fig["n"]
    ml, res = fig["ml"], fig["res"]
    if "ot" in fig:
        print(f"\n{'submission':12} {'mlopslab':>9} {'otter':>7}")
        for k in sorted(ml):
            o = fig["ot"].get(k)
            print(f"{k:12} {sum((ml[k] or {}).values()):>9g} {('killed' if o is None else f'{sum(o.values()):g}'):>7}"
                  + (f"   expected difference: {EXPECTED_DIFFERENCES[k]}" if k in EXPECTED_DIFFERENCES else ""))
    am, lat = fig["overhead"]
    print(f"\nsynthetic lab: {n} submissions, {a.jobs} jobs, median of {a.repeat} runs")
    print(f"  mlopslab: {fig['ml_wall']:.1f} s ({n / fig['ml_wall'] * 60:.1f}/min; runs {', '.join(f'{w:.1f}' for w in fig['ml_walls'])} s)")
    print(f"  overhead per submission beyond the notebook's compute: {am:.2f} s amortized ((wall - preflight - compute/jobs) / n; target <= 1 s), "
          f"{lat:.2f} s latency of one (median grading time - compute)")
    if am > 1: missed.append(f"synthetic overhead {am:.2f} s > 1 s")
    if "ot_par" in fig:
        r_par, r_ser = fig["ot_par"] / fig["ml_wall"], fig["ot_ser"] / fig["ml_wall"]
        print(f"  otter run, {a.jobs} at once: {fig['ot_par']:.1f} s (runs {', '.join(f'{w:.1f}' for w in fig['ot_pars'])} s); one at a time: {fig['ot_ser']:.1f} s")
        print(f"  throughput mlopslab / otter at equal parallelism ({a.jobs}): {r_par:.2f}x (target >= 3x); against otter one at a time: {r_ser:.2f}x")
        if r_par < 3: missed.append(f"throughput {r_par:.2f}x otter at equal parallelism < 3x")
    else: print("  otter not run (--skip-otter): no throughput verdict")
    if w1:
        am, lat = w1["overhead"]
        print(f"week 1 (real lab, {WEEK1_PARAMS}): {w1['n']} submissions in {w1['wall']:.1f} s (runs {', '.join(f'{w:.1f}' for w in w1['walls'])} s), "
              f"preflight {w1['pre']:.1f} s, median notebook compute {w1['compute']:.1f} s")
        print(f"  overhead per submission: {am:.2f} s amortized (target <= 1 s), {lat:.2f} s latency of one")
        print(f"  200 week-1 submissions at --jobs {a.jobs}: about {(w1['wall'] - w1['pre']) / w1['n'] * 200 / 60:.1f} min (extrapolated from this run)")
        if am > 1: missed.append(f"week-1 overhead {am:.2f} s > 1 s")
    return missed


def main(argv: list[str]|None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="mlopslab --jobs and otter's parallel runs (default: the cores)")
    ap.add_argument("--timeout", type=float, default=15, help="per-cell limit (mlopslab) and per-run limit (otter) in seconds")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each timed grader; verdicts use the median")
    ap.add_argument("--subs", type=int, default=20, help="synthetic submissions (the first N of the 20 variants)")
    ap.add_argument("--week1", type=int, default=4, help="copies of the week-1 instructor notebook to grade (0: skip week 1)")
    ap.add_argument("--skip-otter", action="store_true", help="do not run otter (scores are still checked against their construction)")
    ap.add_argument("--checks", help="another hidden-checks folder for the synthetic lab (tests break it on purpose)")
    ap.add_argument("--no-preflight", action="store_true", help="grade without the instructor-notebook canary")
    ap.add_argument("--cold-kernel", action="store_true", help="start each notebook's kernel as a new interpreter (the default forks it warm from the job)")
    a = ap.parse_args(argv)
    if a.cold_kernel: cold_kernels()
    d = Path(tempfile.mkdtemp(prefix="mlopslab-bench-"))
    try:
        problems, fig = synthetic(d, a)
        w1 = None
        if a.week1 and not problems:
            p1, w1 = week1(d, a); problems += p1
        missed = report(fig, w1, a)
    except MlopslabError as e:
        print(f"FAILED: grading stopped: {e}"); return 1
    finally: shutil.rmtree(d, ignore_errors=True)
    for p in problems: print(f"WRONG SCORE: {p}")
    for m in missed: print(f"MISSED: {m}")
    print(f"kernels: {'cold (a new interpreter per notebook)' if a.cold_kernel else 'warm (forked from the job, the lab imported by the zygote)'}")
    print("verdict: " + ("ok" if not problems and not missed else f"FAILED ({len(problems)} wrong scores, {len(missed)} targets missed)"))
    return 1 if problems or missed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Grades that stay right under load, infrastructure failures that never become scores, a preflight that stops a
broken batch before anyone is graded, and a grading benchmark that fails (exit 1) when its environment is broken."""
import importlib.util, json, os, shutil, subprocess, sys, time
from pathlib import Path
import pytest
from conftest import ROOT
import mlopslab.course.grade as grade_module
from mlopslab.course.grade import grade
from mlopslab.course.labspec import lab_for, make_lab, dumps
from mlopslab.course.sandbox.isolate import contention, is_root, protections
from mlopslab.errors import GradingError

FIX = ROOT/"tests"/"fixtures"/"grading"
LABS, CHECKS = FIX/"labs", FIX/"grading"
spec_ = importlib.util.spec_from_file_location("grading_bench", ROOT/"benchmarks"/"grading"/"bench.py")
bench = importlib.util.module_from_spec(spec_); spec_.loader.exec_module(bench)


def hogs(n: int = 2) -> list[subprocess.Popen]:
    "`n` processes that each keep a core busy (they are this test's own, stopped by pid)."
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def stop(procs) -> None:
    for p in procs: p.kill(); p.wait()


@pytest.mark.slow
def test_correct_notebooks_get_full_marks_while_a_hog_keeps_both_cores_busy(tmp_path):
    # The synthetic lab of the benchmark: numpy imported in the setup cell, 0.1 s of real work in q4. The limit is
    # 2 s per cell: as wall clock, a busy machine could push a cell past it; as CPU time it measures only the cell.
    answers = {k: v for k, v in bench.variants(8).items()}               # the 8 correct submissions
    spec = lab_for(92, bench.write_lab(tmp_path/"labs").parent)
    bench.write_submissions(tmp_path/"subs", spec, answers)
    import psutil
    procs = hogs(2)
    try:
        time.sleep(2)
        before, hog0 = psutil.cpu_times(), sum(psutil.Process(p.pid).cpu_times().user for p in procs)
        res = grade(92, tmp_path/"subs", tmp_path/"out", labs=tmp_path/"labs", checks=ROOT/"benchmarks"/"grading"/"grading",
                    jobs=2, timeout=2, unsafe=not is_root(), progress=False)
        after, hog1 = psutil.cpu_times(), sum(psutil.Process(p.pid).cpu_times().user for p in procs)
        load = contention()
    finally: stop(procs)
    idle = (after.idle - before.idle) / (sum(after) - sum(before))
    assert idle < 0.1 and hog1 > hog0, f"the machine was not kept busy (idle {idle:.0%})"   # the load was real
    got = {r.student: (r.status, r.score, [(q.question, q.status, q.reason) for q in r.questions if q.status != "passed"]) for r in res}
    assert got == {s: ("graded", 10.0, []) for s in answers}, (got, load)


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_week1_submissions_get_full_marks_while_a_hog_keeps_both_cores_busy(tmp_path):
    # The real week-1 lab (pandas, scikit-learn, MLflow in the kernel; a probe; hidden checks that retrain the baseline):
    # three correct notebooks graded with --jobs 2 while two processes of this test spin on both cores the whole time.
    from mlopslab.config import get_config
    lab = lab_for(1)
    (tmp_path/"subs").mkdir()
    for i in range(3): shutil.copy(lab.lab.path, tmp_path/"subs"/f"correct{i}.ipynb")
    import psutil
    procs = hogs(2)
    try:
        time.sleep(2)
        before, hog0 = psutil.cpu_times(), sum(psutil.Process(p.pid).cpu_times().user for p in procs)
        res = grade(1, tmp_path/"subs", tmp_path/"out", jobs=2, unsafe=not is_root(), cfg=get_config(workspace=tmp_path/"ws"), progress=False, preflight=False)
        after, hog1 = psutil.cpu_times(), sum(psutil.Process(p.pid).cpu_times().user for p in procs)
        load = contention()
    finally: stop(procs)
    idle = (after.idle - before.idle) / (sum(after) - sum(before))
    assert idle < 0.1 and hog1 > hog0, f"the machine was not kept busy (idle {idle:.0%})"   # the load was real
    mx = sum(q.points for q in lab.questions.values())
    got = {r.student: (r.status, r.score, [(q.question, q.status, q.reason) for q in r.questions if q.status != "passed"]) for r in res}
    assert got == {f"correct{i}": ("graded", mx, []) for i in range(3)}, (got, load)


def sleeping_lab(d: Path) -> Path:
    ex = "#| exercise: q1_x\n#| points: 1\n# Set x.\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION"
    nap = "#| exercise: q2_nap\n#| points: 1\n# Set y.\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION"
    make_lab(d/"labs", 93, "nap", [("code", ex), ("code", nap)])
    (d/"checks"/"week93").mkdir(parents=True)
    (d/"checks"/"week93"/"checks.py").write_text(
        "from mlopslab.course.checks import hidden\n\n@hidden('q1_x', record=['x'])\ndef x(ctx):\n    'x is 1'\n    assert ctx.value('x') == 1, 'x is not 1'\n\n"
        "@hidden('q2_nap', record=['y'])\ndef y(ctx):\n    'y is 2'\n    assert ctx.value('y') == 2, 'y is not 2'\n")
    return d/"labs"


@pytest.mark.slow
def test_a_limit_hit_on_a_saturated_machine_is_not_graded_and_not_cached(tmp_path, monkeypatch):
    labs = sleeping_lab(tmp_path)
    nb = json.loads(lab_for(93, labs).lab.path.read_text())
    for c in nb["cells"]:
        if "q2_nap" in "".join(c["source"]): c["source"] = "#| exercise: q2_nap\n#| points: 1\nimport time\ntime.sleep(60)\ny = 2"
    (tmp_path/"subs").mkdir(); (tmp_path/"subs"/"ann.ipynb").write_text(dumps(nb))
    # the run's wall clock (8 s) runs out in the sleeping cell, long before its cell limit (30 s of CPU, 60 s of wall clock)
    kw = dict(labs=labs, checks=tmp_path/"checks", jobs=1, timeout=30, wall=8, unsafe=not is_root(), progress=False, preflight=False)
    monkeypatch.setattr(grade_module, "contention", lambda: 1.0)        # the machine reads as saturated
    r = grade(93, tmp_path/"subs", tmp_path/"out", **kw)[0]
    assert r.status == "not graded" and "saturated" in r.message and r.questions == [], r
    assert json.loads((tmp_path/"out"/"results"/"ann.json").read_text())["key"] == ""   # never kept as a grade
    book = json.loads((tmp_path/"out"/"grades.json").read_text())["students"][0]
    assert book["status"] == "not graded"
    monkeypatch.setattr(grade_module, "contention", lambda: 0.0)        # a quiet machine: the sleeping cell is the student's
    r = grade(93, tmp_path/"subs", tmp_path/"out", **kw)[0]             # no --force: regraded, not taken from the cache
    by = {q.question: q for q in r.questions}
    assert r.status == "graded" and r.score == 1 and by["q2_nap"].status == "timeout" and "wall-clock limit of 8 s" in by["q2_nap"].reason, r


def test_a_job_that_cannot_start_is_not_graded_and_the_batch_goes_on(tmp_path, monkeypatch):
    (tmp_path/"subs").mkdir(); shutil.copy(LABS/"week91_toy.ipynb", tmp_path/"subs"/"ann.ipynb")
    calls = []
    def dead(spec, zygote=None):                       # the sandbox job dies before papermill starts: nothing written
        calls.append(spec.job); return {"killed": False, "seconds": 0.0, "rc": 1}
    monkeypatch.setattr(grade_module, "run_child", dead)
    res = grade(91, tmp_path/"subs", tmp_path/"out", labs=LABS, checks=CHECKS, jobs=1, unsafe=not is_root(), progress=False, preflight=False)
    assert [(r.status, r.score) for r in res] == [("not graded", 0.0)] and "before the notebook's first cell started" in res[0].message
    assert calls == ["notebook"] * 3                                       # retried as it was, then reported
    assert "0 graded, 0 invalid, 1 not graded" in (tmp_path/"out"/"summary.md").read_text()


@pytest.mark.slow
def test_cpu_limit_per_cell_stops_a_busy_loop_and_keeps_the_rest(tmp_path):
    labs = sleeping_lab(tmp_path)
    nb = json.loads(lab_for(93, labs).lab.path.read_text())
    for c in nb["cells"]:
        if "q2_nap" in "".join(c["source"]): c["source"] = "#| exercise: q2_nap\n#| points: 1\nwhile True:\n    pass"
    (tmp_path/"subs").mkdir(); (tmp_path/"subs"/"bob.ipynb").write_text(dumps(nb))
    r = grade(93, tmp_path/"subs", tmp_path/"out", labs=labs, checks=tmp_path/"checks", jobs=1, timeout=2, unsafe=not is_root(), progress=False)[0]
    by = {q.question: q for q in r.questions}
    assert (r.status, r.score) == ("graded", 1), r                                        # the other question keeps its point
    assert by["q2_nap"].status == "timeout" and "2 s of CPU time" in by["q2_nap"].reason, by["q2_nap"]


def test_required_protections_refuse_to_grade(tmp_path, monkeypatch):
    with pytest.raises(GradingError, match="unknown protection firewall"):
        grade(91, tmp_path, tmp_path/"out", labs=LABS, checks=CHECKS, require=["firewall"], unsafe=True, progress=False)
    off = {k: (False if "memory limit" in k else v) for k, v in protections().items()}
    monkeypatch.setattr(grade_module, "protections", lambda: off)
    with pytest.raises(GradingError, match="does not enforce memory limit per job"):
        grade(91, tmp_path, tmp_path/"out", labs=LABS, checks=CHECKS, require=["memory"], unsafe=True, progress=False)
    assert not (tmp_path/"out").exists()                                 # stopped before anything was written


@pytest.mark.slow
def test_preflight_stops_a_batch_whose_instructor_notebook_fails(tmp_path):
    ex = "#| exercise: q1_x\n#| points: 1\n# Set x.\n### BEGIN SOLUTION\nimport mlopslab_not_installed_anywhere\nx = 1\n### END SOLUTION"
    make_lab(tmp_path/"labs", 94, "broken", [("code", ex)])   # the lab needs a package the grader's venv lacks
    (tmp_path/"checks"/"week94").mkdir(parents=True)
    (tmp_path/"checks"/"week94"/"checks.py").write_text("from mlopslab.course.checks import hidden\n\n@hidden('q1_x', record=['x'])\n"
                                                        "def x(ctx):\n    'x is 1'\n    assert ctx.value('x') == 1, 'x is not 1'\n")
    (tmp_path/"subs").mkdir()
    shutil.copy(lab_for(94, tmp_path/"labs").lab.path, tmp_path/"subs"/"ann.ipynb")
    with pytest.raises(GradingError, match="scores 0/1 in the sandbox") as e:
        grade(94, tmp_path/"subs", tmp_path/"out", labs=tmp_path/"labs", checks=tmp_path/"checks", jobs=1, unsafe=not is_root(), progress=False)
    assert "cannot import mlopslab_not_installed_anywhere" in str(e.value)
    assert list((tmp_path/"out"/"results").iterdir()) == []              # nobody was graded 0


@pytest.mark.skipif(not is_root(), reason="the sandbox hides the project only when the grader runs as root")
def test_a_symlinked_venv_into_the_hidden_project_stops_grade_before_anyone(tmp_path):
    project = tmp_path/"project"; project.mkdir()
    (project/".venv").symlink_to(Path(sys.prefix).resolve())
    (tmp_path/"subs").mkdir(); shutil.copy(LABS/"week91_toy.ipynb", tmp_path/"subs"/"ann.ipynb")
    code = "import sys; from mlopslab.cli import main; sys.exit(main())"
    r = subprocess.run([str(project/".venv"/"bin"/"python"), "-c", code, "grade", "91", str(tmp_path/"subs"), "--out", str(tmp_path/"out"),
                        "--labs", str(LABS), "--checks", str(CHECKS)], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "MLOPSLAB_PROJECT": str(project), "MLOPSLAB_WORKSPACE": str(tmp_path/"ws")})
    assert r.returncode == 2, r.stdout + r.stderr
    assert "is a symlink to" in r.stderr and "hidden" in r.stderr and "real path" in r.stderr, r.stderr
    assert not list((tmp_path/"out"/"results").glob("*.json"))


# --- the grading benchmark fails when its environment is broken ---------------------------------------------
SMALL = ["--skip-otter", "--subs", "3", "--week1", "0", "--repeat", "1", "--jobs", "2"]


def failing_checks(d: Path) -> Path:
    "Hidden checks of the benchmark lab that always fail."
    (d/"week92").mkdir(parents=True)
    (d/"week92"/"checks.py").write_text("from mlopslab.course.checks import hidden\n\n" + "\n".join(
        f"@hidden({q!r})\ndef c_{q}(ctx):\n    '{q}'\n    assert False, 'always fails'\n" for q in bench.SOL))
    return d


@pytest.mark.slow
def test_grading_benchmark_exits_1_when_a_module_the_lab_needs_cannot_be_imported(monkeypatch, capsys):
    monkeypatch.setattr(bench, "SETUP", "import mlopslab_not_installed_anywhere\n" + bench.SETUP)   # the setup cell dies: no `values`
    assert bench.main(SMALL) == 1
    out = capsys.readouterr().out
    assert "grading stopped" in out and "cannot import mlopslab_not_installed_anywhere" in out, out


@pytest.mark.slow
def test_grading_benchmark_exits_1_on_wrong_scores_even_without_preflight(tmp_path, capsys):
    assert bench.main(SMALL + ["--checks", str(failing_checks(tmp_path/"checks")), "--no-preflight"]) == 1
    out = capsys.readouterr().out
    assert out.count("WRONG SCORE") == 3 and "verdict: FAILED" in out, out        # every submission's scores differ from their construction


def test_grading_benchmark_compares_question_by_question():
    want = {"a": {"q1": 2.0, "q2": 3.0}, "looping": {"q1": 2.0, "q2": 3.0}}
    assert bench.score_problems({"a": {"q1": 2.0, "q2": 3.0}, "looping": None}, want, "otter", bench.EXPECTED_DIFFERENCES) == []
    assert bench.score_problems({"a": {"q1": 0.0, "q2": 5.0}, "looping": None}, want, "otter", bench.EXPECTED_DIFFERENCES) != []  # same total, wrong split
    assert bench.score_problems({"a": None}, want, "x", {"looping": ""}) != []                                              # a job that did not grade

"Release and grading on the toy fixture lab (tests/fixtures/grading): points, outputs, re-runs, bad inputs."
import json, shutil
from pathlib import Path
import pytest
from conftest import ROOT, run_cli, solve
from mlopslab.course.checks import Context, check_coverage, load_checks
from mlopslab.course.grade import GradeRun, grade as grade_batch
from mlopslab.course.labspec import directives, lab_for, make_lab, read_lab, source
from mlopslab.course.release import release
from mlopslab.course.results import SubmissionResult, summary
from mlopslab.course.sandbox.isolate import Limits
from mlopslab.course.submissions import find_submissions
import mlopslab.course.grade as grade_module
from mlopslab.errors import GradingError, LabFailed
from mlopslab.course.labs import execute, find_labs

FIX = ROOT/"tests"/"fixtures"/"grading"
LABS, CHECKS = FIX/"labs", FIX/"grading"
SECRET = "SECRET-HIDDEN-CHECK-7f3a"


@pytest.fixture(scope="module")
def spec():
    return lab_for(91, LABS)


def released(spec, tmp_path) -> dict:
    return json.loads(release(spec, tmp_path/"labs").read_text())




def write(folder: Path, name: str, nb) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder/name
    p.write_text(nb if isinstance(nb, str) else json.dumps(nb))
    return p


def grade(subs, out, **kw):
    return {r.student: r for r in grade_batch(91, subs, out, labs=LABS, checks=CHECKS, jobs=2, timeout=30, progress=False, **kw)}


# --- release -----------------------------------------------------------------------------------------
def test_release_is_deterministic_and_strips_answers(spec, tmp_path):
    a = release(spec, tmp_path/"a").read_bytes()
    b = release(spec, tmp_path/"b").read_bytes()
    assert a == b
    text = a.decode()
    assert "float(values.mean())" not in text and "BEGIN SOLUTION" not in text
    assert "instructor-only cell" not in text                      # the `#| hidden` cell is dropped
    assert text.count("raise NotImplementedError") == len(spec.questions)
    nb = json.loads(text)
    checks = [c for c in nb["cells"] if directives(source(c)).get("check")]
    assert len(checks) == sum(len(q.checks) for q in spec.questions.values())   # public checks kept
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None for c in nb["cells"] if c["cell_type"] == "code")
    assert set(nb["metadata"]) == {"kernelspec", "language_info", "mlopslab"}
    assert (tmp_path/"a"/"week91-toy"/"week91_toy.ipynb").exists()


def test_release_refuses_a_solution_outside_an_exercise(tmp_path):
    ex = "#| exercise: q1_x\n#| points: 1\n# Set x.\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION"
    stray = "# a helper the instructor forgot to mark\n### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION"
    spec = lab_for(93, make_lab(tmp_path/"labs", 93, "stray", [("code", ex), ("code", stray)]).parent)
    with pytest.raises(GradingError, match="would still hold solution"):
        release(spec, tmp_path/"out")
    assert not (tmp_path/"out").exists()


def test_release_cli_writes_the_lab_folder(tmp_path):
    r = run_cli("release", "91", "--labs", str(LABS), "--dest", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert (tmp_path/"week91-toy"/"week91_toy.ipynb").exists()
    r = run_cli("release", "--labs", str(LABS), "--dest", str(tmp_path))
    assert r.returncode == 2 and "no week chosen" in r.stderr


@pytest.mark.slow
def test_release_runs_headless_and_fails_only_on_exercises(spec, tmp_path):
    nb = release(spec, tmp_path/"labs")
    with pytest.raises(LabFailed) as e:
        execute(nb, tmp_path/"out.ipynb", cwd=tmp_path/"run", timeout=60)
    assert e.value.ename == "NotImplementedError" and "q1_mean" in e.value.evalue
    solved = write(tmp_path, "solved.ipynb", solve(json.loads(nb.read_text()), spec, set(spec.questions)))
    execute(solved, tmp_path/"out2.ipynb", cwd=tmp_path/"run2", timeout=60)   # nothing else fails


def test_every_question_needs_a_hidden_check(spec, tmp_path):
    checks = load_checks(CHECKS/"week91")
    with pytest.raises(GradingError, match="no hidden check for q3_file"):
        check_coverage(spec, [c for c in checks if c.question != "q3_file"])


# --- grading -----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_instructor_full_release_zero_partial_exact(spec, tmp_path):
    subs = tmp_path/"subs"
    shutil.copy(spec.lab.path, subs.mkdir() or subs/"instructor.ipynb")
    write(subs, "fresh.ipynb", released(spec, tmp_path))
    write(subs, "partial.ipynb", solve(released(spec, tmp_path), spec, {"q1_mean", "q4_counts"}))
    res = grade(subs, tmp_path/"out")
    assert res["instructor"].score == res["instructor"].max_score == 10
    assert res["fresh"].score == 0 and all(q.status == "error" and "NotImplementedError" in q.reason for q in res["fresh"].questions)
    by = {q.question: q for q in res["partial"].questions}
    assert res["partial"].score == spec.questions["q1_mean"].points + spec.questions["q4_counts"].points
    assert by["q1_mean"].status == by["q4_counts"].status == "passed" and by["q2_square"].status == "error"
    out = tmp_path/"out"
    for f in ("grades.csv", "grades.json", "summary.md", "histogram.png", "feedback/partial.md", "executed/partial.ipynb"):
        assert (out/f).exists(), f
    assert (out/"histogram.png").read_bytes()[:4] == b"\x89PNG"
    assert "Mean 5.00 / 10, median 5, min 0, max 10." in (out/"summary.md").read_text()   # scores 10, 0 and 5
    rows = (out/"grades.csv").read_text().splitlines()
    assert rows[0].startswith("student,file,status,score") and len(rows) == 4
    fb = (out/"feedback"/"instructor.md").read_text()
    assert "[hidden] pass" in fb and "[public] pass" in fb
    for f in (out/"feedback").iterdir():
        assert SECRET not in f.read_text() and "assert got ==" not in f.read_text()


@pytest.mark.slow
def test_rerun_skips_identical_submissions_unless_forced(spec, tmp_path):
    subs = tmp_path/"subs"
    write(subs, "ann.ipynb", solve(released(spec, tmp_path), spec, {"q1_mean"}))
    write(subs, "bob.ipynb", released(spec, tmp_path))
    first = grade(subs, tmp_path/"out")
    again = grade(subs, tmp_path/"out")
    assert again["ann"].seconds == first["ann"].seconds and again["bob"].seconds == first["bob"].seconds   # reused
    write(subs, "bob.ipynb", solve(released(spec, tmp_path), spec, {"q4_counts"}))
    third = grade(subs, tmp_path/"out")
    assert third["ann"].seconds == first["ann"].seconds and third["bob"].score == 3 and third["bob"].seconds != first["bob"].seconds
    forced = grade(subs, tmp_path/"out", force=True)
    assert forced["ann"].seconds != first["ann"].seconds and forced["ann"].score == 2


def test_missing_and_empty_folders_are_clear_errors(tmp_path):
    with pytest.raises(GradingError, match="does not exist"):
        grade(tmp_path/"nope", tmp_path/"out")
    (tmp_path/"empty").mkdir()
    with pytest.raises(GradingError, match="no notebooks in"):
        grade(tmp_path/"empty", tmp_path/"out")
    r = run_cli("grade", "91", str(tmp_path/"nope"), "--labs", str(LABS), "--checks", str(CHECKS), "--out", str(tmp_path/"o"))
    assert r.returncode == 2 and "does not exist" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_bad_files_are_reported_and_valid_ones_still_graded(spec, tmp_path):
    subs = tmp_path/"subs"
    write(subs, "good.ipynb", solve(released(spec, tmp_path), spec, set(spec.questions)))
    write(subs, "garbage.ipynb", "this is { not json")
    other = released(spec, tmp_path); other["metadata"]["mlopslab"]["week"] = 7
    write(subs, "wrongweek.ipynb", other)
    write(subs, "unrelated.ipynb", {"cells": [{"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": []}], "metadata": {}})
    r = run_cli("grade", "91", str(subs), "--labs", str(LABS), "--checks", str(CHECKS), "--out", str(tmp_path/"out"), "--jobs", "2", timeout=300)
    assert r.returncode == 1
    assert "garbage.ipynb (garbage) is not a notebook: not valid JSON" in r.stdout
    assert "is a week 7 notebook, not week 91" in r.stdout
    assert "has none of week 91's exercises" in r.stdout
    book = {s["student"]: s for s in json.loads((tmp_path/"out"/"grades.json").read_text())["students"]}
    assert book["good"]["score"] == 10 and book["good"]["status"] == "graded"
    assert book["garbage"]["status"] == "invalid" and book["garbage"]["score"] == 0
    assert "could not be graded" in (tmp_path/"out"/"feedback"/"wrongweek.md").read_text()


def test_student_id_is_the_file_name_never_a_claim_inside(spec, tmp_path):
    nb = released(spec, tmp_path); nb["metadata"]["mlopslab"]["student"] = "bob"     # alice pretends to be bob
    write(tmp_path/"subs", "alice.ipynb", nb); write(tmp_path/"subs", "bob.ipynb", released(spec, tmp_path))
    write(tmp_path/"subs", "carl x.ipynb", nb); write(tmp_path/"subs", "carl_x.ipynb", nb)
    subs = {s.path.name: s for s in find_submissions(tmp_path/"subs", spec)}
    assert subs["alice.ipynb"].student == "alice" and subs["bob.ipynb"].student == "bob"
    assert not subs["alice.ipynb"].problem and not subs["bob.ipynb"].problem
    a, b = subs["carl x.ipynb"], subs["carl_x.ipynb"]                                  # two names that sanitize alike:
    assert a.student != b.student and not a.problem and not b.problem and "made unique" in a.note   # both graded, neither voided


def test_malformed_notebooks_are_invalid_not_fatal(spec, tmp_path):
    bad = {"metadata": [], "cells": [{"cell_type": "code", "source": [1, 2], "metadata": {}}], "nbformat": 4}
    write(tmp_path/"subs", "odd.ipynb", bad); write(tmp_path/"subs", "deep.ipynb", "[" * 100_000 + "]" * 100_000)
    write(tmp_path/"subs", "ok.ipynb", released(spec, tmp_path))
    subs = {s.student: s for s in find_submissions(tmp_path/"subs", spec)}
    assert subs["odd"].problem and subs["deep"].problem.startswith("is not a notebook") and not subs["ok"].problem


def test_grading_without_root_needs_unsafe(spec, tmp_path, monkeypatch):
    write(tmp_path/"subs", "a.ipynb", released(spec, tmp_path))
    monkeypatch.setattr(grade_module, "is_root", lambda: False)
    with pytest.raises(GradingError, match="needs root") as e:
        grade(tmp_path/"subs", tmp_path/"out")
    assert "--unsafe" in e.value.message() and not (tmp_path/"out").exists()
    res = grade(tmp_path/"subs", tmp_path/"out", unsafe=True)                      # no isolation, same scores
    assert res["a"].status == "graded" and res["a"].score == 0


def test_parameters_are_checked(tmp_path, spec):
    write(tmp_path/"subs", "a.ipynb", released(spec, tmp_path))
    with pytest.raises(GradingError, match="has no parameter smaple"):
        grade(tmp_path/"subs", tmp_path/"out", params={"smaple": 3})


def test_committed_releases_are_current_and_hold_no_answers(tmp_path):
    "labs/ ships exactly what `release` makes today, for every course lab, with no solution or hidden check in it."
    import ast
    for lab in find_labs():
        spec = read_lab(lab)
        shipped = ROOT/"labs"/f"{lab.name}-{lab.slug}"/lab.path.name
        assert shipped.exists(), f"{shipped} is missing: run `mlopslab release --all` and commit labs/"
        assert shipped.read_bytes() == release(spec, tmp_path).read_bytes(), f"{shipped} is stale: run `mlopslab release --all`"
        text = shipped.read_text()
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
        tree = ast.parse((ROOT/"grading"/lab.name/"checks.py").read_text())
        names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.decorator_list]   # the @hidden checks
        asserts = [ast.literal_eval(n.msg) for n in ast.walk(tree) if isinstance(n, ast.Assert) and isinstance(n.msg, ast.Constant)]
        leaked = [s for s in names + asserts if s in text]
        assert names and not leaked, f"{shipped} carries hidden-check text: {leaked}"


def test_summary_statistics_of_an_even_batch(spec):
    res = [SubmissionResult(n, f"{n}.ipynb", "graded", score, 10) for n, score in (("a", 0), ("b", 4), ("c", 6), ("d", 10))]
    res.append(SubmissionResult("e", "e.ipynb", "invalid", 0, 10, message="is not a notebook"))
    text = summary(res, spec, {"no network": False}, 1.0)
    assert "4 graded, 1 invalid" in text and "Mean 5.00 / 10, median 5, min 0, max 10." in text
    assert "- no network: NOT enforced" in text and "- e.ipynb (e): is not a notebook" in text


def test_hostile_mlflow_database_is_refused_not_run(tmp_path):
    import sqlite3, threading
    db = tmp_path/"wd"/"ws"/"mlflow"/"mlflow.db"
    db.parent.mkdir(parents=True)
    con = sqlite3.connect(db)   # a `runs` that never ends: a hidden check counting runs would hang the grader
    con.execute("CREATE VIEW runs AS WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT i FROM r")
    con.commit(); con.close()
    ctx = Context("eve", {}, {}, {}, tmp_path/"wd", tmp_path, {}, threading.Lock())
    with pytest.raises(AssertionError, match="views"):
        ctx.sql("SELECT count(*) FROM runs")


def test_an_expected_value_may_build_on_another(spec, tmp_path):
    "ctx.cache inside ctx.cache (week 4's checks do it) must not deadlock the batch's shared lock."
    run = GradeRun(spec, [], tmp_path, tmp_path, Limits(), {}, [])
    ctx = Context("ann", {}, {}, {}, None, tmp_path, run.shared, run.lock)
    assert ctx.cache("outer", lambda: ctx.cache("inner", lambda: 20) + 1) == 21 and run.shared == {"inner": 20, "outer": 21}

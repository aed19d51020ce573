"Week 1 graded for real: the instructor notebook scores full marks, the release zero, a partial solution its exact points."
import json, shutil
import pytest
from conftest import ROOT, solve
from mlopslab import grading as g

PARAMS = {"sample": 3000, "n_estimators": 10}   # small and quick; the hidden checks recompute with the same values




@pytest.fixture(scope="module")
def week1(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("week01")
    spec, subs = g.lab_for(1), tmp/"subs"
    subs.mkdir()
    shutil.copy(spec.lab.path, subs/"instructor.ipynb")
    rel = g.release(spec, tmp/"labs")
    shutil.copy(rel, subs/"fresh.ipynb")
    (subs/"partial.ipynb").write_text(json.dumps(solve(json.loads(rel.read_text()), spec, {"q1_delay_rate", "q2_evaluate"})))
    res = g.grade(1, subs, tmp/"out", jobs=2, timeout=180, params=PARAMS, progress=False)
    return spec, {r.student: r for r in res}


@pytest.mark.slow
def test_instructor_notebook_scores_full_marks(week1):
    spec, res = week1
    r = res["instructor"]
    assert r.max_score == spec.lab.meta["points"] == 10
    assert r.score == r.max_score, [(q.question, q.status, q.reason) for q in r.questions]


@pytest.mark.slow
def test_release_scores_zero_on_every_exercise(week1):
    r = week1[1]["fresh"]
    assert r.score == 0 and len(r.questions) == 3
    assert all(q.points == 0 and q.status == "error" and "NotImplementedError" in q.reason for q in r.questions)


@pytest.mark.slow
def test_partial_solution_gets_exactly_its_points(week1):
    spec, res = week1
    r = res["partial"]
    by = {q.question: q for q in r.questions}
    assert r.score == spec.questions["q1_delay_rate"].points + spec.questions["q2_evaluate"].points
    assert by["q1_delay_rate"].status == by["q2_evaluate"].status == "passed" and by["q3_log_run"].points == 0


def test_week1_hidden_checks_cover_every_question():
    spec = g.lab_for(1)
    g.check_coverage(spec, g.load_checks(ROOT/"grading"/"week01"))
    assert not list((ROOT/"labs").glob("**/checks.py"))           # hidden checks never ship

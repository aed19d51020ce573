"Weeks 3-5 (data versioning, validation, pipelines): hidden checks cover every question; instructor notebooks score full marks."
import shutil
import pytest
from conftest import ROOT
from mlopslab import grading as g

WEEKS = (3, 4, 5)


@pytest.mark.parametrize("week", WEEKS)
def test_hidden_checks_cover_every_question(week):
    spec = g.lab_for(week)
    g.check_coverage(spec, g.load_checks(ROOT/"grading"/f"week{week:02d}"))
    assert sum(q.points for q in spec.questions.values()) == spec.lab.meta["points"] == 10


@pytest.mark.slow
@pytest.mark.parametrize("week", WEEKS)
def test_instructor_full_marks_release_zero(week, tmp_path):
    spec, subs = g.lab_for(week), tmp_path/"subs"
    subs.mkdir()
    shutil.copy(spec.lab.path, subs/"instructor.ipynb")
    shutil.copy(g.release(spec, tmp_path/"labs"), subs/"fresh.ipynb")
    res = {r.student: r for r in g.grade(week, subs, tmp_path/"out", jobs=2, timeout=120, progress=False)}
    r = res["instructor"]
    assert r.score == r.max_score == 10, [(q.question, q.status, q.reason) for q in r.questions]
    assert res["fresh"].score == 0 and all("NotImplementedError" in q.reason for q in res["fresh"].questions)

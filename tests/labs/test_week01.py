"Week 1 graded for real: a partial solution gets exactly its points (full marks and zero: tests/course/test_lab_contract.py)."
import json
import pytest
from conftest import solve
from mlopslab.course.grade import grade
from mlopslab.course.labspec import lab_for
from mlopslab.course.release import release

PARAMS = {"sample": 3000, "n_estimators": 10}   # small and quick; the hidden checks recompute with the same values


@pytest.mark.slow
def test_partial_solution_gets_exactly_its_points(tmp_path):
    spec, subs = lab_for(1), tmp_path/"subs"
    subs.mkdir()
    rel = release(spec, tmp_path/"labs")
    (subs/"partial.ipynb").write_text(json.dumps(solve(json.loads(rel.read_text()), spec, {"q1_delay_rate", "q2_evaluate"})))
    r = grade(1, subs, tmp_path/"out", jobs=1, timeout=180, params=PARAMS, progress=False)[0]
    by = {q.question: q for q in r.questions}
    assert r.score == spec.questions["q1_delay_rate"].points + spec.questions["q2_evaluate"].points
    assert by["q1_delay_rate"].status == by["q2_evaluate"].status == "passed" and by["q3_log_run"].points == 0

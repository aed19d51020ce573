"Weeks 3-5 (data versioning, validation, pipelines): hidden checks recompute results instead of trusting what a notebook claims."
import pytest
from mlopslab.course.grade import grade
from mlopslab.course.labspec import lab_for

WEEKS = (3, 4, 5)


CHEATS = {   # week: (question, solution that fakes the answer well enough to pass the public checks)
    3: ("q3_round_trip", 'version.push(repo)\nmd5_before = md5_after = hashlib.md5((repo/"data"/"flights.parquet").read_bytes()).hexdigest()\n'
                         'wiped = True   # but nothing was deleted or pulled'),
    4: ("q1_extend_schema", 'my_schema = {**validate.FLIGHTS_SCHEMA, "temp": validate.Column("float", nullable=True, min=-30, max=95)}\n'
                            'clean_ok, hot_failures = True, [("temp", "range", 10)]   # claimed, not computed: July (up to 100 F) fails this rule'),
    5: ("q1_param_change", 'predict_param = ["train"]\n'
                           'ran_param = ["train"]   # claimed: params.yaml never changed, the pipeline never ran'),
}


def _cheat(nb: dict, question: str, code: str) -> dict:
    "The notebook with the solution of `question` replaced by `code`."
    for c in nb["cells"]:
        src = "".join(c["source"])
        if c["cell_type"] == "code" and f"#| exercise: {question}" in src:
            head, rest = src.split("### BEGIN SOLUTION\n")
            c["source"] = head + "### BEGIN SOLUTION\n" + code + "\n### END SOLUTION" + rest.split("### END SOLUTION")[1]
    return nb


@pytest.mark.slow
@pytest.mark.parametrize("week", WEEKS)
def test_hidden_checks_recompute_instead_of_trusting_claims(week, tmp_path):
    "A submission that claims a result its notebook did not produce passes the public checks but not the hidden ones."
    import json
    spec, subs = lab_for(week), tmp_path/"subs"
    subs.mkdir()
    question, code = CHEATS[week]
    nb = _cheat(json.loads(spec.lab.path.read_text()), question, code)
    (subs/"cheat.ipynb").write_text(json.dumps(nb))
    r = grade(week, subs, tmp_path/"out", jobs=1, timeout=120, progress=False)[0]
    got = {q.question: q for q in r.questions}
    assert got[question].status == "failed" and "hidden check failed" in got[question].reason, (got[question].status, got[question].reason)
    assert all(q.status == "passed" for k, q in got.items() if k != question), [(q.question, q.status, q.reason) for q in r.questions]

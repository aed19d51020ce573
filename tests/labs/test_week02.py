"Week 2 lab: runs headless with defaults (with and without Terraform), and its hidden checks pass on it and fail on wrong answers."
import copy, json, os, time
from pathlib import Path
import nbformat, pytest
from conftest import ROOT
from mlopslab import infra
from mlopslab.course.labs import execute

LAB = ROOT/"nbs"/"labs"/"week02_cloud.ipynb"
CHECKS = ROOT/"grading"/"week02"/"checks.py"
RECORD = ["semester_cost", "my_vars", "lab_date", "plan", "use_terraform", "to_create", "service_urls", "outputs",
          "remaining", "destroyed", "exports_tf", "break_even_days", "prediction"]
DEFAULTS = {"target": "local", "hours": 3, "sessions": 14}


def _run_lab(tmp_path, env_path=None, params=None):
    "Execute the lab with a record cell appended (as the grader's record cells would); returns (values, seconds)."
    nb = nbformat.read(LAB, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json as _json\n"
        f"_json.dump({{n: globals()[n] for n in {RECORD!r} if n in globals()}}, open('recorded.json', 'w'), default=str)"))
    src = tmp_path/"week02_record.ipynb"; nbformat.write(nb, src)
    old = os.environ.get("PATH")
    if env_path is not None: os.environ["PATH"] = env_path
    try:
        t0 = time.monotonic()
        execute(src, tmp_path/"out.ipynb", params or {}, cwd=tmp_path/"run", timeout=300)
        secs = time.monotonic() - t0
    finally: os.environ["PATH"] = old
    return json.loads((tmp_path/"run"/"recorded.json").read_text()), secs


class Ctx:
    "A stand-in for the grader's Context, holding plain recorded data."
    def __init__(self, values, params=None): self.values, self.params, self._cache = values, params or dict(DEFAULTS), {}
    def has(self, name): return name in self.values
    def value(self, name):
        if name not in self.values: raise KeyError(name)
        return self.values[name]
    def cache(self, key, fn):
        if key not in self._cache: self._cache[key] = fn()
        return self._cache[key]
    def file(self, rel):
        "Files the grader would copy out of the sandbox: none here (the lab removed its state)."
        raise AssertionError(f"the notebook did not write the file {rel}")


@pytest.fixture
def checks():
    "grading/week02/checks.py as (question, recorded names, check function), loaded as the grader loads it."
    from mlopslab.course.checks import load_checks
    return [(c.question, list(c.record), c.fn) for c in load_checks(CHECKS.parent)]


def _failures(registry, values):
    out = {}
    for q, _, fn in registry:
        try: fn(Ctx(values))
        except AssertionError as e: out[q] = str(e)
        except Exception as e: out[q] = f"error: {type(e).__name__}"
    return out


def test_every_question_has_a_hidden_check_that_records_what_it_reads(checks):
    nb = nbformat.read(LAB, as_version=4)
    qids = {l.split(":", 1)[1].strip() for c in nb.cells if c.cell_type == "code" for l in c.source.splitlines() if l.startswith("#| exercise:")}
    assert qids == {"q1_semester_cost", "q2_variables", "q3_plan_creates", "q4_service_urls", "q5_teardown", "q6_exports"}
    assert {q for q, _, _ in checks} == qids
    points = sum(int(l.split(":")[1]) for c in nb.cells if c.cell_type == "code" for l in c.source.splitlines() if l.startswith("#| points:"))
    assert points == 10 and "points: 10" in nb.cells[0].source
    assert set(sum((r for _, r, _ in checks), [])) <= set(RECORD)


@pytest.mark.slow
@pytest.mark.skipif(infra.terraform_bin() is None, reason=infra.missing_terraform_message())
def test_lab_runs_headless_and_hidden_checks_pass(workspace, tmp_path, checks):
    values, secs = _run_lab(tmp_path)
    print(f"week 2 lab with terraform: {secs:.1f} s")   # its budget: benchmarks/labs_runtime.py
    assert values["use_terraform"] is True and values["remaining"] == [] and len(values["destroyed"]) == 3
    assert _failures(checks, values) == {}
    # and each check catches a wrong answer
    wrong = {"q1_semester_cost": ("semester_cost", lambda v: {**v, "aws": v["aws"] * 2}),
             "q2_variables": ("my_vars", lambda v: {**v, "expires": "2020-01-01"}),
             "q3_plan_creates": ("to_create", lambda v: v[:1]),
             "q4_service_urls": ("service_urls", lambda v: {**v, "ssh_url": "x"}),
             "q5_teardown": ("remaining", lambda v: ["terraform_data.stack"]),
             "q6_exports": ("exports_tf", lambda v: v.replace("${var.workspace}/exports", "exports"))}
    for q, (name, change) in wrong.items():
        bad = copy.deepcopy(values); bad[name] = change(bad[name])
        assert q in _failures(checks, bad), f"{q}'s hidden check accepts a wrong {name}"
    assert "q2_variables" in _failures(checks, {**values, "my_vars": {**values["my_vars"], "owner": "Ada Lovelace"}})
    assert "q4_service_urls" in _failures(checks, {**values, "outputs": {}, "service_urls": {}})   # made-up empty outputs


@pytest.mark.slow
def test_lab_runs_without_terraform(workspace, tmp_path, checks):
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                           if not (Path(p)/"terraform").exists() and not (Path(p)/"tofu").exists())
    values, secs = _run_lab(tmp_path, env_path=path)
    print(f"week 2 lab without terraform: {secs:.1f} s")
    assert values["use_terraform"] is False and values["remaining"] == []
    assert values["to_create"] == ["terraform_data.bucket", "terraform_data.stack"], "the recorded plan was read"
    assert _failures(checks, values) == {}


@pytest.mark.slow
def test_lab_with_provision_false_creates_nothing(workspace, tmp_path, checks):
    values, secs = _run_lab(tmp_path, params={"provision": False})
    assert values["use_terraform"] is False and values["destroyed"] == [] and values["remaining"] == []
    assert not (workspace/"infra"/"local").exists() and not (workspace/"bucket").exists(), "nothing was planned or created"
    assert _failures(checks, values) == {}


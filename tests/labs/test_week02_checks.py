"Week 2's public checks against plausible wrong answers: each fails with a message naming the mistake (no lab run)."
import pytest
from mlopslab.course.labspec import lab_for

SPEC = lab_for(2)
PLAN = {"resource_changes": [
    {"address": "local_file.stack", "change": {"actions": ["create"]}},
    {"address": "null_resource.mlflow", "change": {"actions": ["create"]}},
    {"address": "local_file.old", "change": {"actions": ["delete", "create"]}},
    {"address": "local_file.same", "change": {"actions": ["no-op"]}},
]}
OUTPUTS = {"jupyter_url": "http://127.0.0.1:8888", "mlflow_url": "http://127.0.0.1:5000", "ssh": "ssh cc@1.2.3.4", "owner": "ann"}


def check(q: str, **ns):
    env = dict(ns)
    for src in SPEC.questions[q].checks: exec(compile(src, f"check {q}", "exec"), env)
    return env


def fails(q: str, match: str, **ns):
    with pytest.raises(AssertionError, match=match): check(q, **ns)


def test_q3_right_answer_passes():
    check("q3_plan_creates", plan=PLAN, to_create=["local_file.stack", "null_resource.mlflow"])


@pytest.mark.parametrize("wrong, message", [
    (["local_file.old", "local_file.stack", "null_resource.mlflow"], "does not only create"),
    (["local_file.same", "local_file.stack", "null_resource.mlflow"], "does not only create"),
    (["null_resource.mlflow", "local_file.stack"], "not sorted"),
    (["local_file.stack", "aws_instance.vm"], "not in this plan"),
    ("local_file.stack", "not a list of address strings"),
])
def test_q3_wrong_answers_are_named(wrong, message):
    fails("q3_plan_creates", message, plan=PLAN, to_create=wrong)


def test_q4_right_answer_passes():
    check("q4_service_urls", outputs=OUTPUTS, service_urls={"jupyter_url": OUTPUTS["jupyter_url"], "mlflow_url": OUTPUTS["mlflow_url"]})


@pytest.mark.parametrize("wrong, message", [
    (dict(OUTPUTS), r"not web addresses: \['ssh', 'owner'\]"),
    ({"mlflow_url": OUTPUTS["mlflow_url"]}, r"misses \['jupyter_url'\]"),
    ({"jupyter_url": "127.0.0.1:8888", "mlflow_url": OUTPUTS["mlflow_url"]}, "changed the values"),
    ([OUTPUTS["jupyter_url"], OUTPUTS["mlflow_url"]], "not a dict"),
])
def test_q4_wrong_answers_are_named(wrong, message):
    fails("q4_service_urls", message, outputs=OUTPUTS, service_urls=wrong)


# Exercise 1: the term's cost per target
SHEET_DATE = "2026-01-01"


def _q1(semester_cost, sessions=14, hours=3, break_even_days=None, prediction="a"):
    from mlopslab import infra
    days = break_even_days if break_even_days is not None else _days(semester_cost)
    check("q1_semester_cost", semester_cost=semester_cost, infra=infra, price_sheet=infra.load_prices(), sessions=sessions, hours=hours,
          break_even_days=days, prediction=prediction)


def _days(semester_cost):
    "The right break_even_days: the term's AWS cost over a day of the machine (the price sheet rounds, so not exactly sessions × hours / 24)."
    from mlopslab import infra
    return semester_cost["aws"] / sum(r["usd"] for r in infra.estimate("aws", 1, prices=infra.load_prices())) / 24


def _right_q1(sessions=14, hours=3):
    from mlopslab import infra
    return {t: float(sum(r["usd"] for r in infra.estimate(t, sessions * hours, prices=infra.load_prices()))) for t in ["local", "chameleon", "gcp", "aws"]}


def test_q1_right_answer_passes():
    _q1(_right_q1())


@pytest.mark.parametrize("wrong, message", [
    (lambda r: {k: v for k, v in r.items() if k != "chameleon"}, "one entry per target"),          # a target left out
    (lambda r: {k: round(v) if k != "local" else 0 for k, v in r.items()}, "Python floats"),        # rounded to whole dollars (ints)
    (lambda r: {k: v / 14 for k, v in r.items()}, "about sessions"),                                # one session, not the term
    (lambda r: {k: v * 730 / 42 for k, v in r.items()}, "about sessions"),                          # a month of hours, not the sessions'
])
def test_q1_wrong_answers_are_named(wrong, message):
    with pytest.raises(AssertionError, match=message): _q1(wrong(_right_q1()))


@pytest.mark.parametrize("days, prediction, message", [
    (lambda d: d * 24, "a", "in hours"),                          # not divided by 24
    (lambda d: 14 * 3 / 730 * 30, "a", "not the term's AWS cost"), # the term as a share of a month, in days
    (lambda d: d / 14, "a", "not the term's AWS cost"),            # one session, not the term
    (lambda d: d, "A", 'should be "a", "b" or "c"'),               # the choice spelled otherwise
])
def test_q1_break_even_wrong_answers_are_named(days, prediction, message):
    right = _right_q1()
    with pytest.raises(AssertionError, match=message): _q1(right, break_even_days=days(_days(right)), prediction=prediction)


# Exercise 2: the labels
import datetime as dt


@pytest.mark.parametrize("wrong, message", [
    ({"owner": "Ada", "expires": "2026-12-09"}, "valid label"),                      # capital letter
    ({"owner": "ada lovelace", "expires": "2026-12-09"}, "valid label"),             # a space
    ({"owner": "1ada", "expires": "2026-12-09"}, "valid label"),                     # starts with a digit
    ({"owner": "ada", "expires": "2026-12-08"}, "it is 6"),                          # off by one
    ({"owner": "ada", "expires": "2026-12-09", "course": "x"}, "exactly the keys"),  # an extra variable
])
def test_q2_wrong_answers_are_named(wrong, message):
    with pytest.raises(AssertionError, match=message): check("q2_variables", my_vars=wrong, lab_date="2026-12-02", dt=dt)
    check("q2_variables", my_vars={"owner": "ada", "expires": "2026-12-09"}, lab_date="2026-12-02", dt=dt)


# Exercise 6 (q5): the teardown proved from the state
class _Infra:
    def __init__(self, folder): self.folder = folder
    def run_dir(self, target, cfg): return self.folder


@pytest.mark.parametrize("remaining, state, message", [
    (["terraform_data.stack"], False, "still there"),               # read before destroying, or nothing destroyed
    (["terraform_data.bucket", "terraform_data.stack"], False, "still there"),
    ([], True, "no state file"),                                     # an empty list made up while a state file is still there
])
def test_q5_wrong_answers_are_named(tmp_path, remaining, state, message):
    import types
    if state: (tmp_path/"terraform.tfstate").write_text("{}")
    cfg = types.SimpleNamespace(target="local")
    import time
    with pytest.raises(AssertionError, match=message):
        check("q5_teardown", remaining=remaining, infra=_Infra(tmp_path), cfg=cfg, time=time, t_start=time.monotonic())


# Exercise 3 (q6): the HCL of the exports, tried by the real Terraform (offline: the local module needs no provider)
import json, re
from conftest import ROOT
from mlopslab import infra
from mlopslab.config import get_config


def _good_hcl() -> str:
    "The instructor's HCL, read from the instructor notebook's solution."
    nb = json.loads((ROOT/"nbs"/"labs"/"week02_cloud.ipynb").read_text())
    cell = next("".join(c["source"]) for c in nb["cells"] if "#| exercise: q6_exports" in "".join(c["source"]))
    return re.search(r'exports_tf = """(.*?)"""', cell, re.S).group(1)


def _q6(tmp_path, hcl):
    cfg = get_config(workspace=tmp_path/"ws")
    check("q6_exports", exports_tf=hcl, infra=infra, cfg=cfg, lab_date="2026-12-02", have_terraform=True)
    return cfg


GOOD = _good_hcl()
_VALIDATION = re.compile(r"\n  validation \{.*?\n  \}\n", re.S)


@pytest.mark.skipif(infra.terraform_bin() is None, reason=infra.missing_terraform_message())
def test_q6_right_answer_passes_and_joins_the_module(tmp_path):
    cfg = _q6(tmp_path, GOOD)
    assert (infra.additions_dir("local", cfg)/"exports.tf").read_text() == GOOD
    assert "terraform_data.exports" in infra.plan_changes(infra.plan("local", {"owner": "ada"}, cfg, progress=None))


@pytest.mark.skipif(infra.terraform_bin() is None, reason=infra.missing_terraform_message())
@pytest.mark.parametrize("wrong, message", [
    (lambda h: _VALIDATION.sub("\n", h), "is accepted: a validation block"),                          # no validation
    (lambda h: h.replace(">= 1 &&", "> 1 &&"), "is refused, but 1..365 are allowed"),                  # off by one at the bound
    (lambda h: h.replace("${var.workspace}/exports", "exports"), "not a fixed or relative path"),      # a relative folder
    (lambda h: h.replace("${var.workspace}/exports", "/srv/exports"), "not a fixed or relative path"), # a fixed folder
    (lambda h: h.replace("    tags           = local.tags\n", ""), "module's tags"),                   # untagged
    (lambda h: h.replace("type = number\n  default = 30", 'type = string\n  default = "30"'), "30 unless set"),  # a string
    (lambda h: h.replace('"terraform_data" "exports"', '"terraform_data" "export"').replace("terraform_data.exports.output", "terraform_data.export.output"),
     "creates no terraform_data.exports"),                                                             # another name
    (lambda h: h.replace("var.workspace", "var.workspace_dir"), "terraform validate refuses"),         # a variable the module lacks
    (lambda h: h[:h.index('output "exports_path"')], "no output exports_path"),                         # the output left out
])
def test_q6_wrong_answers_are_named(tmp_path, wrong, message):
    bad = wrong(GOOD)
    assert bad != GOOD
    with pytest.raises(AssertionError, match=message): _q6(tmp_path, bad)
    assert not (infra.additions_dir("local", get_config(workspace=tmp_path/"ws"))/"exports.tf").exists(), "a refused file never joins the module"

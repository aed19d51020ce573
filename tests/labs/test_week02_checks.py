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

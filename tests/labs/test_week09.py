"Week 9's public checks catch the plausible wrong answers, naming the mistake (full marks and zero: tests/course/test_lab_contract.py)."
import copy
import pytest
import yaml
from mlopslab.course.labspec import directives, lab_for, source
from mlopslab.deploy import ci, k8s

IMAGE = "localhost/mlopslab-server:flights-delay-v3"


def _cell(kind: str, question: str) -> str:
    return next(source(c) for c in lab_for(9).nb["cells"] if c["cell_type"] == "code" and directives(source(c)).get(kind) == question)


def _solution(question: str) -> dict:
    ns = {"IMAGE": IMAGE, "yaml": yaml}
    exec(_cell("exercise", question), ns)
    return ns


def _run(question: str, **ns):
    exec(compile(_cell("check", question), question, "exec"), {"yaml": yaml, "k8s": k8s, "ci": ci, "copy": copy, "IMAGE": IMAGE, **ns})


DEP = _solution("q1_deployment")["deployment"]
C = ("spec", "template", "spec", "containers", 0)


def _edit(text, path, value):
    doc = yaml.safe_load(text); node = doc
    for k in path[:-1]: node = node[k]
    if value is None: node.pop(path[-1])
    else: node[path[-1]] = value
    return yaml.safe_dump(doc)


@pytest.mark.parametrize("path, value, message", [
    (C + ("readinessProbe", "httpGet", "path"), "/health", "readiness on /health sends traffic"),   # the probes swapped
    (C + ("livenessProbe", "httpGet", "path"), "/ready", "liveness on /ready restarts a pod"),
    (("spec", "replicas"), "three", "refuses it"),                                                 # not a number: the schema
    (("spec", "selector", "matchLabels"), {"app": "flights"}, "selector must match the pods' labels"),
    (C + ("resources", "requests", "memory"), "384M", "requests: 250m CPU, 384Mi memory"),         # MB, not MiB
    (C + ("securityContext", "runAsNonRoot"), None, "refuses root"),
])
def test_q1_deployment_names_the_mistake(path, value, message):
    with pytest.raises(AssertionError, match=message):
        _run("q1_deployment", deployment=_edit(DEP, path, value))
    _run("q1_deployment", deployment=DEP)


HPA = _solution("q2_hpa")["hpa"]
T = ("spec", "metrics", 0, "resource", "target")


@pytest.mark.parametrize("path, value, message", [
    (("spec", "minReplicas"), 1, "minReplicas below the Deployment's 3"),
    (T, {"type": "AverageValue", "averageValue": "700m"}, "CPU utilisation"),
    (("spec", "scaleTargetRef", "kind"), "Pod", "target the Deployment"),
    (T + ("averageUtilization",), 0.7, "refuses it"),                    # a share instead of a percentage
])
def test_q2_hpa_names_the_mistake(path, value, message):
    with pytest.raises(AssertionError, match=message):
        _run("q2_hpa", hpa=_edit(HPA, path, value))
    _run("q2_hpa", hpa=HPA)


STEP = _solution("q3_step")["canary_step"]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from mlopslab.config import get_config
    wf = yaml.safe_load(ci.workflow_path().read_text()); wf["on"] = wf.pop(True)
    return {"WORKFLOW": wf, "cfg": get_config(workspace=tmp_path_factory.mktemp("ws"))}


@pytest.mark.parametrize("change, message", [
    ({"run": 'mlopslab loadtest "http://127.0.0.1:$STAGING_PORT" --users 4 --duration 5'}, "without --slo the step passes"),
    ({"run": 'mlopslab loadtest "http://127.0.0.1:$STAGING_PORT" --users 4 --duration 5 --slo "p50<=100ms,errors<=0.1%"'}, "p99 at most 100 ms"),
    ({"if": "${{ always() }}"}, "runs only when every step before it passed"),
    ({"run": 'curl -fsS "http://127.0.0.1:$STAGING_PORT/ready"'}, "every pipeline step is an mlopslab command"),
    ({"id": "load"}, "stages missing"),
])
def test_q3_step_names_the_mistake(env, change, message):
    with pytest.raises(AssertionError, match=message):
        _run("q3_step", canary_step=STEP | change, **env)
    _run("q3_step", canary_step=STEP, **env)


class _Client:
    "The registry after the roll-back: champion and staging on v1, challenger v2."
    def get_model_version_by_alias(self, name, alias):
        return type("MV", (), {"version": {"champion": "1", "staging": "1", "challenger": "2"}[alias]})()


@pytest.mark.parametrize("values, message", [
    ({"staging_version": 2}, "staging serves the champion's version again"),     # read before the roll-back
    ({"champion_version": 2, "staging_version": 2}, "it never became champion"),
    ({"failed_step": "roll back"}, "first step that failed"),
])
def test_q4_rollback_names_the_mistake(values, message):
    right = {"staging_version": 1, "champion_version": 1, "failed_step": "canary"}
    ns = {"client": _Client(), "MODEL": "week09-delay", "run": {"failed": "canary"}}
    with pytest.raises(AssertionError, match=message):
        _run("q4_rollback", **ns, **(right | values))
    _run("q4_rollback", **ns, **right)

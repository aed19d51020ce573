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
    ns = {"IMAGE": IMAGE}
    exec(_cell("exercise", question), ns)
    return ns


def _run(question: str, **ns):
    exec(compile(_cell("check", question), question, "exec"), {"yaml": yaml, "k8s": k8s, "ci": ci, "copy": copy, "IMAGE": IMAGE, **ns})


DEP = _solution("q1_deployment")["deployment"]


@pytest.mark.parametrize("old, new, message", [
    ("path: /ready", "path: /healthz", "readiness on /health sends traffic"),    # readiness swapped ...
    ("path: /health", "path: /ready", "liveness on /ready restarts a pod"),     # ... or liveness swapped
    ("replicas: 3", "replicas: three", "refuses it"),                            # not a number: the schema
    ("matchLabels: {app: flights-delay}", "matchLabels: {app: flights}", "selector must match the pods' labels"),
    ("requests: {cpu: 250m, memory: 384Mi}", "requests: {cpu: 250m, memory: 384M}", "requests: 250m CPU, 384Mi memory"),   # MB, not MiB
    ("runAsNonRoot: true, ", "", "refuses root"),
])
def test_q1_deployment_names_the_mistake(old, new, message):
    wrong = DEP.replace(old, new, 1)
    if old == "path: /ready":                                # both probes on /health: readiness on the liveness path
        wrong = DEP.replace("readinessProbe: {httpGet: {path: /ready", "readinessProbe: {httpGet: {path: /health")
    if old == "path: /health":
        wrong = DEP.replace("livenessProbe: {httpGet: {path: /health", "livenessProbe: {httpGet: {path: /ready")
    assert wrong != DEP
    with pytest.raises(AssertionError, match=message):
        _run("q1_deployment", deployment=wrong)
    _run("q1_deployment", deployment=DEP)


HPA = _solution("q2_hpa")["hpa"]


@pytest.mark.parametrize("old, new, message", [
    ("minReplicas: 3", "minReplicas: 1", "minReplicas below the Deployment's 3"),
    ("type: Utilization, averageUtilization: 70", "type: AverageValue, averageValue: 700m", "CPU utilisation"),
    ("kind: Deployment", "kind: Pod", "target the Deployment"),
    ("averageUtilization: 70", "averageUtilization: 0.7", "refuses it"),         # a share instead of a percentage
])
def test_q2_hpa_names_the_mistake(old, new, message):
    with pytest.raises(AssertionError, match=message):
        _run("q2_hpa", hpa=HPA.replace(old, new, 1))
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

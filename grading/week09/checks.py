"""Hidden checks of week 9 (never shipped): the Deployment and the autoscaler (parsed as YAML data and validated
against the Kubernetes schema by the grader), the canary step (checked against the pipeline's rules and the SLO
parser, never run), and the registry's aliases after the roll-back, read from the submission's MLflow database."""
import yaml
from mlopslab.course.checks import hidden

IMAGE = "localhost/mlopslab-server:flights-delay-v3"
MODEL = "week09-delay"


def _yaml(ctx, name):
    text = ctx.value(name)
    assert isinstance(text, str), f"{name} is not a YAML text"
    try: doc = yaml.safe_load(text)
    except yaml.YAMLError: raise AssertionError(f"{name} is not valid YAML") from None
    assert isinstance(doc, dict), f"{name} is not one YAML mapping"
    from mlopslab.deploy.k8s import schema_errors
    errors = schema_errors(doc)
    assert not errors, f"{name} does not validate against the Kubernetes schema"
    return doc


@hidden("q1_deployment", record=["deployment"])
def deployment_as_asked(ctx):
    "the Deployment validates and has 3 replicas of the image, readiness on /ready, liveness on /health, the requests, limits and security context asked for"
    d = _yaml(ctx, "deployment")
    assert d.get("kind") == "Deployment" and d["metadata"].get("name") == "flights-delay" and d["metadata"].get("namespace") == "flights-production", "not the Deployment flights-delay in flights-production"
    assert d["spec"].get("replicas") == 3, "replicas is not 3"
    assert d["spec"]["selector"].get("matchLabels") == d["spec"]["template"]["metadata"].get("labels") == {"app": "flights-delay"}, "selector and pod labels are not app: flights-delay"
    c = d["spec"]["template"]["spec"]["containers"][0]
    get = lambda probe: ((c.get(probe) or {}).get("httpGet") or {}).get("path")
    assert c.get("image") == IMAGE, "the image is not IMAGE"
    assert get("readinessProbe") == "/ready" and get("livenessProbe") == "/health", "the probes are not readiness /ready and liveness /health"
    r = c.get("resources") or {}
    assert r.get("requests") == {"cpu": "250m", "memory": "384Mi"} and str((r.get("limits") or {}).get("cpu")) == "1" and (r.get("limits") or {}).get("memory") == "768Mi", "requests or limits are not as asked"
    sc = c.get("securityContext") or {}
    assert sc.get("runAsNonRoot") is True and sc.get("readOnlyRootFilesystem") is True, "the security context does not refuse root with a read-only root file system"


@hidden("q2_hpa", record=["hpa"])
def hpa_as_asked(ctx):
    "the autoscaler validates, targets the Deployment and scales 3-10 at 70 % average CPU utilisation"
    h = _yaml(ctx, "hpa")
    assert h.get("kind") == "HorizontalPodAutoscaler" and h.get("apiVersion") == "autoscaling/v2", "not an autoscaling/v2 HorizontalPodAutoscaler"
    s = h["spec"]
    assert (s.get("scaleTargetRef") or {}).get("kind") == "Deployment" and s["scaleTargetRef"].get("name") == "flights-delay", "it does not target the Deployment flights-delay"
    assert s.get("minReplicas") == 3 and s.get("maxReplicas") == 10, "it does not scale between 3 and 10"
    t = [m["resource"]["target"] for m in s.get("metrics", []) if m.get("type") == "Resource" and m["resource"].get("name") == "cpu"]
    assert t and t[0].get("type") == "Utilization" and t[0].get("averageUtilization") == 70, "it does not keep CPU utilisation at 70 %"


@hidden("q3_step", record=["canary_step"])
def canary_step_as_asked(ctx):
    "the canary step fits the course's workflow (pipeline rules) and load-tests staging 5 s with 4 users against p99<=100ms, errors<=0.1%"
    from mlopslab.deploy import ci, loadtest
    step = ctx.value("canary_step")
    assert isinstance(step, dict) and isinstance(step.get("run"), str), "canary_step is not a step with a run command"
    assert step.get("id") == "canary" and "failure()" not in str(step.get("if", "")) and "always()" not in str(step.get("if", "")), "the step's id is not canary, or it runs after a failure"
    wf = yaml.safe_load(ci.workflow_path().read_text())
    steps = wf["jobs"]["pipeline"]["steps"]
    steps[next(i for i, s in enumerate(steps) if s.get("id") == "canary")] = step
    assert not ci.pipeline_rules(wf), "the workflow with this step breaks the pipeline's rules"
    words = step["run"].replace('"', " ").replace("'", " ").split()
    assert words[:2] == ["mlopslab", "loadtest"] and "$STAGING_PORT" in step["run"] and "127.0.0.1" in step["run"], "the step does not load-test the staging server"
    assert "--slo" in words, "the step has no SLO"
    slo = {m: (op, v) for m, op, v in loadtest.parse_slo(words[words.index("--slo") + 1])}
    assert slo.get("p99") == ("<=", 100.0) and slo.get("errors") == ("<=", 0.001), "the SLO is not p99<=100ms and errors<=0.1%"
    assert words[words.index("--duration") + 1] == "5" and words[words.index("--users") + 1] == "4", "not 5 seconds with 4 users"


@hidden("q4_rollback", record=["staging_version", "champion_version", "failed_step"])
def rolled_back_in_the_registry(ctx):
    "the registry shows staging back on the champion (v1), the challenger (v2) not promoted, and the canary named as the failing step"
    aliases = dict(ctx.sql("SELECT alias, version FROM registered_model_aliases WHERE name = ?", MODEL))
    assert aliases.get("champion") == 1 and aliases.get("staging") == 1 and aliases.get("challenger") == 2, "the registry's aliases do not show staging rolled back to the champion"
    assert ctx.value("staging_version") == 1 and ctx.value("champion_version") == 1, "staging_version or champion_version is not what the registry says"
    assert ctx.value("failed_step") == "canary", "failed_step is not the step that stopped the release"

"""Kubernetes manifests: the committed variants are what `manifests` renders, they validate against the Kubernetes
schema offline and pass checkov (each skip with its reason), carry probes/resources/security context, and the
staging Deployment runs locally with `podman kube play` where podman runs."""
import json, urllib.request
import yaml
import pytest
from conftest import ROOT, run_cli
from mlopslab.deploy import k8s
from deploy_helpers import CACHE, NAME, environ, image, registry  # noqa: F401  (fixtures)


def test_committed_manifests_are_the_rendered_ones(tmp_path):
    res = k8s.render(out=tmp_path)
    for variant, f in res["files"].items():
        assert (ROOT/"infra/k8s"/f"{variant}.yaml").read_text() == open(f).read(), f"infra/k8s/{variant}.yaml is stale: mlopslab k8s render --out infra/k8s"


def test_every_manifest_validates_and_passes_checkov_with_reasons():
    res = k8s.validate(ROOT/"infra/k8s")
    assert all(not r["errors"] for r in res["files"].values()), res["files"]
    assert sum(r["documents"] for r in res["files"].values()) == 15
    scan = res["checkov"]
    if scan.get("missing"): pytest.skip(scan["missing"])
    assert res["ok"] and scan["ok"] and scan["passed"] > 200, scan
    assert len(scan["skipped"]) == 6 and all(len(x.split(": ", 1)[1]) > 20 for x in scan["skipped"]), scan["skipped"]   # each with its reason


def test_variants_carry_probes_resources_security_and_the_canary_share():
    docs = {v: {d["kind"]: d for d in yaml.safe_load_all((ROOT/"infra/k8s"/f"{v}.yaml").read_text())} for v in k8s.VARIANTS}
    for v, by in docs.items():
        pod = by["Deployment"]["spec"]["template"]["spec"]; c = pod["containers"][0]
        assert {"startupProbe", "readinessProbe", "livenessProbe"} <= set(c) and c["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert c["resources"]["requests"] and c["resources"]["limits"]
        assert pod["securityContext"]["runAsNonRoot"] and c["securityContext"]["readOnlyRootFilesystem"] and c["securityContext"]["capabilities"]["drop"] == ["ALL"]
    prod, canary = docs["production"], docs["canary"]
    assert prod["PodDisruptionBudget"]["spec"]["minAvailable"] == 2 and prod["HorizontalPodAutoscaler"]["spec"]["minReplicas"] == 3
    sel = prod["Service"]["spec"]["selector"]
    assert all(canary["Deployment"]["spec"]["template"]["metadata"]["labels"][k] == v for k, v in sel.items())   # the Service reaches the canary
    assert canary["Deployment"]["metadata"]["namespace"] == prod["Service"]["metadata"]["namespace"]
    assert canary["Deployment"]["spec"]["template"]["spec"]["containers"][0]["image"] != prod["Deployment"]["spec"]["template"]["spec"]["containers"][0]["image"]


def test_a_broken_manifest_fails_naming_the_field(tmp_path):
    def broken(name, change):
        docs = list(yaml.safe_load_all((ROOT/"infra/k8s/staging.yaml").read_text()))
        change(next(d for d in docs if d["kind"] == "Deployment"))
        (tmp_path/name).write_text(k8s.to_yaml(docs))
    broken("a.yaml", lambda d: d["spec"].update(replicas="three"))                       # a wrong type
    broken("b.yaml", lambda d: d["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGet"].update(pathh="/health"))  # a typo
    r = run_cli("k8s", "validate", str(tmp_path), "--no-scan")
    assert r.returncode == 1 and r.stdout.count("FAILED") == 2, r.stdout
    assert "spec.replicas: 'three' is not of type 'integer'" in r.stdout and "'pathh' was unexpected" in r.stdout, r.stdout
    ok = run_cli("k8s", "validate", str(ROOT/"infra/k8s"), "--no-scan")
    assert ok.returncode == 0 and ok.stdout.count("ok ") == 3, ok.stdout


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_staging_runs_with_podman_kube_play(image):
    from mlopslab.deploy.stack import free_port
    port = free_port()
    with environ({"MLOPSLAB_CONTAINER_CACHE": str(CACHE)}):
        try:
            res = k8s.play(image["tag"], "staging", port=port)
            with urllib.request.urlopen(res["url"] + "/metadata", timeout=10) as r: meta = json.loads(r.read())
            assert meta["name"] == NAME and meta["version"] == "1" and meta["max_batch"] == 1000   # the ConfigMap's env reached the pod
        finally:
            gone = k8s.down("staging")
    assert gone["removed"]

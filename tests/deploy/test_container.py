"""The model server's image: pinned and linted everywhere; where podman runs (as root, with runc), built once per
session from the cached Debian base, run on 127.0.0.1, checked for readiness, parity with the registered model, a
non-root user, its HEALTHCHECK, and a bounded load test through it."""
import csv, json, os, re, shutil, urllib.request
import pytest
from conftest import ROOT, run_cli
from mlopslab.config import tool_env
from mlopslab.deploy import container
from deploy_helpers import CACHE, NAME, environ, image, payload, registry  # noqa: F401  (fixtures)

def _pins(path):
    return {m[1].lower().replace("_", "-"): m[2] for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", path.read_text(), re.M)}


def test_image_requirements_are_pinned_as_in_constraints():
    image, pinned = _pins(ROOT/"infra/container/requirements.txt"), _pins(ROOT/"constraints.txt")
    assert image and all(pinned.get(k) == v for k, v in image.items()), {k: (v, pinned.get(k)) for k, v in image.items() if pinned.get(k) != v}


def test_dockerfile_passes_hadolint_and_checkov():
    res = container.lint()
    assert res["hadolint"]["ok"] is True, res["hadolint"]
    if res["checkov"].get("missing"): pytest.skip(res["checkov"]["missing"])
    assert res["checkov"]["ok"] and res["checkov"]["passed"] > 10, res["checkov"]
    text = (ROOT/"infra/container/Dockerfile").read_text()
    assert "USER 10001" in text and "HEALTHCHECK" in text and text.count("FROM ") == 2   # non-root, healthcheck, multi-stage


def test_without_an_engine_the_build_says_so_in_one_line_and_still_lints(monkeypatch, workspace, capsys):
    real = shutil.which
    monkeypatch.setattr(container.shutil, "which", lambda n, *a, **k: None if n == "podman" else real(n, *a, **k))
    res = container.build("models:/flights-delay@champion")
    assert res["skipped"].startswith("no container engine here") and "static checks still run" in res["skipped"]
    code = container.print_build(res)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == res["skipped"] and out[1].startswith("hadolint: ok") and code == 0


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as r: return json.loads(r.read())


def _post(url, body):
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r: return json.loads(r.read())


@pytest.mark.slow
@pytest.mark.timeout(1200)   # the first build of a session (base image cached: ~1-2 min; from scratch: +2-3 min)
def test_container_serves_the_registered_model_and_takes_load(image, registry, tmp_path):
    from mlopslab.deploy.stack import free_port
    cfg, models, X = registry
    assert image["size_mb"] < 1000 and image["model"] == f"{NAME}/1"
    with environ({"MLOPSLAB_CONTAINER_CACHE": str(CACHE)}):
        run = container.run(image["tag"], port=free_port(), name="mlopslab-test-server")
        try:
            url = run["url"]
            assert run["healthcheck"] == "healthy", run
            ready, meta = _get(url + "/ready"), _get(url + "/metadata")
            assert ready["ready"] and ready["model_version"] == f"{NAME}/1" and meta["alias"] == "champion"
            got = _post(url + "/predict", payload(X, 50))["probabilities"]
            want = models["1"].predict_proba(X.head(50))[:, 1]
            assert max(abs(a - b) for a, b in zip(got, want)) <= 1e-5              # the image scores as the registry's model
            user = container.podman(container.engine()[0], "exec", run["name"], "id", "-u").stdout.strip()
            assert user == "10001"                                                 # not root inside
            lt = run_cli("loadtest", url, "--users", "4", "--duration", "5", "--rows", "10", "--slo", "p99<=2s,errors<=0%",
                         "--csv", str(tmp_path/"c.csv"), env=tool_env(cfg))
            assert lt.returncode == 0, lt.stdout[-2000:] + lt.stderr[-2000:]
            res = next(csv.DictReader(open(tmp_path/"c.csv")))
            print(f"through the container: {float(res['rps']):.0f} RPS, p50 {res['p50_ms']} ms, p99 {res['p99_ms']} ms "
                  f"(10 rows a request, 4 users, 5 s; image {image['size_mb']} MB)")
            assert int(res["requests"]) > 20 and int(res["failures"]) == 0
        finally:
            container.stop("mlopslab-test-server")
    with environ({"MLOPSLAB_CONTAINER_CACHE": str(CACHE)}):
        assert container.podman(container.engine()[0], "container", "exists", "mlopslab-test-server", check=False).returncode == 1

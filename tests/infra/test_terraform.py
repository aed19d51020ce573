"Terraform modules under infra/ and the mlopslab.infra driver: structure, errors, and the real local lifecycle."
import json, os, re, subprocess, sys, time, urllib.request
from pathlib import Path
import pytest, yaml
from conftest import ROOT, BIN, run_cli
from mlopslab import infra
from mlopslab.infra import modules, terraform
from mlopslab.deploy import stack
from mlopslab.config import get_config
from mlopslab.errors import InfraError

INFRA = ROOT/"infra"
TARGETS = ["local", "chameleon", "gcp", "aws"]
CLOUDS = ["chameleon", "gcp", "aws"]
OUTPUTS = {"vm_address", "jupyter_url", "mlflow_url", "bucket", "ssh", "tags"}
needs_terraform = pytest.mark.skipif(infra.terraform_bin() is None, reason=infra.missing_terraform_message())

# Resources that must carry owner/course/expires, and the attribute holding them.
TAGGED = {
    "local": {"terraform_data.bucket": "input", "terraform_data.stack": "input"},
    "chameleon": {"openstack_compute_instance_v2.node": "metadata",
                  "openstack_objectstorage_container_v1.artifacts": "metadata",
                  "openstack_networking_secgroup_v2.course": "tags", "openstack_networking_floatingip_v2.course": "tags"},
    "gcp": {"google_compute_instance.course": "labels", "google_storage_bucket.artifacts": "labels"},
    "aws": {"aws_instance.course": "tags", "aws_s3_bucket.artifacts": "tags", "aws_security_group.course": "tags",
            "aws_key_pair.course": "tags", "aws_iam_role.vm": "tags"},
}


@pytest.fixture
def cfg(workspace):
    return get_config(workspace=workspace)


# ---------------------------------------------------------------- module structure (no Terraform needed)
@pytest.mark.parametrize("target", TARGETS)
def test_module_layout_and_docs(target):
    d = INFRA/target
    for f in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"):
        assert (d/f).exists(), f"infra/{target}/{f} is missing"
    mod = infra.read_module(d)
    assert mod["variables"] and all(v.get("description") for v in mod["variables"].values()), "every variable has a description"
    assert {"owner", "expires"} <= set(infra.required_variables(mod)), "owner and expires must be set by the caller"
    assert OUTPUTS <= set(mod["outputs"]), f"missing outputs: {OUTPUTS - set(mod['outputs'])}"
    assert all(o.get("description") for o in mod["outputs"].values())
    assert mod["required_version"] and ">=" in mod["required_version"]


@pytest.mark.parametrize("target", CLOUDS)
def test_cloud_providers_pinned_and_credentials_not_variables(target):
    mod = infra.read_module(INFRA/target)
    assert mod["required_providers"], "a cloud module declares its provider"
    for name, p in mod["required_providers"].items():
        assert re.fullmatch(r"= \d+\.\d+\.\d+", p["version"]), f"{name} is pinned to an exact version, got {p['version']!r}"
    secretish = re.compile(r"secret|password|token|access_key|credential", re.I)
    assert not [v for v in mod["variables"] if secretish.search(v)], "credentials are never Terraform variables"
    assert {"allowed_cidr", "ssh_public_key"} <= set(infra.required_variables(mod))


def test_local_needs_no_provider():
    mod = infra.read_module(INFRA/"local")
    assert mod["required_providers"] == {} and mod["providers"] == {}
    assert set(mod["resources"]) and all(r.startswith("terraform_data.") for r in mod["resources"])
    text = (INFRA/"local"/"main.tf").read_text()
    assert "mlopslab.cli stack up" in text and "mlopslab.cli stack down" in text and "when    = destroy" in text


@pytest.mark.parametrize("target", TARGETS)
def test_resources_carry_owner_course_expiry(target):
    mod = infra.read_module(INFRA/target)
    text = (INFRA/target/"main.tf").read_text()
    locals_block = re.search(r"locals \{(.*?)\n\}", text, re.S).group(1)
    name = "labels" if "labels = {" in locals_block else "tags"
    body = re.search(rf"\b{name} = \{{(.*?)\}}", locals_block, re.S).group(1)
    assert {"owner", "course", "expires"} <= set(re.findall(r"(\w+)\s*=", body))
    for res, attr in TAGGED[target].items():
        value = json.dumps(mod["resources"][res].get(attr))
        assert re.search(rf"local\.({name}|tags|tag_list)\b", value), f"{res}.{attr} does not carry local.{name}"
    if "tag_list" in text:
        assert re.search(r"tag_list\s*=\s*\[for k, v in local\.labels", text), "tag_list is built from local.labels"
    if target in ("gcp", "aws"):
        prov = json.dumps(mod["providers"])
        assert all(k in prov for k in ("owner", "course", "expires")), "provider-wide default labels/tags are set"


@pytest.mark.parametrize("target", CLOUDS)
def test_ingress_only_from_allowed_cidr(target):
    mod = infra.read_module(INFRA/target)
    ingress = {k: v for k, v in mod["resources"].items()
               if any(s in k for s in ("ingress", "secgroup_rule", "firewall"))}
    assert ingress, "the module defines ingress rules"
    for k, v in ingress.items():
        src = json.dumps(v)
        assert "0.0.0.0/0" not in src and "::/0" not in src, f"{k} is open to the internet"
        assert "var.allowed_cidr" in src, f"{k} takes its source from var.allowed_cidr"
    cond = json.dumps(mod["variables"]["allowed_cidr"]["validation"])
    assert "0.0.0.0/0" in cond, "allowed_cidr rejects the whole internet"


def test_cloud_init_renders_for_every_cloud():
    tpl = (INFRA/"cloud-init"/"course.yaml.tftpl").read_text()
    names = set(re.findall(r"\$\{(\w+)\}", tpl))
    for target in CLOUDS:
        text = (INFRA/target/"main.tf").read_text()
        call = re.search(r"templatefile\(.*?course\.yaml\.tftpl\", \{(.*?)\n  \}\)", text, re.S).group(1)
        given = set(re.findall(r"^\s*(\w+)\s*=", call, re.M))
        assert names == given, f"{target}: template needs {sorted(names - given)}, gives unused {sorted(given - names)}"
    rendered = re.sub(r"\$\{(\w+)\}", lambda m: {"mlflow_port": "5000", "jupyter_port": "8888"}.get(m.group(1), "x"), tpl)
    doc = yaml.safe_load(rendered)
    units = [f["path"] for f in doc["write_files"]]
    assert "/etc/systemd/system/mlflow.service" in units and "/etc/systemd/system/jupyterlab.service" in units
    steps = json.dumps(doc["runcmd"])
    assert "git" in steps and "constraints.txt" in steps and "enable" in steps


def test_price_sheet_documents_source_and_date():
    prices = infra.load_prices(INFRA/"prices.yaml")
    assert prices["source"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(prices["date"]))
    for t in TARGETS:
        assert any(i["target"] == t and i["item"] == "vm" for i in prices["items"]), f"{t} has a vm price"
    rows = infra.estimate("gcp", 730, prices=prices)
    by = {r["item"]: r for r in rows}
    assert by["vm"]["usd"] == pytest.approx(730 * by["vm"]["usd_per_unit"], rel=1e-6)
    assert by["disk"]["usd"] == pytest.approx(by["disk"]["quantity"] * by["disk"]["usd_per_unit"], rel=1e-6), "730 h is one month of storage"
    with pytest.raises(InfraError, match="negative"): infra.estimate("aws", -1, prices=prices)


def test_cost_cli_prints_a_table(workspace):
    r = run_cli("infra", "cost", "--target", "aws", "--hours", "3")
    assert r.returncode == 0, r.stderr
    assert "t3.xlarge" in r.stdout and "total for 3 h" in r.stdout and "2024-12-01" in r.stdout


# ---------------------------------------------------------------- errors that say what is missing
def test_wrong_target_is_named(workspace):
    r = run_cli("infra", "plan", "--target", "azure")
    assert r.returncode == 2 and "unknown target 'azure'" in r.stderr and "local, chameleon, gcp, aws" in r.stderr
    assert "Traceback" not in r.stderr


def test_missing_variables_are_named(cfg):
    with pytest.raises(InfraError) as e: modules.resolve_vars("chameleon", {"allowed_cidr": "203.0.113.7/32"}, cfg)
    msg = str(e.value)
    assert "reservation_id" in msg and "python-chi" in msg
    with pytest.raises(InfraError, match="no variable colour"): modules.resolve_vars("local", {"colour": "red"}, cfg)


@pytest.mark.parametrize("target,where", [("aws", "~/.aws/credentials"), ("gcp", "application_default_credentials.json"),
                                          ("chameleon", "clouds.yaml")])
def test_missing_credentials_name_their_source(target, where, workspace, tmp_path, monkeypatch):
    for k in list(os.environ):
        if k.startswith(("AWS_", "OS_", "GOOGLE_", "CLOUDSDK_")): monkeypatch.delenv(k)
    monkeypatch.setenv("HOME", str(tmp_path/"home"))
    extra = {"gcp": ["--var", "project=p"], "chameleon": ["--var", "reservation_id=6f3c9d0e-1a2b-4c5d-8e9f-0a1b2c3d4e5f"]}.get(target, [])
    r = run_cli("infra", "plan", "--target", target, "--var", "allowed_cidr=203.0.113.7/32",
                "--var", "ssh_public_key=ssh-ed25519 AAAA t", *extra)
    if infra.terraform_bin() is None:
        assert "terraform not found" in r.stderr; return
    assert r.returncode == 2 and f"no credentials for target '{target}'" in r.stderr and where in r.stderr, r.stderr
    assert not list((workspace/"infra"/target).glob("*.tfstate")), "nothing was created"


def test_without_terraform_one_clear_line(workspace, monkeypatch):
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("MLOPSLAB_TERRAFORM", raising=False)
    assert infra.terraform_bin() is None
    r = subprocess.run([str(BIN/"python"), "-m", "mlopslab.cli", "infra", "apply", "--target", "local", "--auto-approve"],
                       capture_output=True, text=True, cwd=ROOT, env={**os.environ})
    assert r.returncode == 2
    first = r.stderr.splitlines()[0]
    assert first.startswith("error: terraform not found on PATH") and "developer.hashicorp.com" in first and "opentofu" in first.lower()
    assert first == "error: " + infra.missing_terraform_message(), "the command line prints the one line the skipped tests name" 
    # cost estimates need no Terraform
    assert run_cli("infra", "cost", "--target", "gcp", "--hours", "1", env={"PATH": ""}).returncode == 0


def test_output_before_apply_says_so(cfg):
    with pytest.raises(InfraError, match="nothing applied"): infra.output("local", cfg)


FAKE_TF = """#!/bin/sh
# a stand-in terraform: init works, plan fails like an unreachable cloud and echoes a secret
case "$1" in
  init) echo "Terraform has been successfully initialized!"; exit 0;;
  plan) echo "password was $OS_PASSWORD"; echo ""; echo "Error: error creating EC2 client: dial tcp: lookup ec2.us-east-1.amazonaws.com: no such host"; exit 1;;
esac
exit 3
"""


def test_unreachable_cloud_surfaces_terraform_error_and_hides_secrets(cfg, tmp_path, monkeypatch):
    fake = tmp_path/"terraform"; fake.write_text(FAKE_TF); fake.chmod(0o755)
    monkeypatch.setenv("MLOPSLAB_TERRAFORM", str(fake))
    monkeypatch.setenv("AWS_PROFILE", "course")
    monkeypatch.setenv("OS_PASSWORD", "s3cr3t-value")
    seen = []
    with pytest.raises(InfraError) as e:
        infra.plan("aws", {"allowed_cidr": "203.0.113.7/32", "ssh_public_key": "ssh-ed25519 AAAA t"}, cfg, progress=seen.append)
    msg = str(e.value)
    assert "Error: error creating EC2 client" in msg and "unreachable" in msg and "no resource was created" in msg
    everything = msg + "\n".join(seen) + terraform._log_path(cfg, "aws").read_text() + \
        "".join(p.read_text() for p in (cfg.workspace/"infra"/"aws").glob("*.json"))
    assert "s3cr3t-value" not in everything and "***" in "\n".join(seen)


def test_cli_destroy_with_nothing_applied(workspace):
    "No Terraform is needed to learn that nothing is there; `--var` and `--auto-approve` are accepted."
    r = run_cli("infra", "destroy", "--target", "local", "--auto-approve", "--var", "owner=ada", "--var", "expires=2026-12-08")
    assert r.returncode == 0 and "destroyed 0 resources of 'local'" in r.stdout, r.stderr


# ---------------------------------------------------------------- Terraform itself
@needs_terraform
def test_terraform_fmt_clean():
    r = subprocess.run([infra.terraform_bin(), "fmt", "-check", "-recursive", "-diff", str(INFRA)], capture_output=True, text=True,
                       env={**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null", "CHECKPOINT_DISABLE": "1"})
    assert r.returncode == 0, f"terraform fmt would change:\n{r.stdout}"


def _health(url: str) -> int|None:
    try:
        with urllib.request.urlopen(url + "/health", timeout=3) as r: return r.status
    except Exception: return None


@pytest.mark.slow
@needs_terraform
def test_local_apply_and_destroy_for_real(cfg):
    cfg = get_config(workspace=cfg.workspace, mlflow_port=stack.free_port())   # a port of its own: other suites may use 5000
    t0 = time.monotonic()
    outs = infra.apply("local", {"owner": "tester"}, cfg, auto_approve=True, progress=None)
    t_apply = time.monotonic() - t0
    try:
        assert OUTPUTS <= set(outs) and outs["tags"]["owner"] == "tester"
        assert _health(outs["mlflow_url"]) == 200, "MLflow answers at the output URL"
        assert [s["name"] for s in stack.status(cfg)] == ["mlflow"]
        pid = stack.status(cfg)[0]["pid"]
        bucket = Path(outs["bucket"].removeprefix("file://"))
        assert bucket.is_dir() and "owner=tester" in (bucket/".tags").read_text()
        assert sorted(infra.state_resources("local", cfg)) == ["terraform_data.bucket", "terraform_data.stack"]
        assert infra.output("local", cfg) == outs
        assert not list((ROOT/"infra").rglob("*.tfstate")) and not (ROOT/"infra"/"local"/".terraform").exists(), "nothing runs inside infra/"
    finally:
        t1 = time.monotonic()
        gone = infra.destroy("local", cfg=cfg, auto_approve=True, progress=None)
        t_destroy = time.monotonic() - t1
    assert sorted(gone) == ["terraform_data.bucket", "terraform_data.stack"]
    assert stack.status(cfg) == [] and not stack._alive(pid), "MLflow's process group is gone"
    assert _health(outs["mlflow_url"]) is None, "nothing answers at its URL"
    assert not bucket.exists()
    assert not list(cfg.workspace.rglob("*.tfstate*")) and not modules.run_dir("local", cfg).exists(), "no state left behind"
    print(f"local apply {t_apply:.1f} s, destroy {t_destroy:.1f} s")


@pytest.mark.slow
@needs_terraform
def test_failed_apply_lists_what_to_destroy(cfg):
    with pytest.raises(InfraError) as e:
        infra.apply("local", {"owner": "tester", "services": '["nosuch"]'}, cfg, auto_approve=True, progress=None)
    msg = str(e.value)
    assert "already created and still there: terraform_data.bucket" in msg
    assert "mlopslab infra destroy --target local" in msg and "unknown service" in msg
    # the stack resource whose provisioner failed is kept in the state as tainted, and destroyed too
    assert sorted(infra.destroy("local", cfg=cfg, auto_approve=True, progress=None)) == ["terraform_data.bucket", "terraform_data.stack"]
    assert infra.state_resources("local", cfg) == []


@needs_terraform
def test_apply_needs_approval_when_unattended(cfg):
    with pytest.raises(InfraError, match="not approved"):
        infra.apply("local", {"owner": "tester"}, cfg, auto_approve=False, progress=None)
    assert infra.state_resources("local", cfg) == [] and stack.status(cfg) == []


@pytest.mark.slow
def test_checkov_scan_has_no_failures():
    venv = ROOT/".venv-checkov"
    if not (venv/"bin"/"checkov").exists():
        pytest.skip("checkov is not installed: run `make test` or `bash infra/scan.sh --install-only` (it creates .venv-checkov)")
    r = subprocess.run(["bash", str(INFRA/"scan.sh")], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0 and "Failed checks: 0" in r.stdout, r.stdout[-3000:] + r.stderr[-2000:]
    for f in INFRA.rglob("*.tf"):
        for skip in re.findall(r"#checkov:skip=([^\n]*)", f.read_text()):
            assert re.fullmatch(r"CKV2?_[A-Z]+_\d+:.{20,}", skip), f"{f}: every skip carries a written reason: {skip!r}"


@pytest.mark.slow
@needs_terraform
def test_provisioned_destroys_even_when_the_block_fails(cfg):
    with pytest.raises(RuntimeError, match="student bug"):
        with infra.provisioned("local", {"owner": "tester"}, cfg, progress=None) as outs:
            assert _health(outs["mlflow_url"]) == 200
            raise RuntimeError("student bug")
    assert stack.status(cfg) == [] and infra.state_resources("local", cfg) == [] and _health(outs["mlflow_url"]) is None


@pytest.mark.slow
@needs_terraform
def test_destroy_at_exit_cleans_up_when_the_process_ends(cfg):
    code = ("from mlopslab import infra; from mlopslab.config import get_config; cfg = get_config();"
            "infra.destroy_at_exit('local', cfg); outs = infra.apply('local', {'owner': 'tester'}, cfg, auto_approve=True, progress=None);"
            "print(outs['mlflow_url']); raise SystemExit(1)  # a failing lab: no teardown cell runs")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert r.returncode == 1 and "destroying what 'local' left running" in r.stdout, r.stdout + r.stderr
    url = r.stdout.splitlines()[0]
    assert stack.status(cfg) == [] and infra.state_resources("local", cfg) == [] and _health(url) is None

"""CI/CD: the course project's workflow validates against GitHub's schema offline and the pipeline's rules (wrong
ones are named), and `mlopslab ci run` runs a workflow's mlopslab steps in order with a summary, runs the roll-back
step only after a failure, names the first failing step and exits 1."""
import yaml
from conftest import ROOT, run_cli
from mlopslab.deploy import ci

WF = ROOT/"infra/ci/mlops.yml"


def test_the_course_workflow_validates_and_holds_every_stage_in_order():
    r = run_cli("ci", "validate")
    assert r.returncode == 0 and "GitHub workflow schema ok; pipeline rules ok" in r.stdout, r.stdout + r.stderr
    wf = yaml.safe_load(WF.read_text())
    ids = [s.get("id") for s in ci.steps(wf) if s.get("id") in ci.STAGES]
    assert ids == list(ci.STAGES)
    runs = [s for s in ci.steps(wf) if "run" in s and not s["name"].startswith("setup")]
    assert runs and all(s["run"].startswith("mlopslab ") for s in runs)
    assert next(s for s in ci.steps(wf) if s.get("id") == "rollback")["if"] == "${{ failure() }}"


def _write(tmp_path, wf, name="wf.yml"):
    (tmp_path/name).write_text(yaml.safe_dump(wf, sort_keys=False)); return tmp_path/name


def test_wrong_workflows_are_named(tmp_path):
    wf = yaml.safe_load(WF.read_text())
    del wf["jobs"]["pipeline"]["runs-on"]                                   # GitHub's schema: a job needs runs-on
    r = run_cli("ci", "validate", "--workflow", str(_write(tmp_path, wf, "a.yml")))
    assert r.returncode == 1 and "GitHub workflow schema FAILED" in r.stdout and "runs-on" in r.stdout, r.stdout
    wf = yaml.safe_load(WF.read_text())
    st = wf["jobs"]["pipeline"]["steps"]
    next(s for s in st if s.get("id") == "test")["run"] = "pytest -q"      # not an mlopslab command
    r = run_cli("ci", "validate", "--workflow", str(_write(tmp_path, wf, "b.yml")))
    assert r.returncode == 1 and "step 'test' runs 'pytest': every pipeline step is an mlopslab command" in r.stdout, r.stdout
    wf = yaml.safe_load(WF.read_text())
    st = wf["jobs"]["pipeline"]["steps"]
    i, j = (next(k for k, s in enumerate(st) if s.get("id") == x) for x in ("gate", "register"))
    st[i], st[j] = st[j], st[i]                                             # register before the gate
    r = run_cli("ci", "validate", "--workflow", str(_write(tmp_path, wf, "c.yml")))
    assert r.returncode == 1 and "stages out of order" in r.stdout and "train -> register -> gate" in r.stdout, r.stdout


def test_ci_run_runs_in_order_rolls_back_and_names_the_first_failure(tmp_path, workspace):
    from mlopslab.deploy.k8s import manifests, to_yaml
    bad = manifests("img:1", "staging"); bad[1]["spec"]["replicas"] = "three"
    (tmp_path/"bad.yaml").write_text(to_yaml(bad))
    mark = tmp_path/"marks"
    step = lambda name, run, **kw: {"name": name, "run": run, **kw}
    wf = {"name": "t", "on": "push", "env": {"GOOD": str(ROOT/"infra/k8s"), "BAD": str(tmp_path/"bad.yaml")},
          "jobs": {"second": {"runs-on": "ubuntu-24.04", "needs": "first", "steps": [
                       step("after", "mlopslab k8s validate $GOOD --no-scan"),
                       step("roll back", f"mlopslab k8s validate $GOOD --no-scan && touch {mark}", **{"if": "${{ failure() }}"}),
                       step("always", "mlopslab image lint --help", **{"if": "${{ always() }}"})]},
                   "first": {"runs-on": "ubuntu-24.04", "steps": [
                       {"uses": "actions/checkout@v4"},
                       step("manifests", "mlopslab k8s validate $GOOD --no-scan"),
                       step("broken manifest", "mlopslab k8s validate $BAD --no-scan"),
                       step("never", "mlopslab k8s validate $GOOD --no-scan")]}}}
    r = run_cli("ci", "run", "--workflow", str(_write(tmp_path, wf)))
    lines = r.stdout.splitlines()
    assert r.returncode == 1, r.stdout + r.stderr
    table = {l.split("  ")[0].strip(): l for l in lines[1:8]}
    assert [l.split("  ")[0].strip() for l in lines[1:8]] == ["actions/checkout@v4", "manifests", "broken manifest", "never", "after", "roll back", "always"]
    assert " github " in table["actions/checkout@v4"] and " ok " in table["manifests"] and " FAILED " in table["broken manifest"]
    assert " skipped " in table["never"] and " skipped " in table["after"] and " ok " in table["roll back"] and " ok " in table["always"]
    assert mark.exists()                                                    # the roll-back step ran
    assert "spec.replicas" in r.stdout and lines[-1] == "first failing step: broken manifest"
    wf["jobs"]["first"]["steps"].pop(2)                                     # without the broken step: all pass, no roll back
    mark.unlink()
    r = run_cli("ci", "run", "--workflow", str(_write(tmp_path, wf)))
    assert r.returncode == 0 and r.stdout.splitlines()[-1] == "pipeline passed" and not mark.exists(), r.stdout

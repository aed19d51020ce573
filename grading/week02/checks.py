"Hidden checks of week 2 (never shipped): cloud cost, module variables, the HCL a student adds to the module, reading a plan, outputs, teardown."
import datetime as dt
import re
from mlopslab.course.checks import hidden, close

TARGETS = ("local", "chameleon", "gcp", "aws")


def _prices():
    from mlopslab import infra
    return infra.load_prices()


def _param(ctx, name, default):
    "A lab parameter as the notebook ran with it (the lab's defaults plus `grade -p`)."
    value = (ctx.params or {}).get(name, default)
    return value.strip("'\"") if isinstance(value, str) else value


@hidden("q1_semester_cost", record=["semester_cost", "break_even_days", "prediction"])
def semester_cost_matches_the_price_sheet(ctx):
    "semester_cost holds, per target, the price sheet's cost of sessions × hours of the course machine; break_even_days and the prediction match it"
    from mlopslab import infra
    assert ctx.has("semester_cost"), "`semester_cost` was not set"
    got = ctx.value("semester_cost")
    assert isinstance(got, dict) and set(got) == set(TARGETS), "semester_cost needs exactly the keys local, chameleon, gcp, aws"
    total_hours = float(_param(ctx, "sessions", 14)) * float(_param(ctx, "hours", 3))
    prices = ctx.cache("prices", _prices)
    for t in TARGETS:
        expected = sum(r["usd"] for r in infra.estimate(t, total_hours, prices=prices))
        assert isinstance(got[t], (int, float)), f"semester_cost[{t!r}] is not a number"
        assert close(float(got[t]), expected, 0.01), f"semester_cost[{t!r}] is not the non-optional items for sessions × hours"
    hourly = sum(r["usd"] for r in infra.estimate("aws", 1, prices=prices))
    days = sum(r["usd"] for r in infra.estimate("aws", total_hours, prices=prices)) / hourly / 24
    got_days = ctx.value("break_even_days")
    assert isinstance(got_days, float) and close(got_days, days, 0.01), "break_even_days is not the days a forgotten AWS machine takes to cost the term's sessions"
    assert ctx.value("prediction") == ("a" if days < 7 else "b" if days < 45 else "c"), "the prediction made before computing is not the answer"


@hidden("q2_variables", record=["my_vars", "lab_date", "plan", "use_terraform"])
def variables_are_labels_a_week_ahead_and_reach_the_plan(ctx):
    "my_vars has a label-safe owner and an expiry date 7 days after the lab ran, and the plan used them"
    assert ctx.has("my_vars"), "`my_vars` was not set"
    v = ctx.value("my_vars")
    assert isinstance(v, dict) and set(v) == {"owner", "expires"}, "my_vars needs exactly the keys owner and expires"
    assert isinstance(v["owner"], str) and re.fullmatch(r"[a-z][a-z0-9_-]{0,62}", v["owner"]), "owner is not a valid label value"
    try: expires = dt.date.fromisoformat(v["expires"])
    except (TypeError, ValueError): raise AssertionError("expires is not a YYYY-MM-DD date") from None
    ran = dt.date.fromisoformat(ctx.value("lab_date"))
    assert (expires - ran).days == 7, "expires is not 7 days after the day the lab ran"
    if ctx.value("use_terraform"):
        planned = {k: x.get("value") for k, x in ctx.value("plan").get("variables", {}).items()}
        assert planned.get("owner") == v["owner"] and planned.get("expires") == v["expires"], \
            "the plan was not made with my_vars (pass them to infra.plan)"


@hidden("q3_plan_creates", record=["to_create", "plan"])
def to_create_lists_exactly_the_created_addresses(ctx):
    "to_create is the sorted list of the plan's addresses whose actions are exactly create"
    assert ctx.has("to_create"), "`to_create` was not set"
    got = ctx.value("to_create")
    changes = ctx.value("plan").get("resource_changes", [])
    expected = sorted(c["address"] for c in changes if c["change"]["actions"] == ["create"])
    assert expected, "the recorded plan creates nothing"
    assert isinstance(got, list) and got == expected, "to_create is not the sorted addresses with actions ['create']"
    if _param(ctx, "target", "local") == "local":
        assert [a for a in expected if a != "terraform_data.exports"] == ["terraform_data.bucket", "terraform_data.stack"], "the local plan should create the bucket and the stack (and your exports)"


def _url_outputs(target):
    "Names of the module's outputs ending in _url, read from the trusted module itself."
    from mlopslab import infra
    return sorted(k for k in infra.read_module(infra.module_dir(target))["outputs"] if k.endswith("_url"))


@hidden("q4_service_urls", record=["service_urls", "outputs"])
def service_urls_are_the_url_outputs(ctx):
    "service_urls holds exactly the outputs whose names end in _url, with their values"
    assert ctx.has("service_urls"), "`service_urls` was not set"
    target = _param(ctx, "target", "local")
    names = ctx.cache(f"url-outputs-{target}", lambda: _url_outputs(target))
    got, outputs = ctx.value("service_urls"), ctx.value("outputs")
    assert isinstance(got, dict) and sorted(got) == names, f"service_urls should have the module's *_url outputs as keys ({', '.join(names)})"
    assert isinstance(outputs, dict) and all(got[k] == outputs.get(k) for k in names), "a value of service_urls is not the output's value"
    assert all(isinstance(got[k], str) and got[k].startswith("http") for k in names), "the URLs should start with http"


@hidden("q5_teardown", record=["remaining", "destroyed", "to_create", "use_terraform"])
def nothing_remains_after_teardown(ctx):
    "after the teardown the state is empty and everything the plan created was destroyed"
    assert ctx.has("remaining"), "`remaining` was not set"
    assert ctx.value("remaining") == [], "resources are still in the state after the teardown"
    target = _param(ctx, "target", "local")
    try: state = ctx.file(f"ws/infra/{target}/terraform.tfstate")      # the state Terraform left, read by the grader itself
    except AssertionError: state = None                                 # none: nothing was applied, or the driver removed it
    if state is not None:
        import json
        try: resources = json.loads(state.read_text()).get("resources", [])
        except ValueError: resources = ["unreadable"]
        assert resources == [], "the Terraform state in your workspace still lists resources"
    if ctx.value("use_terraform"):
        assert sorted(ctx.value("destroyed")) == sorted(ctx.value("to_create")), \
            "the teardown did not destroy everything the apply created"


_ALLOWED_BLOCKS = {"variable", "resource", "output", "locals"}


def _terraform(args, folder, home):
    "Run the grader's own Terraform in `folder`, offline, with an empty CLI configuration; returns (exit code, stdout)."
    import os, shutil, subprocess
    tf = shutil.which("terraform") or shutil.which("tofu")
    assert tf, "the grader has no terraform to check the HCL with (ask the instructor)"
    rc = home/"terraformrc"; rc.write_text("")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1",
           "TF_INPUT": "0", "TF_CLI_CONFIG_FILE": str(rc)}
    r = subprocess.run([tf, *args], cwd=folder, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    return r.returncode, r.stdout


@hidden("q6_exports", record=["exports_tf"])
def exports_hcl_validates_plans_and_refuses_bad_retention(ctx):
    "your HCL, added by the grader to its own copy of the local module, passes terraform validate, plans terraform_data.exports in the workspace's exports folder with the retention and the module's tags, outputs exports_path, and its validation refuses retentions outside 1..365"
    import json, shutil, sys, tempfile
    from pathlib import Path
    import hcl2
    from mlopslab import infra
    text = ctx.value("exports_tf")
    assert isinstance(text, str) and text.strip(), "exports_tf is not an HCL text"
    try: blocks = hcl2.loads(text)
    except Exception: raise AssertionError("exports_tf is not valid HCL") from None
    assert set(blocks) <= _ALLOWED_BLOCKS, f"exports_tf may declare only variables, resources, outputs and locals (it has {sorted(set(blocks) - _ALLOWED_BLOCKS)})"
    for group in blocks.get("resource", []):
        for kind, named in group.items():
            assert kind.strip('"') == "terraform_data", "exports_tf declares a resource of another type than the module's built-in one"
            assert not any("provisioner" in body or "connection" in body for body in named.values()), "exports_tf runs provisioners: the exports resource needs none"
    with tempfile.TemporaryDirectory() as tmp:
        home, d = Path(tmp), Path(tmp)/"local"
        d.mkdir()
        for f in infra.module_dir("local").glob("*.tf"): shutil.copy2(f, d/f.name)
        (d/"exports.tf").write_text(text)
        rc, out = _terraform(["validate", "-json", "-no-color"], d, home)
        assert rc == 0 and json.loads(out or "{}").get("valid"), "terraform validate refuses the local module with your HCL added"
        ws = "/grader/ws"
        base = {"workspace": ws, "python": sys.executable, "owner": "grader", "expires": "2030-01-31"}
        def plan(**extra):
            (d/"g.tfvars.json").write_text(json.dumps({**base, **extra}))
            rc, _ = _terraform(["plan", "-input=false", "-no-color", "-var-file=g.tfvars.json", "-out=tfplan"], d, home)
            if rc: return None
            return json.loads(_terraform(["show", "-json", "tfplan"], d, home)[1])
        p = plan()
        assert p is not None, "terraform plan fails on the local module with your HCL added"
        conf = p["configuration"]["root_module"]
        assert conf.get("variables", {}).get("export_retention_days", {}).get("default") == 30, "the variable export_retention_days with default 30 is missing"
        made = {c["address"]: c for c in p["resource_changes"]}
        assert made.get("terraform_data.exports", {}).get("change", {}).get("actions") == ["create"], "the plan does not create terraform_data.exports"
        given = made["terraform_data.exports"]["change"]["after"].get("input")
        assert isinstance(given, dict), "the exports resource's input is not an object"
        values = list(given.values())
        assert f"{ws}/exports" in values, "the exports resource's input has no folder exports inside var.workspace"
        assert 30 in [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)], "the exports resource's input does not record the retention"
        assert {"owner": "grader", "course": "mlopslab", "expires": "2030-01-31"} in values, "the exports resource's input does not carry the module's tags"
        assert "exports_path" in conf.get("outputs", {}), "the HCL has no exports_path output"
        out = p["planned_values"]["outputs"]["exports_path"]
        assert "value" not in out or out["value"] == f"{ws}/exports", "the output exports_path is not the exports folder"
        assert plan(export_retention_days=0) is None and plan(export_retention_days=366) is None, "Terraform accepts a retention outside 1..365"
        assert plan(export_retention_days=1) is not None and plan(export_retention_days=365) is not None, "Terraform refuses a retention inside 1..365"

"Hidden checks of week 2 (never shipped): cloud cost, module variables, reading a plan, outputs, teardown."
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


@hidden("q1_semester_cost", record=["semester_cost"])
def semester_cost_matches_the_price_sheet(ctx):
    "semester_cost holds, per target, the price sheet's cost of sessions × hours of the course machine"
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
        assert expected == ["terraform_data.bucket", "terraform_data.stack"], "the local plan should create the bucket and the stack"


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

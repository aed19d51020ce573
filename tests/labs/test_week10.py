"Week 10's public checks catch the plausible wrong answers, naming the mistake (full marks and zero: tests/course/test_lab_contract.py)."
import json, shutil
import pytest
from mlopslab.course.labspec import directives, lab_for, source
from mlopslab.monitor import rules

PROMTOOL = bool(shutil.which("promtool"))


def _check(question: str) -> str:
    return next(source(c) for c in lab_for(10).nb["cells"] if c["cell_type"] == "code" and directives(source(c)).get("check") == question)


def _run(question: str, **ns):
    exec(compile(_check(question), question, "exec"), {"json": json, "rules": rules, "HAVE_PROMTOOL": PROMTOOL, **ns})


RIGHT = 'sum(rate(mlopslab_requests_total{route="/predict",status!~"2.."}[30s])) / sum(rate(mlopslab_requests_total{route="/predict"}[30s]))'


@pytest.mark.parametrize("query, message", [
    ('sum(mlopslab_requests_total{route="/predict",status!~"2.."}) / sum(mlopslab_requests_total{route="/predict"})', "since the server started"),
    (RIGHT.replace('route="/predict",', "").replace('{route="/predict"}', ""), "every route"),
    (RIGHT.replace('status!~"2.."', 'status="500"'), "only server errors"),
    (RIGHT.replace("[30s]", "[5m]"), "not the last 30 seconds"),
    ('sum(rate(mlopslab_requests_total{route="/predict",status!~"2.."}[30s]))', "divided by all requests"),
])
def test_q1_error_query_names_the_mistake(query, message):
    with pytest.raises(AssertionError, match=message): _run("q1_error_query", error_query=query)
    _run("q1_error_query", error_query=RIGHT)


@pytest.mark.skipif(not PROMTOOL, reason=f"promtool is not installed ({rules.INSTALL})")
def test_q1_promtool_catches_what_the_form_does_not():
    "Labels left on the result (a share per status) pass the form checks; promtool's evaluation fails them."
    by_status = 'sum by (status) (rate(mlopslab_requests_total{route="/predict",status!~"2.."}[30s])) / ignoring(status) group_left sum(rate(mlopslab_requests_total{route="/predict"}[30s]))'
    with pytest.raises(AssertionError, match="one number, no labels"): _run("q1_error_query", error_query=by_status)


GOOD = {"alert": "FlightsSlowPredictions", "expr": "mlopslab:predict_latency_seconds:p99 > 0.25", "for": "2m",
        "labels": {"severity": "page"}, "annotations": {"summary": "p99 above 250 ms"}}


@pytest.mark.parametrize("change, message", [
    ({"for": None}, "without for"),
    ({"expr": "mlopslab:predict_latency_seconds:p99 > 250"}, "in seconds"),
    ({"labels": {}}, "severity"),
    ({"expr": "mlopslab:predict_latency_seconds:p50 > 0.25"}, "p99 latency recording rule"),
    ({"annotations": {"summary": "p99 is {{ $value }}"}}, "plain text"),
])
def test_q2_alert_rule_names_the_mistake(change, message):
    bad = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(AssertionError, match=message): _run("q2_alert_rule", slow_alert=bad)
    _run("q2_alert_rule", slow_alert=GOOD)


@pytest.mark.skipif(not PROMTOOL, reason=f"promtool is not installed ({rules.INSTALL})")
@pytest.mark.parametrize("hold", ["10m", "30s"])
def test_q2_promtool_catches_a_wrong_for(hold):
    with pytest.raises(AssertionError, match="stay quiet for 2 minutes"): _run("q2_alert_rule", slow_alert={**GOOD, "for": hold})


M = lambda name, value, regex=False: {"name": name, "value": value, "isRegex": regex, "isEqual": True}


@pytest.mark.parametrize("matchers, message", [
    ([M("severity", "page")], "mutes every page"),
    ([M("alertname", ".*", True)], "mutes every page"),
    ([M("alertname", "Flights.*|Mlopslab.*", True)], "mutes every page"),
    ([M("alertname", "MlopslabSlowPredictions")], "does not mute FlightsSlowPredictions"),
])
def test_q3_silence_names_the_mistake(matchers, message):
    with pytest.raises(AssertionError, match=message): _run("q3_silence", silence_matchers=matchers)
    _run("q3_silence", silence_matchers=[M("alertname", "FlightsSlowPredictions")])

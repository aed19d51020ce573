"""Hidden checks of week 10 (never shipped): the error-ratio query, the slow-prediction alert and the silence.

The query and the rule are graded on what they do: promtool (Debian's prometheus package) evaluates them on
synthetic series in this trusted process. Where promtool is missing, their form is checked instead.
"""
import re, shutil
from mlopslab.course.checks import hidden

OTHERS = [{"alertname": "MlopslabHighErrorRate", "severity": "page"}, {"alertname": "MlopslabServerDown", "severity": "page"},
          {"alertname": "MlopslabLowConfidence", "severity": "ticket"}]


def _series():
    "10 min of traffic: /predict 10/s OK; in the last 30 s also 2/s 422 and 1/s 503; /metrics and /health 1/s each."
    s = lambda route, status, per15s, late=False: {"series": f'mlopslab_requests_total{{route="{route}",status="{status}"}}',
                                                   "values": ("0x38 " + f"{per15s}+{per15s}x1") if late else f"0+{per15s}x40"}
    return [s("/predict", "200", 150), s("/predict", "422", 30, True), s("/predict", "503", 15, True), s("/metrics", "200", 15), s("/health", "200", 15)]


@hidden("q1_error_query", record=["error_query"])
def error_query_gives_the_failed_share_of_predict_over_30s(ctx):
    "error_query, evaluated by promtool on the grader's scenario, is the share of /predict requests that failed in the last 30 s (3/13)"
    from mlopslab.monitor import rules
    q = ctx.value("error_query")
    assert isinstance(q, str) and q.strip(), "error_query is not a PromQL string"
    if shutil.which("promtool"):
        ok, _ = rules.check_query(q, _series(), "10m", 3/13)
        assert ok, "error_query does not give the failed share of /predict requests over the last 30 s as one number"
    else:
        c = q.replace(" ", "")
        assert "rate(" in c and "[30s]" in c and "/predict" in c and '!~"2..' in c, "error_query lacks rate over 30 s, the /predict route or the non-2xx match"


@hidden("q2_alert_rule", record=["slow_alert"])
def slow_alert_waits_two_minutes_then_fires_and_resolves(ctx):
    "slow_alert, tested by promtool on a latency incident, stays quiet for 2 minutes, then fires with severity page, then resolves"
    from mlopslab.monitor import rules
    r = ctx.value("slow_alert")
    assert isinstance(r, dict) and r.get("alert") == "FlightsSlowPredictions", "slow_alert is not a rule named FlightsSlowPredictions"
    assert (r.get("labels") or {}).get("severity") == "page", "slow_alert has no severity label 'page'"
    if shutil.which("promtool"):
        ok, _ = rules.check_alert(r, "MlopslabSlowPredictions", hold="2m")
        assert ok, "slow_alert does not stay quiet for 2 minutes, then fire, then resolve during a latency incident"
    else:
        assert "mlopslab:predict_latency_seconds:p99" in str(r.get("expr")) and "0.25" in str(r.get("expr")) and r.get("for") == "2m", \
            "slow_alert does not watch p99 > 0.25 s for 2m"


def _mutes(matchers, labels):
    def one(m):
        v = labels.get(str(m.get("name")), "")
        try: hit = re.fullmatch(str(m.get("value")), v) is not None if m.get("isRegex") else v == m.get("value")
        except re.error: return False
        return hit if m.get("isEqual", True) else not hit
    return bool(matchers) and all(one(m) for m in matchers)


@hidden("q3_silence", record=["silence_matchers"])
def silence_mutes_only_the_slow_alert(ctx):
    "silence_matchers mute FlightsSlowPredictions and none of the other course alerts"
    ms = ctx.value("silence_matchers")
    assert isinstance(ms, list) and all(isinstance(m, dict) for m in ms), "silence_matchers is not a list of dicts"
    assert _mutes(ms, {"alertname": "FlightsSlowPredictions", "severity": "page"}), "the silence leaves the FlightsSlowPredictions page unmuted"
    assert not any(_mutes(ms, o) for o in OTHERS), "the silence also mutes a course alert it should let through"

"Prometheus rules as code: promtool's unit tests pass (and fail on a broken rule), and with the real Prometheus an alert fires within its `for:` window during a replayed error burst, reaches the webhook through Alertmanager, and resolves after."
import json, shutil, threading, time, urllib.request
import pytest
import yaml
from mlopslab.config import get_config
from mlopslab.deploy import stack
from mlopslab.monitor import rules
from mlopslab.monitor.webhook import read_alerts

PROMTOOL = shutil.which("promtool")
need_promtool = pytest.mark.skipif(not PROMTOOL, reason=f"promtool is not installed ({rules.INSTALL})")
need_stack = pytest.mark.skipif(not (shutil.which("prometheus") and (shutil.which("prometheus-alertmanager") or shutil.which("alertmanager"))),
                                reason=f"prometheus or alertmanager is not installed ({rules.INSTALL})")


@need_promtool
def test_every_rule_checks_and_its_unit_tests_pass(tmp_path):
    res = rules.check_rules(tmp_path, cfg=get_config(workspace=tmp_path))
    assert res["ok"], res["output"]
    assert "SUCCESS" in res["output"]
    tests = yaml.safe_load((tmp_path/"rules_test.yml").read_text())["tests"]
    assert {t["name"].split(":")[0] for t in tests} == set(rules.ALERTS)


@need_promtool
@pytest.mark.parametrize("broken", ["no_for", "never_true"])
def test_promtool_fails_a_broken_rule(tmp_path, broken):
    "The unit tests have teeth: an alert without its `for:` fires too early; a condition that never holds never fires."
    files = rules.write_rules(tmp_path)
    alerts = dict(rules.ALERTS)
    if broken == "never_true": alerts["MlopslabHighErrorRate"] = ("mlopslab:predict_errors:ratio > 5",) + alerts["MlopslabHighErrorRate"][1:]
    files["rules"].write_text(yaml.safe_dump(rules.rule_file(scale=0.01 if broken == "no_for" else 1.0, alerts=alerts)))
    code, out = rules.promtool("test", "rules", str(files["tests"]))
    assert code == 1 and "MlopslabHighErrorRate" in out, out


def test_missing_prometheus_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(Exception) as e: stack.up(["prometheus"], cfg=get_config(workspace=tmp_path))
    assert "apt-get install -y prometheus" in str(e.value).splitlines()[0]


def _get(url):
    with urllib.request.urlopen(url, timeout=5) as r: return json.load(r)


def _post(url, body: bytes):
    req = urllib.request.Request(url, body, {"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as r: return r.status
    except urllib.error.HTTPError as e: return e.code


@pytest.fixture
def model_server(tmp_path):
    "The real model app (`create_app`) with a small logistic model, served by uvicorn in a thread; yields its port."
    import uvicorn
    from mlopslab import data
    from mlopslab.deploy.serve import create_app
    from mlopslab.model import zoo
    cfg = get_config(workspace=tmp_path/"ws")
    X, y = data.xy(data.load_flights(months=1, sample=3000, seed=0))
    app = create_app(zoo.logistic().fit(X, y))
    port = stack.free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=server.run, daemon=True); t.start()
    while not server.started: time.sleep(0.05)
    rows = X.head(20).astype(object).where(X.head(20).notna(), None).to_dict(orient="records")
    yield port, json.dumps({"flights": rows}).encode()
    server.should_exit = True; t.join(10)


@need_stack
@pytest.mark.slow
def test_alert_fires_within_its_for_window_reaches_the_webhook_and_resolves(tmp_path, model_server):
    port, good = model_server
    cfg = get_config(workspace=tmp_path/"ws", serve_port=port)
    scale, window = 0.05, 10                                  # HighErrorRate's `for: 2m` becomes 6 s; rate() over 10 s
    hold = rules._seconds(rules.alert_rules(scale)[0]["for"])
    names = []
    try:
        for make in (stack.webhook_service, stack.alertmanager_service,     # in this order: each one's config names the next one's port
                     lambda c: stack.prometheus_service(c, interval="1s", window=f"{window}s", scale=scale)):
            svc = make(cfg); svc.port = stack.free_port(); names.append(stack.start(svc, cfg, timeout=60)["name"])
        prom = stack._read_record(cfg, "prometheus")["url"]
        url = f"http://127.0.0.1:{port}/predict"
        state = lambda: {a["labels"]["alertname"]: a["state"] for a in _get(f"{prom}/api/v1/alerts")["data"]["alerts"]}
        stop, burst = threading.Event(), threading.Event()
        def traffic():                                        # 10 good requests a second; during the burst 5 bad rows a second too
            while not stop.is_set():
                _post(url, good)
                if burst.is_set(): _post(url, b'{"flights": [{"carrier": 1}]}')
                time.sleep(0.1 if not burst.is_set() else 0.05)
        threading.Thread(target=traffic, daemon=True).start()
        time.sleep(window + 3)                                # a full window of healthy traffic first
        assert "MlopslabHighErrorRate" not in state()
        burst.set(); t0 = time.monotonic(); fired = None
        while time.monotonic() - t0 < hold + window + 20:
            s = state().get("MlopslabHighErrorRate")
            if s == "firing": fired = time.monotonic() - t0; break
            time.sleep(0.5)
        assert fired is not None, f"MlopslabHighErrorRate never fired; alerts: {state()}"
        assert hold <= fired <= hold + window + 5, f"fired {fired:.1f} s after the burst began; for: {hold} s"
        burst.clear(); t1 = time.monotonic()
        while time.monotonic() - t1 < window + 30 and "MlopslabHighErrorRate" in state(): time.sleep(0.5)
        assert "MlopslabHighErrorRate" not in state(), "the alert did not resolve after the burst ended"
        stop.set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            got = [a["status"] for a in read_alerts(cfg) if a["alertname"] == "MlopslabHighErrorRate"]
            if "firing" in got and "resolved" in got: break
            time.sleep(0.5)
        assert got[:1] == ["firing"] and "resolved" in got, f"webhook log: {got}"
    finally:
        for n in reversed(names): stack.stop(n, cfg)

"The closed loop end to end: seasonal drift -> alert (through Alertmanager where installed) -> webhook -> retrain on the pipeline's validated data -> gate -> promoted -> the server answers with the new version; then a retrain on bad data is refused by the gate and the old champion keeps serving."
import json, shutil, time, urllib.request
import numpy as np
import pytest
from mlopslab import data
from mlopslab.config import get_config, tool_env
from mlopslab.data import pipeline
from mlopslab.data.flights import FEATURES
from mlopslab.deploy import stack
from mlopslab.model import track, zoo
from mlopslab.monitor import loop
from mlopslab.monitor.drift import detect

NAME = "flights-delay"
POLICY = """holdout: {months: [12], sample: 3000, seed: 0}
metrics: {auc: {min: 0.6}, brier: {max: 0.25}}
behaviour: [minimum_functionality]
champion: {metric: auc, margin: -0.03, level: 0.95, n_boot: 100}
"""
ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")


def _wait_for(cfg, steps, after, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [s for s in loop.read_log(cfg)[after:] if s["step"] in steps]
        if done: return done[0]
        time.sleep(0.5)
    raise AssertionError(f"no {steps} step within {timeout} s; log: {loop.read_log(cfg)[after:]}")


def _predict_version(url, X):
    rows = X.head(3).astype(object).where(X.head(3).notna(), None).to_dict(orient="records")
    req = urllib.request.Request(url + "/predict", json.dumps({"flights": rows}).encode(), {"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r: return json.load(r)["model_version"]


@pytest.mark.slow
def test_drift_alert_retrains_gates_promotes_and_a_bad_retrain_is_refused(tmp_path, monkeypatch):
    cfg = get_config(workspace=tmp_path/"ws")
    for k, v in tool_env(cfg).items(): monkeypatch.setenv(k, v)
    import mlflow
    summer = data.load_flights(months=[6, 7], sample=6000, seed=5, cfg=cfg)
    X1, y1 = data.xy(summer)
    track.setup_tracking(cfg, "loop-test")
    with mlflow.start_run():
        track.log_model(zoo.logistic().fit(X1, y1), "model", X_example=X1, registered_model_name=NAME)
    track.promote(NAME, "1", "champion")
    pipe = pipeline.create_pipeline(cfg.workspace/"pipe", months=(9, 10), sample=5000, cfg=cfg)   # the newest validated data: autumn
    (tmp_path/"policy.yaml").write_text(POLICY)
    loop.configure(pipe, NAME, tmp_path/"policy.yaml", train_months=2, cfg=cfg)
    names = []
    try:
        svc = stack.model_service(f"models:/{NAME}@champion", cfg); svc.port = stack.free_port(); svc.env["MLOPSLAB_SERVE_POLL"] = "1"
        server = stack.start(svc, cfg, timeout=120)["url"]; names.append("model")
        svc = stack.webhook_service(cfg, loop=True); svc.port = stack.free_port()
        hook = stack.start(svc, cfg, timeout=60)["url"]; names.append("webhook")
        if ALERTMANAGER:
            svc = stack.alertmanager_service(cfg); svc.port = stack.free_port()
            am = stack.start(svc, cfg, timeout=60)["url"]; names.append("alertmanager")
        assert _predict_version(server, X1).endswith("1")

        # drift: October's flights against the summer the champion learned from (the gate's holdout is December)
        october = data.load_flights(months=10, sample=5000, seed=1, cfg=cfg)[FEATURES]
        rep = detect(X1, october)
        assert {"month", "temp"} <= set(rep.drifted)
        start = loop.log_step("drift_detected", cfg, columns=rep.drifted)
        n = len(loop.read_log(cfg))
        if ALERTMANAGER: assert loop.drift_alert(rep, am)
        else: _post(hook + "/alerts", {"alerts": [{"status": "firing", "labels": {"alertname": "MlopslabDataDrift"}}]})
        done = _wait_for(cfg, {"promoted", "refused", "failed"}, n)
        assert done["step"] == "promoted", done
        assert done["version"] == "2"
        serving = loop.wait_serving(server, "2", timeout=60, cfg=cfg)
        assert _predict_version(server, X1).endswith("2")
        steps = [s["step"] for s in loop.read_log(cfg)]
        assert steps[steps.index("drift_detected"):] == ["drift_detected", "alert", "retrain_started", "trained", "registered", "promoted", "serving"]
        print(f"drift detected -> new champion serving: {serving['time'] - start['time']:.1f} s")

        # a bad batch: November with its labels shuffled (validation cannot see it); retrain on it alone
        aug = data.load_flights(months=11, sample=5000, seed=2, cfg=cfg)
        landed = aug.index[aug.arr_delay.notna()]                      # shuffled among the flights that landed: each gets another's label
        perm = np.random.default_rng(0).permutation(landed)
        for c in ("arr_delay", "delayed"): aug.loc[landed, c] = aug.loc[perm, c].to_numpy()
        pipeline.admit_batch(pipe, aug, "2013-11", cfg)
        loop.configure(pipe, NAME, tmp_path/"policy.yaml", train_months=1, cfg=cfg)
        n = len(loop.read_log(cfg))
        _post(hook + "/alerts", {"alerts": [{"status": "firing", "labels": {"alertname": "MlopslabPerformanceDrop"}}]})
        done = _wait_for(cfg, {"promoted", "refused", "failed"}, n)
        assert done["step"] == "refused" and done["by"] == "gate" and "metrics.auc.min" in done["failed"], done
        time.sleep(3)                                                    # three poll intervals of the server
        assert _predict_version(server, X1).endswith("2")
    finally:
        for n in reversed(names): stack.stop(n, cfg)


def _post(url, body):
    req = urllib.request.Request(url, json.dumps(body).encode(), {"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r: assert r.status == 200

"The model server for real: a uvicorn process on 127.0.0.1 serving the registered champion; bad input is a 422/413 naming the field, never a 5xx."
import json
import httpx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from mlopslab.data import FEATURES
from deploy_helpers import NAME, payload, registry, served  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def server(registry):
    cfg, models, X = registry
    with served(cfg, runtime="native") as url:
        yield url, models, X


def test_ready_metadata_and_openapi(server):
    url, models, X = server
    assert httpx.get(url + "/health").json() == {"status": "ok"}
    r = httpx.get(url + "/ready").json()
    assert r["ready"] and r["model_version"] == f"{NAME}/1"
    meta = httpx.get(url + "/metadata").json()
    assert (meta["name"], meta["version"], meta["alias"]) == (NAME, "1", "champion") and len(meta["run_id"]) == 32
    assert {i["name"] for i in meta["signature"]["inputs"] if isinstance(i, dict)} >= {"carrier", "distance"} or "carrier" in str(meta["signature"])
    assert "UA" in meta["categories"]["carrier"] and meta["bounds"]["month"] == [1, 12]
    spec = httpx.get(url + "/openapi.json").json()
    assert {"/health", "/ready", "/metadata", "/predict", "/metrics"} <= set(spec["paths"])
    post = spec["paths"]["/predict"]["post"]
    assert {"200", "413", "422"} <= set(post["responses"])
    flight = spec["components"]["schemas"]["Flight"]
    assert set(flight["required"]) == set(FEATURES) and flight["additionalProperties"] is False
    assert "UA" in flight["properties"]["carrier"]["x-known-categories"] and flight["properties"]["month"]["anyOf"][0]["maximum"] == 12
    assert spec["components"]["schemas"]["Batch"]["properties"]["flights"]["maxItems"] == 1000


def test_predictions_match_the_registered_model(server):
    url, models, X = server
    body = httpx.post(url + "/predict", json=payload(X, 50)).json()
    assert np.allclose(body["probabilities"], models["1"].predict_proba(X.head(50))[:, 1], rtol=0, atol=1e-12)
    assert body["model_version"] == f"{NAME}/1" and body["unknown"] == []


def test_unknown_category_is_scored_as_trained_and_reported(server):
    url, models, X = server
    row = X.head(1).copy(); row["carrier"] = "ZZ"
    body = httpx.post(url + "/predict", json=payload(row)).json()
    assert body["unknown"] == [{"row": 0, "field": "carrier", "value": "ZZ"}]
    assert body["probabilities"][0] == pytest.approx(models["1"].predict_proba(row)[0, 1], abs=1e-12)


@pytest.mark.parametrize("field, value, kind", [("distance", "719", "float_type"), ("distance", [719], "float_type"),
                                                ("temp", True, "float_type"), ("month", 13, "less_than_equal"),
                                                ("carrier", 7, "string_type"), ("distance", None, None)])
def test_bad_field_is_422_naming_row_and_field(server, field, value, kind):
    url, models, X = server
    body = payload(X, 3)
    body["flights"][2][field] = value
    r = httpx.post(url + "/predict", json=body)
    if kind is None: assert r.status_code == 200; return   # null is imputed, as in training
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["row"] == 2 and r.json()["detail"][0]["field"] == field and r.json()["detail"][0]["type"] == kind
    assert f"row 2, field '{field}'" in r.json()["message"]


def test_missing_and_extra_fields_are_named(server):
    url, models, X = server
    body = payload(X, 2)
    del body["flights"][1]["seats"]; body["flights"][0]["tailnum"] = "N123"
    fields = {(d["row"], d["field"]) for d in httpx.post(url + "/predict", json=body).json()["detail"]}
    assert fields == {(1, "seats"), (0, "tailnum")}


def test_batch_limit_is_413_and_empty_or_malformed_is_422(server):
    url, models, X = server
    rows = payload(X, 1)["flights"]
    r = httpx.post(url + "/predict", json={"flights": rows * 1001})
    assert r.status_code == 413 and r.json()["detail"][0]["field"] == "flights"
    assert httpx.post(url + "/predict", content=b"x" * 3_000_000, headers={"content-type": "application/json"}).status_code == 413
    assert httpx.post(url + "/predict", json={"flights": rows * 1000}).status_code == 200
    assert httpx.post(url + "/predict", json={"flights": []}).status_code == 422
    assert httpx.post(url + "/predict", content=b"{not json", headers={"content-type": "application/json"}).status_code == 422


def test_metrics_count_requests_latency_predictions_and_version(server):
    url, models, X = server
    httpx.post(url + "/predict", json=payload(X, 10))
    text = httpx.get(url + "/metrics").text
    assert 'mlopslab_requests_total{route="/predict",status="200"}' in text
    assert 'mlopslab_request_seconds_bucket{le="0.005",route="/predict"}' in text
    assert 'mlopslab_prediction_probability_bucket{le="+Inf",version="1"}' in text
    assert f'mlopslab_model_info{{alias="champion",name="{NAME}",runtime="native",version="1"}} 1.0' in text


NUM = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
                st.text(max_size=5), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=1))
FLIGHT = st.dictionaries(st.sampled_from(FEATURES + ["tailnum", ""]), NUM, max_size=len(FEATURES) + 2)
BODY = st.one_of(st.fixed_dictionaries({"flights": st.lists(FLIGHT, max_size=3)}), NUM, st.lists(FLIGHT, max_size=2),
                 st.fixed_dictionaries({"flights": st.lists(FLIGHT, max_size=2)}, optional={"extra": NUM}))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=BODY, base=st.integers(0, 2), field=st.sampled_from(FEATURES), value=NUM)
def test_fuzzed_bodies_never_get_a_5xx(server, body, base, field, value):
    "Random bodies, and valid flights with one field replaced by anything: 200, 413 or 422, never a 5xx."
    url, models, X = server
    with httpx.Client(base_url=url, timeout=30) as c:
        post = lambda b: c.post("/predict", content=json.dumps(b), headers={"content-type": "application/json"})  # NaN and Infinity too
        r = post(body)
        assert r.status_code in (200, 413, 422), (body, r.status_code, r.text)
        good = payload(X, base + 1)
        good["flights"][base][field] = value
        r = post(good)
        assert r.status_code in (200, 422), (good, r.status_code, r.text)
        if r.status_code == 422: assert {(d["row"], d["field"]) for d in r.json()["detail"]} == {(base, field)}


def test_cli_serves_until_ctrl_c_and_stops_cleanly(registry):
    import os, signal, subprocess, sys, time
    from pathlib import Path
    from mlopslab.config import tool_env
    from mlopslab.deploy.stack import free_port
    cfg, models, X = registry
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent/"mlopslab"), "serve", "--model-uri", f"models:/{NAME}@champion",
                             "--port", str(port), "--runtime", "native"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **tool_env(cfg)})
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/ready").status_code == 200: break
            except httpx.HTTPError: pass
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.3)
        assert httpx.post(f"http://127.0.0.1:{port}/predict", json=payload(X, 2)).status_code == 200
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None: proc.kill()
    assert proc.returncode == 0, err
    assert "Ctrl-C stops" in out and f"at http://127.0.0.1:{port} stopped" in out
    assert "Traceback" not in err

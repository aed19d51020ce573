"The model server's app in process (FastAPI's test client, a stand-in model): order, the decision threshold, errors naming the field."
import numpy as np
import pytest
from fastapi.testclient import TestClient
from mlopslab.deploy.serve import create_app, app_from_env, describe_errors
from mlopslab.errors import MlopslabError

ROW = dict(carrier="UA", origin="EWR", dest="ORD", month=1, sched_hour=8, weekday=2, distance=719,
           temp=40.0, humid=60.5, wind_speed=10.0, precip=0, visib=10, seats=180)


class Linear:
    "Probability grows with distance: a model whose answers we can predict."
    def predict_proba(self, X):
        p = np.clip(X["distance"].to_numpy(float) / 5000, 0, 1)
        return np.column_stack([1 - p, p])


@pytest.fixture
def client():
    return TestClient(create_app(Linear(), "models:/toy@champion", threshold=0.3, max_batch=5))


def test_predict_returns_probabilities_in_order(client):
    rows = [ROW | {"distance": d} for d in (500, 2500, 4000)]
    body = client.post("/predict", json={"flights": rows}).json()
    assert body["probabilities"] == pytest.approx([0.1, 0.5, 0.8])
    assert body["delayed"] == [0, 1, 1] and body["runtime"] == "native"


def test_missing_feature_is_named(client):
    r = client.post("/predict", json={"flights": [{"distance": 100}]})
    assert r.status_code == 422 and "row 0, field 'carrier'" in r.json()["message"]


def test_empty_and_oversized_batches(client):
    assert client.post("/predict", json={"flights": []}).status_code == 422
    r = client.post("/predict", json={"flights": [ROW] * 6})
    assert r.status_code == 413 and r.json()["detail"][0]["field"] == "flights"


def test_health_ready_and_metadata(client):
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json()["ready"] is True
    assert client.get("/metadata").json()["model_uri"] == "models:/toy@champion"


def test_errors_name_row_and_field():
    errs = [{"loc": ("body", "flights", 3, "distance"), "msg": "bad", "type": "float_type"},
            {"loc": ("body", "flights"), "msg": "too long", "type": "too_long"}, {"loc": ("body", 7), "msg": "JSON", "type": "json_invalid"}]
    assert [(e["row"], e["field"]) for e in describe_errors(errs)] == [(3, "distance"), (None, "flights"), (None, "7")]


def test_factory_needs_a_model_uri(monkeypatch):
    monkeypatch.delenv("MLOPSLAB_MODEL_URI", raising=False)
    with pytest.raises(MlopslabError, match="MLOPSLAB_MODEL_URI"):
        app_from_env()

import numpy as np
import pytest
from fastapi.testclient import TestClient
from mlopslab.data import FEATURES
from mlopslab.deploy.serve import create_app, app_from_env
from mlopslab.errors import MlopslabError


class Linear:
    "Probability grows with distance: a model whose answers we can predict."
    def predict_proba(self, X):
        p = np.clip(X["distance"].to_numpy(float) / 5000, 0, 1)
        return np.column_stack([1 - p, p])


@pytest.fixture
def client():
    return TestClient(create_app(Linear(), "models:/toy@champion", threshold=0.3))


def test_predict_returns_probabilities_in_order(client):
    rows = [dict.fromkeys(FEATURES, 0) | {"distance": d} for d in (500, 2500, 4000)]
    body = client.post("/predict", json={"flights": rows}).json()
    assert body["probabilities"] == pytest.approx([0.1, 0.5, 0.8])
    assert body["delayed"] == [0, 1, 1]


def test_missing_feature_is_named(client):
    r = client.post("/predict", json={"flights": [{"distance": 100}]})
    assert r.status_code == 422 and "carrier" in r.json()["detail"]


def test_empty_batch_is_rejected(client):
    assert client.post("/predict", json={"flights": []}).status_code == 422


def test_health_and_metadata(client):
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/metadata").json()["model_uri"] == "models:/toy@champion"


def test_factory_needs_a_model_uri(monkeypatch):
    monkeypatch.delenv("MLOPSLAB_MODEL_URI", raising=False)
    with pytest.raises(MlopslabError, match="MLOPSLAB_MODEL_URI"):
        app_from_env()

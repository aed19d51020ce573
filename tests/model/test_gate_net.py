"""The gate compares the PyTorch network like any other model: logged as a pyfunc, loaded with predict_proba."""
import numpy as np
import pytest

from mlopslab import data
from mlopslab.config import get_config
from mlopslab.model import gate as G, track
from mlopslab.model.net import TabularNet

POLICY = {"metrics": {"auc": {"min": 0.6}}, "holdout": {"months": [12], "sample": 1500, "seed": 0}}


@pytest.fixture()
def cfg(tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    c = get_config(workspace=tmp_path)
    track.setup_tracking(c, "gate-net")
    return c


def _register(model, X, cfg):
    import mlflow
    with mlflow.start_run():
        info = track.log_net(model, X_example=X, registered_model_name="flights-net")
    return f"models:/flights-net/{info.registered_model_version}"


def test_net_gated_promoted_then_shuffled_refused(cfg):
    train = data.labelled(data.load_flights(months=[6, 7, 8], sample=6000, seed=0, cfg=cfg))
    X, y = data.xy(train)
    good = _register(TabularNet(seed=0, max_epochs=6).fit(X, y), X, cfg)
    rep = G.gate(good, policy=POLICY, cfg=cfg)
    assert rep.passed and rep.promoted, rep.to_markdown()
    shuffled = np.random.default_rng(0).permutation(y.to_numpy())
    bad = _register(TabularNet(seed=0, max_epochs=3).fit(X, shuffled), X, cfg)
    rep = G.gate(bad, policy={**POLICY, "champion": {"metric": "auc", "margin": 0.0}}, cfg=cfg)
    assert not rep.passed and not rep.promoted
    assert "metrics.auc.min" in rep.failed, rep.to_markdown()
    import mlflow
    champion = mlflow.MlflowClient().get_model_version_by_alias("flights-net", "champion")
    assert f"models:/flights-net/{champion.version}" == good          # the registry did not change

"The gate: a policy applied to a challenger and the champion on one holdout; the champion alias moves only when every rule passes."
import json, os
import numpy as np
import pytest
from mlopslab import data
from mlopslab.config import get_config
from mlopslab.errors import ConfigError
from mlopslab.model import gate as G
from mlopslab.model import zoo
from mlopslab.model.track import log_model, promote, setup_tracking
from conftest import run_cli

NAME = "delay-risk"
POLICY = """\
holdout: {months: [12], sample: 3000, seed: 0}
metrics:
  auc: {min: 0.60}
slices:
  carrier: {metric: auc, max_drop: 0.08, min_rows: 150}
behaviour: [directional_hour]
champion: {metric: auc, margin: 0.0, level: 0.95, n_boot: 100}
"""
SLICE = "EV"   # the carrier whose labels the slice-worse challenger learnt upside down


@pytest.fixture(scope="module")
def reg(tmp_path_factory):
    "A workspace with a registered champion (v1) and three challengers: shuffled labels (v2), one carrier worse (v3), better (v4)."
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    ws = tmp_path_factory.mktemp("ws"); cfg = get_config(workspace=ws)
    policy = ws/"policy.yaml"; policy.write_text(POLICY)
    fl = data.labelled(data.load_flights(months=[1, 2, 3, 4], sample=8000, seed=1, cfg=cfg))
    X, y = data.xy(fl)
    small = fl.sample(1500, random_state=0).sort_index()
    setup_tracking(cfg, "gate-tests")
    import mlflow
    def register(model, Xf, yf, tag):
        with mlflow.start_run(run_name=tag):
            return log_model(model.fit(Xf, yf), X_example=Xf, registered_model_name=NAME).registered_model_version
    sX, sy = data.xy(small)
    v = {"champion": register(zoo.forest(n_estimators=20, max_depth=4, seed=0), sX, sy, "champion")}
    v["shuffled"] = register(zoo.boosting(max_iter=60), X, y.sample(frac=1, random_state=0).to_numpy(), "shuffled")
    v["slice"] = register(zoo.boosting(max_iter=60), X, np.where(X.carrier == SLICE, 1 - y, y), "slice")
    v["better"] = register(zoo.boosting(max_iter=60), X, y, "better")
    promote(NAME, v["champion"])
    return cfg, policy, v


def _alias(cfg, alias):
    import mlflow
    return mlflow.MlflowClient(cfg.tracking).get_model_version_by_alias(NAME, alias).version


def _artifacts(cfg, version):
    import mlflow
    c = mlflow.MlflowClient(cfg.tracking)
    return [a.path for a in c.list_artifacts(c.get_model_version(NAME, version).run_id)]


def test_bad_input_is_a_clear_error_and_changes_nothing(reg, tmp_path):
    cfg, policy, v = reg
    bad = tmp_path/"bad.yaml"
    bad.write_text(POLICY.replace("auc: {min: 0.60}", "f1_score: {min: 0.60}"))
    with pytest.raises(ConfigError, match="unknown metric 'f1_score'"): G.gate(f"models:/{NAME}/{v['better']}", policy=bad, cfg=cfg)
    bad.write_text(POLICY.replace("carrier: {", "airline: {"))
    with pytest.raises(ConfigError, match="unknown slice 'airline'"): G.gate(f"models:/{NAME}/{v['better']}", policy=bad, cfg=cfg)
    with pytest.raises(G.GateError, match="does not exist"): G.gate(f"models:/{NAME}/99", policy=policy, cfg=cfg)
    with pytest.raises(G.GateError, match="not a registered model version"): G.gate("runs:/abc/model", policy=policy, cfg=cfg)
    assert _alias(cfg, "champion") == v["champion"]
    assert "gate" not in _artifacts(cfg, v["better"])
    import mlflow
    assert "gate" not in mlflow.MlflowClient(cfg.tracking).get_model_version(NAME, v["better"]).tags


def test_shuffled_labels_fail_and_the_alias_stays(reg):
    cfg, policy, v = reg
    rep = G.gate(f"models:/{NAME}/{v['shuffled']}", policy=policy, cfg=cfg)
    assert not rep.passed and not rep.promoted
    assert {"metrics.auc.min", "behaviour.directional_hour", "champion.auc.margin"} <= set(rep.failed), rep.failed
    assert _alias(cfg, "champion") == v["champion"]
    assert "gate" in _artifacts(cfg, v["shuffled"])


def test_worse_on_one_carrier_fails_the_slice_rule_naming_the_carrier(reg):
    cfg, policy, v = reg
    rep = G.gate(f"models:/{NAME}/{v['slice']}", policy=policy, cfg=cfg)
    assert "slices.carrier.max_drop" in rep.failed, rep.to_markdown()
    row = next(r for r in rep.rules if r["rule"] == "slices.carrier.max_drop")
    assert f"carrier {SLICE}" in row["limit"] and row["value"] > 0.08
    assert _alias(cfg, "champion") == v["champion"]


def test_cli_fails_with_exit_1_naming_the_rules_then_passes_the_better_one(reg):
    cfg, policy, v = reg
    env = {"MLOPSLAB_WORKSPACE": str(cfg.workspace), "MLFLOW_DISABLE_TELEMETRY": "true"}
    r = run_cli("model", "gate", f"models:/{NAME}/{v['slice']}", "--policy", str(policy), env=env, timeout=300)
    assert r.returncode == 1, r.stderr
    assert "FAILED rules:" in r.stdout and "slices.carrier.max_drop" in r.stdout
    assert _alias(cfg, "champion") == v["champion"]
    r = run_cli("model", "gate", f"models:/{NAME}/{v['better']}", "--policy", str(policy), "--json", env=env, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    rep = json.loads(r.stdout)
    assert rep["passed"] and rep["promoted"] and rep["failed"] == []
    assert _alias(cfg, "champion") == v["better"] and _alias(cfg, "previous") == v["champion"]
    assert (cfg.workspace/"gate"/f"{NAME}-v{v['better']}.json").exists()


def test_rollback_swaps_champion_and_previous(reg):
    cfg, policy, v = reg
    assert G.rollback(NAME, cfg=cfg) == f"models:/{NAME}/{v['champion']}"
    assert _alias(cfg, "champion") == v["champion"] and _alias(cfg, "previous") == v["better"]

"Every course lab runs headless with its defaults, as `make run` runs them; then week 1's effects are checked."
import pytest
from mlopslab import labs, stack
from mlopslab.config import get_config


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    ws = tmp_path_factory.mktemp("course-ws")
    mp = pytest.MonkeyPatch()
    mp.setenv("MLOPSLAB_WORKSPACE", str(ws))
    try:
        cfg = get_config()
        yield cfg, {r.lab.week: r for r in labs.run_labs(labs.find_labs(cfg), timeout=300, jobs=2, cfg=cfg, progress=False)}
    finally:
        for s in stack.status(get_config(workspace=ws)): stack.stop(s["name"], get_config(workspace=ws))
        mp.undo()


@pytest.mark.slow
def test_every_lab_passes_within_its_runtime(results):
    _, res = results
    failed = {w: str(r.error) for w, r in res.items() if r.status != "passed"}
    assert not failed, failed
    slow = {w: round(r.seconds) for w, r in res.items() if r.seconds > 2 * r.lab.meta.get("runtime", 90)}
    assert not slow, f"labs far over their runtime budget (seconds): {slow}"


@pytest.mark.slow
def test_week01_registered_a_champion_and_left_nothing_running(results):
    cfg, res = results
    assert res[1].status == "passed"
    import mlflow
    client = mlflow.MlflowClient(tracking_uri=cfg.tracking)
    champion = client.get_model_version_by_alias("flights-delay", "champion")
    run = client.get_run(champion.run_id)
    assert run.info.run_name == "baseline" and 0.5 < run.data.metrics["auc"] <= 1
    assert (cfg.artifact_root/"week01-flights").is_dir(), "artifacts stay in the workspace"
    assert stack.status(cfg) == [], "the lab stopped the model server it started"

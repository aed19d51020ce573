"Every course lab runs headless with its defaults, as `make run` runs them; then week 1's effects are checked."
import pytest
from mlopslab import labs, stack
from mlopslab.config import get_config


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    ws, home = tmp_path_factory.mktemp("course-ws"), tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    mp.setenv("MLOPSLAB_WORKSPACE", str(ws))
    mp.setenv("HOME", str(home))  # nothing a lab runs may write to the home folder
    for var in ("IPYTHONDIR", "MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "DO_NOT_TRACK", "MLFLOW_DISABLE_TELEMETRY"):
        mp.delenv(var, raising=False)
    try:
        cfg = get_config()
        yield cfg, home, {r.lab.week: r for r in labs.run_labs(labs.find_labs(cfg), timeout=300, jobs=2, cfg=cfg, progress=False)}
    finally:
        for s in stack.status(get_config(workspace=ws)): stack.stop(s["name"], get_config(workspace=ws))
        mp.undo()


@pytest.mark.slow
def test_every_lab_passes(results):
    "(Their run times against each lab's `runtime` budget: benchmarks/labs_runtime.py.)"
    _, _, res = results
    failed = {w: str(r.error) for w, r in res.items() if r.status != "passed"}
    assert not failed, failed


@pytest.mark.slow
def test_week01_registered_a_champion_and_left_nothing_running(results):
    cfg, _, res = results
    assert res[1].status == "passed"
    import mlflow
    client = mlflow.MlflowClient(tracking_uri=cfg.tracking)
    champion = client.get_model_version_by_alias("flights-delay", "champion")
    run = client.get_run(champion.run_id)
    assert run.info.run_name == "baseline" and 0.5 < run.data.metrics["auc"] <= 1
    assert (cfg.artifact_root/"week01-flights").is_dir(), "artifacts stay in the workspace"
    assert stack.status(cfg) == [], "the lab stopped the model server it started"


@pytest.mark.slow
def test_labs_write_nothing_to_the_home_folder(results):
    _, home, _ = results
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert written == [], f"labs wrote outside the workspace: {written[:10]}"

from pathlib import Path
import pytest
from mlopslab.config import get_config, activate, tool_env, describe, find_project
from mlopslab.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_live_in_the_project(monkeypatch):
    monkeypatch.delenv("MLOPSLAB_WORKSPACE", raising=False)
    cfg = get_config()
    assert cfg.project == ROOT and cfg.workspace == ROOT/".mlopslab"
    assert cfg.tracking == f"sqlite:///{ROOT/'.mlopslab'/'mlflow'/'mlflow.db'}"
    assert cfg.target == "local"


def test_env_overrides_and_kwargs_win(monkeypatch, tmp_path):
    monkeypatch.setenv("MLOPSLAB_WORKSPACE", str(tmp_path))
    monkeypatch.setenv("MLOPSLAB_SERVE_PORT", "8123")
    monkeypatch.setenv("MLOPSLAB_TARGET", "gcp")
    cfg = get_config(serve_port=9001)
    assert (cfg.workspace, cfg.serve_port, cfg.target) == (tmp_path.resolve(), 9001, "gcp")
    assert cfg.dvc_remote == tmp_path.resolve()/"dvc-remote"


def test_tracking_uri_override(monkeypatch):
    monkeypatch.setenv("MLOPSLAB_TRACKING_URI", "http://127.0.0.1:5999")
    assert get_config().tracking == "http://127.0.0.1:5999"


@pytest.mark.parametrize("env,value,needle", [("MLOPSLAB_MLFLOW_PORT", "abc", "MLOPSLAB_MLFLOW_PORT"),
                                              ("MLOPSLAB_TARGET", "azure", "chameleon, gcp, aws")])
def test_bad_env_values_name_the_variable(monkeypatch, env, value, needle):
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError, match=needle) as e:
        get_config()
    assert "fix:" in str(e.value)


def test_unknown_setting_lists_known_ones():
    with pytest.raises(ConfigError, match="use one of: project, workspace"):
        get_config(worksapce="/tmp/x")


def test_activate_keeps_tool_state_in_workspace(monkeypatch, tmp_path):
    for k in tool_env(get_config(workspace=tmp_path)): monkeypatch.delenv(k, raising=False)
    cfg = activate(get_config(workspace=tmp_path))
    env = tool_env(cfg)
    state = [v for k, v in env.items() if k.endswith("_DIR")]
    assert state and all(Path(v).is_relative_to(tmp_path.resolve()) for v in state)
    assert env["DVC_NO_ANALYTICS"] == "1" and env["MLFLOW_DISABLE_TELEMETRY"] == "true"
    assert cfg.logs_dir.is_dir() and cfg.build_dir.is_dir()


def test_describe_lists_every_setting():
    names = [r[0] for r in describe()]
    assert "MLOPSLAB_WORKSPACE" in names and "MLOPSLAB_MLFLOW_PORT" in names


def test_find_project_outside_a_project(tmp_path):
    assert find_project(tmp_path) == tmp_path.resolve()

"A registry with two versions of the flight-delay model (logistic v1, forest v2), champion on v1, shared by the server tests."
import os
from pathlib import Path
from contextlib import contextmanager
import pytest
from mlopslab import data
from mlopslab.config import get_config, tool_env
from mlopslab.deploy import stack
from mlopslab.model import track, zoo

NAME = "flights-delay"


@contextmanager
def environ(env: dict):
    saved = dict(os.environ)
    os.environ.update(env)
    try: yield
    finally: os.environ.clear(); os.environ.update(saved)


_BUILT = {}


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    "`(cfg, {version: fitted model}, X_test)`: two registered versions, `champion` -> 1 (built once per session)."
    if not _BUILT: _BUILT["r"] = _build(tmp_path_factory.mktemp("serve")/"ws")
    return _BUILT["r"]


def _build(ws):
    import mlflow
    cfg = get_config(workspace=ws)
    with environ(tool_env(cfg)):
        fl = data.labelled(data.load_flights(months=[1, 2], sample=6000, seed=5, cfg=cfg))
        (Xtr, ytr), (Xte, _) = map(data.xy, data.time_split(fl))
        models = {}
        track.setup_tracking(cfg, "serve-tests")
        for v, m in (("1", zoo.logistic()), ("2", zoo.forest(n_estimators=20, max_depth=8))):
            m.fit(Xtr, ytr)
            with mlflow.start_run():
                info = track.log_model(m, "model", X_example=Xte, registered_model_name=NAME)
            assert str(info.registered_model_version) == v
            models[v] = m
        track.promote(NAME, "1", "champion")
    return cfg, models, Xte


@contextmanager
def served(cfg, uri=f"models:/{NAME}@champion", name="model", **env):
    "A real server (uvicorn subprocess) on 127.0.0.1, stopped on exit; yields its URL."
    svc = stack.model_service(uri, cfg, name=name)
    svc.env.update({f"MLOPSLAB_SERVE_{k.upper()}": str(v) for k, v in env.items()})
    svc.port = stack.free_port()
    rec = stack.start(svc, cfg, timeout=120)
    try: yield rec["url"]
    finally: stack.stop(name, cfg)


def payload(X, n=None):
    "JSON-ready flights (NaN -> null) of the first `n` rows of `X`."
    rows = X.head(n) if n else X
    return {"flights": rows.astype(object).where(rows.notna(), None).to_dict(orient="records")}


# The base tarball, the wheelhouse and podman's storage persist in the project's workspace between sessions.
CACHE = Path(__file__).resolve().parents[2]/".mlopslab"/"containers"


@pytest.fixture(scope="module")
def image(registry):
    "The server's image with champion v1 baked in, built once per session where podman runs (skipped with the reason elsewhere)."
    from mlopslab.deploy import container
    cmd, why = container.engine()
    if cmd is None: pytest.skip(why)
    if "image" not in _BUILT:
        with environ({"MLOPSLAB_CONTAINER_CACHE": str(CACHE)}):
            _BUILT["image"] = container.build(f"models:/{NAME}@champion", tag="localhost/mlopslab-server:test", cfg=registry[0])
        print(); container.print_build(_BUILT["image"])
    return _BUILT["image"]

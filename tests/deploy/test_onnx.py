"ONNX Runtime path: the zoo's logistic and forest pipelines convert with skl2onnx under numpy 2 and agree with scikit-learn within 1e-5 on a test month; a model that cannot convert is served natively."
import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from mlopslab import data
from mlopslab.data import FEATURES
from mlopslab.deploy import runtime
from deploy_helpers import environ, registry  # noqa: F401  (fixture)
from mlopslab.config import tool_env


@pytest.fixture(scope="module")
def month(registry):
    cfg = registry[0]
    df = data.load_flights(months=12, cfg=cfg)[FEATURES]   # a test month the models never saw (trained on Jan-Feb)
    return {c: [None if v != v else v for v in df[c].tolist()] for c in FEATURES}


@pytest.mark.parametrize("version", ["1", "2"])
def test_onnx_agrees_with_the_native_model_on_a_month(registry, month, version):
    model = registry[1][version]
    onnx, native = runtime.OnnxPredictor(model), runtime.NativePredictor(model)
    gap = runtime.parity(onnx, native, month)
    print(f"version {version} ({type(model[-1]).__name__}): max |dp| = {gap:.2e} over {len(month['carrier'])} flights")
    assert gap <= runtime.PARITY_TOL
    chosen, why = runtime.predictor(model, "auto", month)
    assert chosen.kind == "onnx" and "agrees" in why


def test_a_model_skl2onnx_cannot_convert_falls_back_to_native(registry, month):
    from sklearn.base import clone
    odd = make_pipeline(FunctionTransformer(lambda X: X), clone(registry[1]["1"]))   # a custom function has no converter
    odd.fit(*data.xy(data.labelled(data.load_flights(months=1, sample=3000, cfg=registry[0]))))
    chosen, why = runtime.predictor(odd, "auto", month)
    assert chosen.kind == "native" and "conversion failed" in why
    with pytest.raises(Exception): runtime.predictor(odd, "onnx", month)


def test_server_answers_from_onnx_within_tolerance(registry):
    import httpx
    from deploy_helpers import payload, served
    cfg, models, X = registry
    with served(cfg, name="model-onnx", runtime="auto") as url:
        meta = httpx.get(url + "/metadata").json()
        body = httpx.post(url + "/predict", json=payload(X, 200)).json()
    assert meta["runtime"] == "onnx" and body["runtime"] == "onnx" and body["model_version"].endswith("/1"), (meta, body["model_version"])
    gap = np.max(np.abs(np.array(body["probabilities"]) - models["1"].predict_proba(X.head(200))[:, 1]))
    assert gap <= runtime.PARITY_TOL, (gap, meta["runtime_reason"])

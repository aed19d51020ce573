"""Hidden checks of week 8 (never shipped): the server's answers to six requests, ONNX parity, and the SLO.

Expected values are recomputed in this process: the grader fits the lab's champion on its own copy of the data
(same parameters), sends the same six requests to the real server app in-process, converts the model to ONNX
itself, and parses the student's SLO text with the library's parser (never executing it).
"""
import numpy as np
from mlopslab.course.checks import hidden


def _lab(ctx):
    "The lab's champion, its first training flight and December's flights for this run's parameters."
    p = ctx.params or {}
    sample, seed = p.get("sample", 8000), int(p.get("seed", 42))
    def compute():
        from mlopslab import data
        from mlopslab.model import zoo
        X, y = data.xy(data.labelled(data.load_flights(months=list(range(1, 9)), sample=sample, seed=seed)))
        X_dec, _ = data.xy(data.labelled(data.load_flights(months=[12], sample=2000, seed=0)))
        return dict(model=zoo.logistic().fit(X, y), X=X, X_dec=X_dec)
    return ctx.cache(f"week08-lab-{sample}-{seed}", compute)


@hidden("q1_status", record=["predicted"])
def predicted_codes_are_the_servers(ctx):
    "predicted holds, for each of the six requests, the status code the real server app answers (sent by the grader)"
    from fastapi.testclient import TestClient
    from mlopslab.deploy import serve
    m = _lab(ctx)
    flight = {k: (None if v != v else v.item() if hasattr(v, "item") else v) for k, v in m["X"].iloc[0].to_dict().items()}
    bodies = {"valid": [flight], "string_number": [flight | {"distance": str(flight["distance"])}], "too_many": [flight] * 1001,
              "new_carrier": [flight | {"carrier": "ZZ"}], "missing_field": [{k: v for k, v in flight.items() if k != "temp"}],
              "month_13": [flight | {"month": 13}]}
    with TestClient(serve.create_app(m["model"])) as api:
        want = {k: api.post("/predict", json={"flights": b}).status_code for k, b in bodies.items()}
    got = ctx.value("predicted")
    assert isinstance(got, dict) and set(got) == set(want), "predicted does not have one entry per request"
    wrong = sorted(k for k in want if got.get(k) != want[k] or not isinstance(got.get(k), int))
    assert not wrong, f"the server answers differently to: {', '.join(wrong)}"


@hidden("q2_parity", record=["max_gap"])
def max_gap_is_the_parity_gap(ctx):
    "max_gap is the largest |P_onnx - P_native| on the December flights, recomputed by the grader's own conversion"
    from mlopslab import data
    from mlopslab.deploy import runtime
    m = _lab(ctx)
    def gap():
        cols = {c: [None if v != v else v for v in m["X_dec"][c].tolist()] for c in data.FEATURES}
        return runtime.parity(runtime.OnnxPredictor(m["model"]), runtime.NativePredictor(m["model"]), cols)
    g = ctx.cache(f"week08-gap-{id(m['model'])}", gap)
    got = ctx.value("max_gap")
    assert isinstance(got, float) and np.isfinite(got), "max_gap is not a float"
    assert 0.5 * g <= got <= 2 * g + 1e-9, "max_gap is not the largest absolute difference between ONNX and native on X_dec"


@hidden("q3_slo", record=["slo"])
def slo_is_the_servers_share_of_the_budget(ctx):
    "slo bounds p99 at 100 ms (300 ms minus the network's 200 ms) and errors at 0.1 %, and nothing else"
    from mlopslab.deploy import loadtest
    text = ctx.value("slo")
    assert isinstance(text, str), "slo is not a text"
    try: terms = {m: (op, v) for m, op, v in loadtest.parse_slo(text)}
    except Exception: raise AssertionError("slo is not in the syntax mlopslab loadtest --slo reads") from None
    assert terms.get("p99") == ("<=", 100.0), "the p99 objective is not the server's 100 ms share of the budget"
    assert terms.get("errors") == ("<=", 0.001), "the error objective is not one request in a thousand"
    assert set(terms) == {"p99", "errors"}, "the SLO has objectives the request did not name"

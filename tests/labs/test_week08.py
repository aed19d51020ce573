"Week 8's public checks catch the plausible wrong answers, naming the mistake (full marks and zero: tests/course/test_lab_contract.py)."
import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from mlopslab import data
from mlopslab.course.labspec import directives, lab_for, source
from mlopslab.deploy import loadtest, runtime, serve
from mlopslab.model import zoo


def _check(question: str) -> str:
    return next(source(c) for c in lab_for(8).nb["cells"] if c["cell_type"] == "code" and directives(source(c)).get("check") == question)


def _run(question: str, **ns):
    exec(compile(_check(question), question, "exec"), {"np": np, "pd": pd, "data": data, "runtime": runtime, "serve": serve,
                                                       "loadtest": loadtest, "TestClient": TestClient, **ns})


@pytest.fixture(scope="module")
def lab():
    X, y = data.xy(data.labelled(data.load_flights(months=[1, 2], sample=3000, seed=1)))
    model = zoo.logistic().fit(X, y)
    flight = {k: (None if v != v else v.item() if hasattr(v, "item") else v) for k, v in X.iloc[0].to_dict().items()}
    reqs = {"valid": {"flights": [flight]}, "string_number": {"flights": [flight | {"distance": str(flight["distance"])}]},
            "too_many": {"flights": [flight] * 1001}, "new_carrier": {"flights": [flight | {"carrier": "ZZ"}]},
            "missing_field": {"flights": [{k: v for k, v in flight.items() if k != "temp"}]}, "month_13": {"flights": [flight | {"month": 13}]}}
    X_dec, _ = data.xy(data.labelled(data.load_flights(months=[12], sample=400, seed=0)))
    return model, reqs, X_dec


RIGHT = {"valid": 200, "string_number": 422, "too_many": 413, "new_carrier": 200, "missing_field": 422, "month_13": 422}


@pytest.mark.parametrize("change, message", [
    ({"string_number": 200}, "not coerced: the schema is strict"),                 # expects "1065" to be read as a number
    ({"too_many": 422}, "refused as too large"),                                    # any bad body is a 422
    ({"new_carrier": 422}, "unseen carrier is not refused"),                        # unknown category = invalid input
    ({"missing_field": 200}, "only an explicit null is imputed"),                   # absent = null
    ({"month_13": 200}, "outside the range the schema declares"),
    ({"too_many": 400}, "differs from what the server answers"),                    # a plausible code, still not the server's
])
def test_q1_status_names_the_mistake(lab, change, message):
    model, reqs, _ = lab
    with pytest.raises(AssertionError, match=message):
        _run("q1_status", predicted=RIGHT | change, model=model, REQUESTS=reqs, CHAMPION="in-memory")
    _run("q1_status", predicted=dict(RIGHT), model=model, REQUESTS=reqs, CHAMPION="in-memory")


def _gap(model, X, how):
    onnx = runtime.OnnxPredictor(model)
    cols = {c: [None if v != v else v for v in X[c].tolist()] for c in data.FEATURES}
    if how == "labels": return float(np.max(np.abs((onnx.predict(cols) >= .5).astype(int) - model.predict(X))))
    d = np.abs(onnx.predict(cols) - model.predict_proba(X)[:, 1])
    return {"right": float(d.max()), "mean": float(d.mean()), "same": 0.0}[how]


@pytest.mark.parametrize("how, message", [("same", "both sides came from the same runtime"), ("mean", "not an average"),
                                          ("labels", "not 0/1 labels")])
def test_q2_parity_names_the_mistake(lab, how, message):
    model, _, X_dec = lab
    gap = _gap(model, X_dec, how)
    if how == "labels" and gap == 0.0: gap = 1.0        # labels agree on every row: the check still refuses a 0/1 difference
    with pytest.raises(AssertionError, match=message):
        _run("q2_parity", max_gap=gap, model=model, X_dec=X_dec)
    _run("q2_parity", max_gap=_gap(model, X_dec, "right"), model=model, X_dec=X_dec)


RUNS = {"onnx": {"requests": 1000, "failures": 0, "rps": 300.0, "p50_ms": 8.0, "p90_ms": 15.0, "p95_ms": 18.0, "p99_ms": 28.0, "max_ms": 40.0}}


@pytest.mark.parametrize("slo, message", [
    ("p50<=100ms,errors<=0.1%", "must bound p99, not the median"),     # the median
    ("p99<=300ms,errors<=0.1%", "the network's 200 ms comes off it"),  # the whole budget
    ("p99<=100ms,errors<=1%", "one in a thousand is 0.1 %, not 1 %"),
    ("p99<=100ms", "needs an error budget"),
    ("p99<=100ms,errors<=0.1%,rps>=100", "two objectives, no more"),
])
def test_q3_slo_names_the_mistake(slo, message):
    with pytest.raises(AssertionError, match=message):
        _run("q3_slo", slo=slo, runs=RUNS)
    _run("q3_slo", slo="p99<=100ms,errors<=0.1%", runs=RUNS)
    _run("q3_slo", slo="errors<=0.001, p99<=0.1s", runs=RUNS)          # same objectives, other spelling

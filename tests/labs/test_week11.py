"Week 11's public checks catch the plausible wrong answers, naming the mistake (full marks and zero: tests/course/test_lab_contract.py)."
import numpy as np
import pandas as pd
import pytest
from mlopslab.course.labspec import directives, lab_for, source
from mlopslab.data.flights import FEATURES
from mlopslab.monitor import drift


def _check(question: str) -> str:
    return next(source(c) for c in lab_for(11).nb["cells"] if c["cell_type"] == "code" and directives(source(c)).get("check") == question)


def _run(question: str, **ns):
    exec(compile(_check(question), question, "exec"), {"np": np, "pd": pd, "drift": drift, "FEATURES": FEATURES, **ns})


FEED = ["distance", "seats", "sched_hour", "weekday"]
rng = np.random.default_rng(0)
frame = lambda n, shift=0.0, scale=1.0: pd.DataFrame({"distance": rng.normal(1000, 300, n)*scale, "seats": rng.normal(150, 40, n),
                                                     "sched_hour": rng.integers(5, 23, n) + shift, "weekday": rng.integers(0, 7, n)})
REF = frame(4000)
STABLE = {pd.Timestamp("2013-03-04"): frame(800, shift=0.6), pd.Timestamp("2013-03-11"): frame(800)}   # a schedule shift: KS about 0.08, significant
INCIDENT = frame(800)
INCIDENT["distance"] = np.where(rng.random(800) < 0.35, INCIDENT.distance*1.609, INCIDENT.distance)
NS = dict(reference=REF, stable=STABLE, incident=INCIDENT, feed=FEED)


@pytest.mark.parametrize("ks_min, message", [(0.0, "too low"), (0.02, "too low"), (0.5, "too high"), (1.0, "too high"), (5, "a float between 0 and 1")])
def test_q1_ks_min_names_the_mistake(ks_min, message):
    with pytest.raises(AssertionError, match=message): _run("q1_ks_min", ks_min=ks_min, **NS)
    _run("q1_ks_min", ks_min=0.12, **NS)


RIGHT = ["carrier", "origin", "dest", "sched_hour", "weekday", "distance", "seats"]


@pytest.mark.parametrize("cols, message", [
    (FEATURES, "month differs"),
    ([c for c in FEATURES if c != "month"], "weather moves"),
    ([c for c in RIGHT if c != "distance"], "distance comes from a feed"),
    (["distance", "seats"], "a feed column is missing"),
])
def test_q2_page_columns_names_the_mistake(cols, message):
    with pytest.raises(AssertionError, match=message): _run("q2_page_columns", page_columns=list(cols))
    _run("q2_page_columns", page_columns=RIGHT)


ALERTS = dict.fromkeys(["MlopslabHighErrorRate", "MlopslabSlowPredictions", "MlopslabServerDown", "MlopslabFeedDrift",
                        "MlopslabSeasonalDrift", "MlopslabPerformanceDrop"], "")


@pytest.mark.parametrize("names, message", [
    (list(ALERTS), "broken feed"),
    (["MlopslabSeasonalDrift", "MlopslabPerformanceDrop", "MlopslabFeedDrift"], "broken feed"),
    (["MlopslabSeasonalDrift", "MlopslabPerformanceDrop", "MlopslabHighErrorRate"], "service's problems"),
    (["MlopslabSeasonalDrift"], "got worse on the labels"),
    (["MlopslabPerformanceDrop"], "season moved"),
])
def test_q3_retrain_on_names_the_mistake(names, message):
    with pytest.raises(AssertionError, match=message): _run("q3_retrain_on", retrain_on=names, ALERTS=ALERTS)
    _run("q3_retrain_on", retrain_on=["MlopslabSeasonalDrift", "MlopslabPerformanceDrop"], ALERTS=ALERTS)

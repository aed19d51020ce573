"""Hidden checks of week 11 (never shipped): the KS floor, the columns that page, the alerts that retrain.

The floor is graded on the grader's own copy of the lab's data for the run's parameters: the detector, run with
the student's `ks_min`, must stay silent on every stable week and report the incident.
"""
from mlopslab.course.checks import hidden

PAGE = {"carrier", "origin", "dest", "sched_hour", "weekday", "distance", "seats"}
RETRAIN = {"MlopslabSeasonalDrift", "MlopslabPerformanceDrop"}
FEED = ["distance", "seats", "sched_hour", "weekday"]


def _weeks(ctx):
    p = ctx.params or {}
    sample, seed = p.get("sample", 40000), int(p.get("seed", 42))
    def compute():
        import pandas as pd
        from mlopslab import data
        from mlopslab.data.flights import FEATURES
        year = data.load_flights(sample=sample, seed=seed)
        year["week"] = year.sched_dep.dt.to_period("W").dt.start_time
        reference = year[year.month <= 2][FEATURES]
        weeks = {w: g[FEATURES] for w, g in year[year.sched_dep >= "2013-03-04"].groupby("week") if len(g) > 100}
        incident = weeks[pd.Timestamp("2013-05-06")].copy()
        ewr = incident.origin == "EWR"
        incident["distance"] = incident.distance.where(~ewr, incident.distance*1.609)
        stable = [b for w, b in weeks.items() if w < pd.Timestamp("2013-05-01")]
        return reference, stable, incident
    return ctx.cache(f"week11-weeks-{sample}-{seed}", compute)


@hidden("q1_ks_min", record=["ks_min"])
def floor_is_silent_on_stable_weeks_and_catches_the_incident(ctx):
    "with your ks_min the detector, on the grader's data, reports nothing in March and April and reports Newark's kilometres"
    from mlopslab.monitor.drift import detect
    k = ctx.value("ks_min")
    assert isinstance(k, float) and 0 <= k <= 1, "ks_min is not a float between 0 and 1"
    reference, stable, incident = _weeks(ctx)
    assert not any(detect(reference[FEED], b[FEED], ks_min=k).drifted for b in stable), "with ks_min a stable week alarms"
    assert "distance" in detect(reference[FEED], incident[FEED], ks_min=k).drifted, "with ks_min the incident week's distance is not reported"


@hidden("q2_page_columns", record=["page_columns"])
def page_columns_are_the_feed_columns(ctx):
    "page_columns are the features from upstream feeds: no calendar, no weather, every feed column"
    got = ctx.value("page_columns")
    assert isinstance(got, list) and all(isinstance(c, str) for c in got), "page_columns is not a list of names"
    assert set(got) == PAGE, "page_columns are not exactly the feed columns"


@hidden("q3_retrain_on", record=["retrain_on"])
def retrain_on_the_alerts_a_new_model_fixes(ctx):
    "retrain_on holds the alerts a model trained on newer validated data can fix, and no other"
    got = ctx.value("retrain_on")
    assert isinstance(got, list) and set(got) == RETRAIN, "retrain_on is not the set of alerts that retraining fixes"

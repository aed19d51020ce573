"Production replay against the real model app: every flight answered in scheduled order at the chosen speed, labels joined only once they have arrived, performance by week; Evidently's report written on request."
import json, threading, time
import pytest
from mlopslab import data
from mlopslab.deploy import stack
from mlopslab.monitor.replay import performance_by_week, replay


@pytest.fixture(scope="module")
def served():
    import uvicorn
    from mlopslab.deploy.serve import create_app
    from mlopslab.model import zoo
    X, y = data.xy(data.load_flights(months=[1, 2], sample=4000, seed=0))
    port = stack.free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(zoo.logistic().fit(X, y)), host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=server.run, daemon=True); t.start()
    while not server.started: time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True; t.join(10)


def test_a_month_replayed_in_seconds_with_labels_arriving_later(served):
    march = data.load_flights(months=3, sample=3000, seed=1)
    speed = 31*86400/4                                           # March in about four seconds
    t0 = time.monotonic(); log = replay(served, march, speed=speed, tick=0.1); took = time.monotonic() - t0
    assert 3 <= took <= 30, took                                 # paced by the simulated clock, not sent at once
    assert len(log) == len(march) and (log.status == 200).all()
    assert log.sched_dep.is_monotonic_increasing and log.probability.between(0, 1).all()
    perf = performance_by_week(log, march)
    assert len(perf) == 5 and perf.predictions.sum() == len(march)
    assert perf.labelled.sum() == march.delayed.notna().sum()  # after the last arrival every landed flight has its label
    assert perf.auc.between(0.5, 0.9).all()
    mid = performance_by_week(log, march, as_of="2013-03-15")
    assert mid.labelled.sum() < perf.labelled.sum() and mid.labelled.iloc[-1] == 0   # the last week's labels are not in yet on the 15th


def test_a_refused_request_is_logged_not_dropped(served):
    march = data.load_flights(months=3, sample=50, seed=1)
    march.loc[march.index[:10], "distance"] = -5.0              # out of the schema's bounds: a 422
    log = replay(served, march, speed=1e9, max_batch=10)
    assert len(log) == len(march) and (log.status == 422).sum() >= 10 and log.probability.isna().sum() >= 10


def test_drift_report_html(tmp_path):
    from mlopslab.monitor.drift import drift
    from mlopslab.data.flights import FEATURES
    june = data.load_flights(months=6)[FEATURES]
    june.iloc[:3000].to_parquet(tmp_path/"a.parquet"); june.iloc[3000:6000].to_parquet(tmp_path/"b.parquet")
    rep = drift(tmp_path/"a.parquet", tmp_path/"b.parquet", report=tmp_path/"r.html")
    assert rep.html and (tmp_path/"r.html").stat().st_size > 10_000 and "<html" in (tmp_path/"r.html").read_text()[:2000].lower()

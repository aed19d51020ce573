"""Tuning's bad input: a study whose SQLite storage another process holds locked is a clear error, not a traceback."""
import sqlite3, threading

import pytest

from mlopslab import data
from mlopslab.config import get_config
from mlopslab.model import tune as T


@pytest.fixture(scope="module")
def train(tmp_path_factory):
    cfg = get_config(workspace=tmp_path_factory.mktemp("ws"))
    return data.labelled(data.load_flights(months=[1, 2, 3], sample=1500, seed=0, cfg=cfg))


def test_locked_storage_is_a_clear_error(train, tmp_path):
    cfg = get_config(workspace=tmp_path)
    db = tmp_path/"optuna.db"
    T.tune(train, n_trials=1, max_iter=9, track=False, storage=f"sqlite:///{db}", cfg=cfg)   # the study exists
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")                     # another process writing: nobody else may read or write
    try:
        with pytest.raises(T.TuneError) as e:
            T.tune(train, n_trials=1, max_iter=9, track=False, storage=f"sqlite:///{db}", cfg=cfg)
    finally:
        holder.execute("ROLLBACK"); holder.close()
    msg = str(e.value)
    assert "is locked" in msg and "another process" in msg and "storage" in msg, msg
    # once the lock is gone the same call resumes the study: nothing was lost
    study = T.tune(train, n_trials=1, max_iter=9, track=False, storage=f"sqlite:///{db}", cfg=cfg)
    assert len(study.trials) == 2


def test_test_months_refused(train, tmp_path):
    with pytest.raises(Exception, match="test month"):
        T.tune(train, n_trials=1, max_iter=9, track=False, storage="memory", test_months=(2,), cfg=get_config(workspace=tmp_path))

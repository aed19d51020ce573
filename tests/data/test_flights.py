import pandas as pd
import pytest
from mlopslab import data
from mlopslab.config import get_config
from mlopslab.errors import DataError


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return get_config(workspace=tmp_path_factory.mktemp("ws"))


@pytest.fixture(scope="module")
def full(cfg):
    return data.load_flights(cfg=cfg)


def test_full_table_shape_and_joins(full):
    assert len(full) == 336_776
    raw = data.read_table("flights")
    assert len(full) == len(raw), "joins must not duplicate or drop flights"
    for col in data.FEATURES + [data.LABEL, "cancelled", "sched_dep", "carrier_name"]:
        assert col in full.columns
    assert full.temp.notna().mean() > 0.98, "weather joins for almost every flight"


def test_label_definition(full):
    flown = full[full.arr_delay.notna()]
    assert (flown[data.LABEL] == (flown.arr_delay > 15)).all()
    assert full.loc[full.cancelled, data.LABEL].isna().all()


def test_cache_is_used(cfg, full):
    assert (cfg.data_dir/"flights_joined.parquet").exists()
    again = data.load_flights(months=3, cfg=cfg)
    assert set(again.month) == {3} and len(again) == (full.month == 3).sum()


def test_sampling_is_deterministic_and_seeded(cfg):
    a = data.load_flights(sample=3000, seed=1, cfg=cfg)
    b = data.load_flights(sample=3000, seed=1, cfg=cfg)
    c = data.load_flights(sample=3000, seed=2, cfg=cfg)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c) and len(c) == 3000
    assert len(data.load_flights(months=[1], sample=0.1, cfg=cfg)) == round(0.1 * 27004)


@pytest.mark.parametrize("kw,needle", [(dict(months=[0]), "months 1 to 12"), (dict(months="jan"), "months"),
                                       (dict(sample=0), "row count"), (dict(sample=1.5), "row count"),
                                       (dict(sample=True), "row count")])
def test_bad_arguments_explain(cfg, kw, needle):
    with pytest.raises(DataError, match=needle):
        data.load_flights(cfg=cfg, **kw)


def test_time_split_has_no_leakage(full):
    df = data.labelled(full)
    train, test = data.time_split(df, test_size=0.25)
    assert train.sched_dep.max() < test.sched_dep.min()
    assert len(train) + len(test) == len(df)
    assert abs(len(test) / len(df) - 0.25) < 0.01
    assert not set(zip(train.sched_dep, train.flight, train.carrier)) & set(zip(test.sched_dep, test.flight, test.carrier))


def test_time_split_rejects_bad_sizes(full):
    with pytest.raises(DataError, match="fraction"):
        data.time_split(full, test_size=1.2)
    with pytest.raises(DataError, match="cannot split"):
        data.time_split(full.head(1))


def test_monthly_batches_cover_the_year_in_order(full):
    batches = list(data.monthly_batches(full))
    assert [m for m, _ in batches] == list(range(1, 13))
    assert sum(len(b) for _, b in batches) == len(full)
    assert all((b.month == m).all() for m, b in batches)


def test_xy_drops_unlabelled(full):
    X, y = data.xy(full.head(5000))
    assert list(X.columns) == data.FEATURES and len(X) == len(y) == full.head(5000)[data.LABEL].notna().sum()

"Data versioning: DVC round trip is byte-identical, past versions readable, bad batches never overwrite."
import hashlib, shutil
from pathlib import Path
import pandas as pd
import pytest
from mlopslab.config import get_config, activate
from mlopslab.data import load_flights
from mlopslab.errors import DataError
from mlopslab.version import init_repo, commit_version, commit_file, push, pull, read_version, list_versions, checkout, remote_url

def md5(p): return hashlib.md5(Path(p).read_bytes()).hexdigest()

@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    cfg = activate(get_config(workspace=tmp_path_factory.mktemp("ws")))
    repo = init_repo(cfg.workspace/"datarepo", cfg)
    jan, feb = load_flights(1, sample=1500, cfg=cfg), load_flights(2, sample=1500, cfg=cfg)
    commit_version(repo, jan, "January", tag="v1")
    commit_version(repo, pd.concat([jan, feb], ignore_index=True), "add February", tag="v2")
    return cfg, repo, jan, feb

@pytest.mark.slow
def test_round_trip_byte_identical(setup):
    cfg, repo, jan, feb = setup
    f = repo/"data"/"flights.parquet"
    before = md5(f)
    push(repo)
    assert any(cfg.dvc_remote.rglob("*")), "push wrote nothing to the remote"
    shutil.rmtree(repo/".dvc"/"cache"); f.unlink()
    assert not f.exists()
    pull(repo)
    assert md5(f) == before
    assert len(pd.read_parquet(f)) == 3000

@pytest.mark.slow
def test_versions_listed_and_readable(setup):
    cfg, repo, jan, feb = setup
    vs = list_versions(repo)
    assert [v["rows"] for v in vs] == [3000, 1500] and len({v["md5"] for v in vs}) == 2
    old = read_version(repo, "v1")
    h = lambda d: pd.util.hash_pandas_object(d, index=False)   # Parquet reads missing strings as None, pandas made NaN: same null
    assert list(old.columns) == list(jan.columns) and old.dtypes.equals(jan.dtypes)
    assert h(old).equals(h(jan.reset_index(drop=True)))
    checkout(repo, "v1"); assert len(pd.read_parquet(repo/"data"/"flights.parquet")) == 1500
    checkout(repo, "main"); assert len(pd.read_parquet(repo/"data"/"flights.parquet")) == 3000

@pytest.mark.slow
@pytest.mark.parametrize("corrupt", [
    lambda d: d.drop(columns=["carrier"]),
    lambda d: d.astype({"month": str}),
    lambda d: d.assign(distance=-d.distance),
    lambda d: d.head(0),
])
def test_bad_batch_never_overwrites(setup, corrupt):
    cfg, repo, jan, feb = setup
    f = repo/"data"/"flights.parquet"
    before, n = md5(f), len(list_versions(repo))
    with pytest.raises(DataError, match="refused"): commit_version(repo, corrupt(jan.copy()), "bad")
    assert md5(f) == before and len(list_versions(repo)) == n
    assert any((cfg.workspace/"quarantine").iterdir())

def test_remote_url_per_target(tmp_path):
    assert remote_url(get_config(workspace=tmp_path)) == str(tmp_path.resolve()/"dvc-remote")
    assert remote_url(get_config(workspace=tmp_path, target="gcp")).startswith("gs://")
    assert remote_url(get_config(workspace=tmp_path, target="aws")).startswith("s3://")

def test_read_unknown_revision(setup):
    with pytest.raises(DataError, match="cannot read"): read_version(setup[1], "no-such-rev")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["empty", "truncated", "not_a_table", "wrong_columns", "out_of_range"])
def test_bad_file_never_overwrites(setup, tmp_path, kind):
    cfg, repo, jan, feb = setup
    f, src = repo/"data"/"flights.parquet", tmp_path/"batch.parquet"
    jan.to_parquet(src)
    if kind == "empty": src.write_bytes(b"")
    if kind == "truncated": src.write_bytes(src.read_bytes()[:4000])
    if kind == "not_a_table": src = tmp_path/"batch.csv"; src.write_bytes(b"\x00\x01binary\xff" * 100)
    if kind == "wrong_columns": src = tmp_path/"batch.csv"; src.write_text("a,b\n1,2\n")
    if kind == "out_of_range": jan.assign(month=13).to_parquet(src)
    before, n = md5(f), len(list_versions(repo))
    with pytest.raises(DataError, match="refused") as e: commit_file(repo, src, "bad file")
    assert md5(f) == before and len(list_versions(repo)) == n
    assert {"empty": "empty", "truncated": "not a readable table", "not_a_table": "not", "wrong_columns": "missing_column",
            "out_of_range": "month: range"}[kind] in str(e.value)


def test_good_file_is_versioned(tmp_path):
    cfg = activate(get_config(workspace=tmp_path/"ws"))
    repo = init_repo(cfg.workspace/"r", cfg)
    src = tmp_path/"jan.csv"; load_flights(1, sample=300, cfg=cfg).to_csv(src, index=False)
    commit_file(repo, src, "January from CSV")
    assert [v["rows"] for v in list_versions(repo)] == [300]

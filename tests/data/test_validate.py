"Validation: schema rules, corrupt files, quarantine, CLI exit codes, speed."
import json, subprocess, sys
from pathlib import Path
import pytest
from mlopslab.config import get_config, activate
from mlopslab.data import load_flights
from mlopslab.data.validate import validate, check_batch, read_batch, to_pandera
from mlopslab.errors import DataError

@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    return activate(get_config(workspace=tmp_path_factory.mktemp("ws")))

@pytest.fixture(scope="module")
def jan(ws): return load_flights(1, sample=3000, cfg=ws)

def rules(rep): return {(f.column, f.rule) for f in rep.failures}

def test_clean_batch_passes(jan): assert validate(jan).ok

@pytest.mark.parametrize("corrupt,expected", [
    (lambda d: d.drop(columns=["distance"]), ("distance", "missing_column")),
    (lambda d: d.astype({"distance": str}), ("distance", "dtype")),
    (lambda d: d.assign(distance=d.distance.where(d.index != 7, -5)), ("distance", "range")),
    (lambda d: d.assign(dep_time=d.dep_time.where(d.index != 7, 1275.0)), ("dep_time", "hhmm")),
    (lambda d: d.assign(carrier=d.carrier.where(d.index != 7, "ZZ")), ("carrier", "allowed")),
    (lambda d: d.head(0), ("*", "empty")),
])
def test_corruptions_are_named(jan, corrupt, expected):
    rep = validate(corrupt(jan.copy()))
    assert not rep.ok and expected in rules(rep), str(rep)
    assert expected[0] in str(rep)

def test_duplicates_and_cancelled_times(jan):
    d = jan.copy()
    d = d._append(d.iloc[[5]], ignore_index=True)
    i = d.index[d.dep_time.notna()][0]
    d.loc[i, "dep_time"] = None   # a "cancelled" flight that still has an arrival delay
    rep = validate(d)
    got = {f.rule: f for f in rep.failures}
    assert "duplicate_rows" in got and got["duplicate_rows"].examples == [len(d) - 1]
    assert i in got["missing_together"].examples

def test_dtype_failure_names_the_values_that_are_not_numbers(jan):
    d = jan.astype({"distance": object}); d.loc[[3, 9], "distance"] = ["1,089", "n/a"]   # a thousands separator; a text NA
    f = next(f for f in validate(d).failures if f.rule == "dtype")
    assert (f.column, f.count, f.examples) == ("distance", 1, [3]) and "1,089" in f.detail
    f = next(f for f in validate(jan.astype({"dep_delay": str})).failures if f.rule == "dtype")
    assert f.count == 0 and "number stored as text" in f.detail
    f = next(f for f in validate(jan.assign(flight=jan.flight + 0.5 * (jan.index == 4))).failures if f.rule == "dtype")
    assert f.examples == [4] and "whole numbers" in f.detail

def test_arrival_values_need_an_arrival_time(jan):
    i = jan.index[jan.arr_delay.notna()][:2]
    rep = validate(jan.assign(arr_time=jan.arr_time.where(~jan.index.isin(i))))
    f = next(f for f in rep.failures if f.column.startswith("arr_time+"))
    assert f.rule == "missing_together" and f.examples == list(i)

def test_quarantine_folders_are_unique_and_keep_the_name(ws, jan, tmp_path):
    f = tmp_path/"2013-07.parquet"; jan.assign(distance=-jan.distance).to_parquet(f)
    a, b = check_batch(f, cfg=ws), check_batch(f, cfg=ws)
    assert a.quarantined != b.quarantined and all("2013-07.parquet" in Path(r.quarantined).name for r in (a, b))
    assert all((Path(r.quarantined)/"2013-07.parquet").exists() for r in (a, b))
    assert json.loads((Path(b.quarantined)/"report.json").read_text())["quarantined"] == b.quarantined

def test_new_category_against_reference(jan):
    ref = jan[jan.carrier != "HA"]
    d = jan.copy(); d.loc[0, "carrier"] = "HA"
    assert ("carrier", "new_category") in rules(validate(d, reference=ref))
    assert validate(d).ok

def _cli(args, ws):
    from conftest import run_cli
    return run_cli("data", *args, env={"MLOPSLAB_WORKSPACE": str(ws.workspace)})

BROKEN = {
    "empty.csv": b"",
    "truncated.parquet": None,       # filled from a real file below
    "notatable.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
    "wrong_columns.csv": b"a,b,c\n1,2,3\n4,5,6\n",
    "wrong_types.csv": None,
    "cut_mid_row.csv": None,
    "out_of_range.csv": None,
}

@pytest.mark.slow
@pytest.mark.parametrize("name", list(BROKEN))
def test_cli_rejects_corrupt_files(ws, jan, tmp_path, name):
    f = tmp_path/name
    if name == "truncated.parquet":
        jan.to_parquet(tmp_path/"full.parquet"); data = (tmp_path/"full.parquet").read_bytes(); f.write_bytes(data[: len(data)//2])
    elif name == "wrong_types.csv": jan.assign(month="January").to_csv(f, index=False)
    elif name == "cut_mid_row.csv": jan.to_csv(f, index=False); f.write_text(f.read_text()[:-50])
    elif name == "out_of_range.csv": jan.assign(distance=-jan.distance).to_csv(f, index=False)
    else: f.write_bytes(BROKEN[name])
    before = sorted((ws.workspace/"quarantine").glob("*")) if (ws.workspace/"quarantine").exists() else []
    r = _cli(["validate", str(f)], ws)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "FAIL" in r.stdout and str(f) in r.stdout
    after = sorted((ws.workspace/"quarantine").glob("*"))
    assert len(after) == len(before) + 1 and (after[-1]/"report.json").exists()
    if name == "wrong_columns.csv": assert "missing_column" in r.stdout
    if name == "wrong_types.csv": assert "month: dtype" in r.stdout and "January" in r.stdout
    if name == "cut_mid_row.csv": assert "truncated" in r.stdout and "fields" in r.stdout
    if name == "out_of_range.csv": assert "distance: range" in r.stdout

def test_cli_passes_good_file(ws, jan, tmp_path):
    jan.to_csv(tmp_path/"jan.csv", index=False)
    r = _cli(["validate", str(tmp_path/"jan.csv"), "--reference", str(tmp_path/"jan.csv")], ws)
    assert r.returncode == 0 and r.stdout.startswith("PASS"), r.stdout + r.stderr

def test_full_table_passes(ws):
    "The whole year is clean under the schema (its speed is measured by benchmarks/data/bench_data.py)."
    df = load_flights(cfg=ws)
    rep = validate(df)
    assert len(df) == 336776 and rep.ok, str(rep)

def test_pandera_peer_agrees_on_range(jan):
    import pandera.errors as pe
    with pytest.raises(pe.SchemaErrors): to_pandera().validate(jan.assign(distance=-1), lazy=True)

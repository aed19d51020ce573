"`mlopslab monitor drift`: exit 0 on one month's two halves, 1 naming every injected shift with its test, statistic and threshold, 2 with a clear message on inputs it cannot compare."
import subprocess, sys
import numpy as np
import pandas as pd
import pytest
from mlopslab.data.flights import FEATURES, load_flights
from mlopslab.monitor.drift import detect

CLI = [sys.executable, "-m", "mlopslab.cli"]


@pytest.fixture(scope="module")
def halves():
    june = load_flights(months=6)[FEATURES].sample(frac=1, random_state=0).reset_index(drop=True)
    return june.iloc[:8000].reset_index(drop=True), june.iloc[8000:16000].reset_index(drop=True)


def run(*args, cwd=None):
    r = subprocess.run(CLI + ["monitor", "drift", *map(str, args)], capture_output=True, text=True, timeout=120, cwd=cwd)
    return r.returncode, r.stdout + r.stderr


def test_same_distribution_exits_0(tmp_path, halves):
    a, b = halves
    a.to_parquet(tmp_path/"ref.parquet"); b.to_csv(tmp_path/"cur.csv", index=False)
    code, out = run(tmp_path/"ref.parquet", tmp_path/"cur.csv")
    assert code == 0, out
    assert out.startswith("0 of 13 columns drifted")


def test_injected_shifts_exit_1_naming_each(tmp_path, halves):
    a, b = halves[0], halves[1].copy()
    b["temp"] = (b.temp - 32)*5/9                                        # a sensor feed switched to Celsius
    b.loc[b.sample(frac=0.1, random_state=1).index, "carrier"] = "ZZ"    # a new carrier
    b.loc[b.sample(frac=0.3, random_state=2).index, "visib"] = np.nan    # a feed losing readings
    a.to_parquet(tmp_path/"ref.parquet"); b.to_parquet(tmp_path/"cur.parquet")
    code, out = run(tmp_path/"ref.parquet", tmp_path/"cur.parquet")
    assert code == 1, out
    assert "DRIFT temp: ks 1 >= 0.1" in out
    assert "DRIFT carrier: unseen 0.1 > 0.01" in out and "DRIFT carrier: chi2_psi" in out
    assert "DRIFT visib: missing 0.3" in out
    assert out.startswith("3 of 13 columns drifted")


def test_no_false_alarm_on_many_stable_batches(halves):
    "Holm's correction: 20 same-distribution batches of 13 columns (520 tests) raise at most one alarm between them."
    a = halves[0]
    pool = halves[1]
    alarms = sum(bool(detect(a, pool.sample(2000, random_state=s)).drifted) for s in range(20))
    assert alarms <= 1


def test_the_effect_floor_ignores_a_tiny_real_change(halves):
    a, b = halves[0], halves[1].copy()
    b["temp"] = b.temp + 0.3                   # significant with 8,000 rows, too small to matter
    rep = detect(a, b)
    t = next(t for t in rep.tests if t["column"] == "temp")
    assert t["statistic"] < 0.1 and rep.drifted == []
    assert detect(a, b, ks_min=0.0).drifted == ["temp"] or t["p_adjusted"] >= 0.01


@pytest.mark.parametrize("case, message", [
    ("missing_column", "lacks column(s) ['dest']"),
    ("extra_column", "extra column(s) ['gate']"),
    ("empty_file", "is empty"),
    ("header_only", "current has no rows"),
    ("all_missing", "column 'humid' is missing in every row of the current"),
    ("one_row_reference", "the reference has 1 row(s)"),
    ("no_file", "does not exist"),
])
def test_bad_input_exits_2_with_a_clear_message(tmp_path, halves, case, message):
    a, b = halves[0].head(500), halves[1].head(500)
    ref, cur = tmp_path/"ref.csv", tmp_path/"cur.csv"
    a.to_csv(ref, index=False)
    if case == "missing_column": b.drop(columns="dest").to_csv(cur, index=False)
    elif case == "extra_column": b.assign(gate="B12").to_csv(cur, index=False)
    elif case == "empty_file": cur.write_text("")
    elif case == "header_only": b.head(0).to_csv(cur, index=False)
    elif case == "all_missing": b.assign(humid=np.nan).to_csv(cur, index=False)
    elif case == "one_row_reference": a.head(1).to_csv(ref, index=False); b.to_csv(cur, index=False)
    elif case == "no_file": pass
    code, out = run(ref, cur)
    assert code == 2, out
    assert message in out and "Traceback" not in out

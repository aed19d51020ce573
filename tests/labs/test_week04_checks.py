"Week 4's public checks against plausible wrong answers: each fails with a message naming the mistake (no lab run)."
import types
from pathlib import Path
import pandas as pd
import pytest
from mlopslab import data
from mlopslab.course.labspec import directives, lab_for, source
from mlopslab.data import validate

SPEC = lab_for(4)


def check(q: str, **ns):
    "Run question `q`'s public check cells in a namespace holding `ns`."
    env = {"pd": pd, "validate": validate, "Path": Path, **ns}
    for src in SPEC.questions[q].checks: exec(compile(src, f"check {q}", "exec"), env)
    return env


def fails(q: str, match: str, **ns):
    with pytest.raises(AssertionError, match=match): check(q, **ns)


def solution(q: str, **ns) -> dict:
    src = next(source(c) for c in SPEC.nb["cells"] if c["cell_type"] == "code" and directives(source(c)).get("exercise") == q)
    env = {"pd": pd, "validate": validate, "Path": Path, **ns}
    exec(src, env)
    return env


@pytest.fixture(scope="module")
def frames():
    flights = data.load_flights(sample=20000, seed=42)
    reference = flights[flights.month <= 6].reset_index(drop=True)
    batch = flights[flights.month == 7].reset_index(drop=True)
    hot = batch.copy(); hot.loc[:9, "temp"] = 500.0
    km = batch[batch.origin == "LGA"].reset_index(drop=True)
    km["distance"] = (km["distance"] * 1.609344).round().astype(km["distance"].dtype)
    corruptions = {k: validate.corrupt(batch, k, seed=42) for k in validate.CORRUPTIONS}
    return dict(reference=reference, batch=batch, hot=hot, km=km, corruptions=corruptions)


def _q1(frames, rule, clean_ok=None, hot_failures=None):
    schema = {**validate.FLIGHTS_SCHEMA, "temp": rule}
    ok = validate.validate(frames["batch"], schema=schema).ok if clean_ok is None else clean_ok
    hf = [(f.column, f.rule, f.count) for f in validate.validate(frames["hot"], schema=schema).failures] if hot_failures is None else hot_failures
    return dict(my_schema=schema, clean_ok=ok, hot_failures=hf, **frames)


def test_q1_right_answer_passes(frames):
    check("q1_extend_schema", **solution("q1_extend_schema", **frames))


@pytest.mark.parametrize("rule, message", [
    (validate.Column("float", nullable=False, min=-30, max=120), "refuses missing readings"),
    (validate.Column("float", nullable=True, min=-30, max=None), "no upper bound below 500"),
    (validate.Column("float", nullable=True, min=40, max=120), "range is too narrow"),
    (validate.Column("float", nullable=True, min=-30, max=600), "no upper bound below 500"),
])
def test_q1_wrong_rules_are_named(frames, rule, message):
    fails("q1_extend_schema", message, **_q1(frames, rule))


def test_q1_wrong_results_are_named(frames):
    good = validate.Column("float", nullable=True, min=-30, max=120)
    fails("q1_extend_schema", "clean_ok is not True", **_q1(frames, good, clean_ok="yes"))
    fails("q1_extend_schema", "validate `hot` with my_schema", **_q1(frames, good, hot_failures=[]))
    only_temp = {"temp": good}
    fails("q1_extend_schema", "lost some of the course schema", **{**_q1(frames, good), "my_schema": only_temp})


def _caught(frames, reference=True, sort=True):
    out = {}
    for k, d in frames["corruptions"].items():
        rules = list({f.rule for f in validate.validate(d, reference=frames["reference"] if reference else None).failures})
        out[k] = sorted(rules) if sort else sorted(rules, reverse=True)
    return out


def test_q2_right_answer_passes(frames):
    check("q2_catch", **solution("q2_catch", **frames))


@pytest.mark.parametrize("kw, message", [
    (dict(reference=False), "without the reference batch"),
    (dict(sort=False), "sorted list of distinct rule names"),
])
def test_q2_wrong_answers_are_named(frames, kw, message):
    fails("q2_catch", message, caught=_caught(frames, **kw), **frames)


def test_q2_missing_entry_is_named(frames):
    c = _caught(frames); c.pop("wrong_dtype")
    fails("q2_catch", "one entry per corruption", caught=c, **frames)


def _mismatch_all_rows(new, ref):                   # compares with the reference's MEAN distance: every row differs
    return int((new["distance"] != ref["distance"].mean()).sum())

def _mismatch_unseen_too(new, ref):                 # a left merge counts unseen routes (NaN != x) as mismatches
    known = ref.groupby(["origin", "dest"])["distance"].first().rename("r").reset_index()
    both = new.merge(known, on=["origin", "dest"], how="left")
    return int((both["distance"] != both["r"]).sum())

def _mismatch_by_dest_only(new, ref):               # keys on the destination alone: EWR and JFK routes to one dest differ slightly
    known = ref.groupby("dest")["distance"].max().rename("r").reset_index()
    both = new.merge(known, on="dest")
    return int((both["distance"] > both["r"] + 100).sum())

def _mismatch_numpy(new, ref):                      # right count, wrong type
    import numpy as np
    return np.int64(solution("q4_route_check")["route_mismatches"](new, ref))


def test_q4_right_answer_passes(frames):
    env = check("q4_route_check", **solution("q4_route_check", **frames))
    assert env["n_km"] > 0.9 * len(frames["km"])


@pytest.mark.parametrize("fn, message", [
    (_mismatch_all_rows, "flags the real July batch"),
    (_mismatch_unseen_too, "counts routes the reference has never seen"),
    (_mismatch_by_dest_only, "misses a single changed distance"),
    (_mismatch_numpy, "should return a Python int"),
])
def test_q4_wrong_answers_are_named(frames, fn, message):
    fails("q4_route_check", message, route_mismatches=fn, **frames)


def test_q3_wrong_answers_are_named(frames, tmp_path):
    cfg = types.SimpleNamespace(workspace=tmp_path)
    reports = {"truncated": "report"}
    base = dict(cfg=cfg, reports=reports, rejected=["truncated"], quarantined=[])
    fails("q3_quarantine", "only the clean batch should pass", accepted=["clean", "truncated"], **base)
    fails("q3_quarantine", "truncated file must be rejected", accepted=["clean"], **{**base, "rejected": []})
    fails("q3_quarantine", "quarantine folder of its own", accepted=["clean"], **base)


def test_q3_reasons_wrong_answers_are_named(tmp_path):
    "reasons must be read from each rejected batch's own report: a missing batch, repeats, or the wrong rules are named."
    (tmp_path/"quarantine"/"f1").mkdir(parents=True); (tmp_path/"quarantine"/"f1"/"report.json").write_text("{}")
    failing = types.SimpleNamespace(ok=False, failures=[types.SimpleNamespace(rule="unreadable")], quarantined=str(tmp_path/"quarantine"/"f1"))
    base = dict(cfg=types.SimpleNamespace(workspace=tmp_path), reports={"clean": types.SimpleNamespace(ok=True, failures=[]), "truncated": failing},
                accepted=["clean"], rejected=["truncated"], quarantined=["f1"])
    fails("q3_quarantine", "one entry per rejected stem", reasons={}, **base)                                  # left empty
    fails("q3_quarantine", "one entry per rejected stem", reasons={"clean": [], "truncated": ["unreadable"]}, **base)  # the accepted one too
    fails("q3_quarantine", "sorted list of distinct", reasons={"truncated": ["unreadable", "unreadable"]}, **base)     # one per failure
    fails("q3_quarantine", "does not hold the rules", reasons={"truncated": ["dtype"]}, **base)                # made up, or another report's
    check("q3_quarantine", reasons={"truncated": ["unreadable"]}, **base)

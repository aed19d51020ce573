"""Hidden checks of week 4 (never shipped): an extended schema, every corruption caught, a quarantine gate.

Expected values are recomputed in this process from the run's parameters: the student's temp rule is re-run on
the grader's own July batch, the corruptions are regenerated and validated here, and the quarantine folders the
notebook left behind are read as trusted copies (`ctx.file`).
"""
import json, math, re
from mlopslab.course.checks import hidden

QUARANTINE = "ws/quarantine"           # the workspace's quarantine, relative to the graded notebook's folder
FOLDER = re.compile(r"[\w.\-]+")


def _batches(ctx) -> tuple:
    "The lab's reference (January-June), July batch and hot batch for this run's parameters."
    p = ctx.params or {}
    sample, seed = p.get("sample", 20000), int(p.get("seed", 42))
    def compute():
        from mlopslab import data
        flights = data.load_flights(sample=sample, seed=seed)
        reference = flights[flights.month <= 6].reset_index(drop=True)
        batch = flights[flights.month == 7].reset_index(drop=True)
        hot = batch.copy(); hot.loc[:9, "temp"] = 500.0
        return reference, batch, hot
    return ctx.cache(f"week04-batches-{sample}-{seed}", compute)


def _rule(d) -> "Column":
    "A `Column` rebuilt from the recorded plain fields of the student's temp rule (nothing else is accepted)."
    from mlopslab.data.validate import Column, KINDS
    assert isinstance(d, dict) and set(d) == {"kind", "nullable", "min", "max", "allowed"}, "temp_rule is not a Column's fields"
    num = lambda v: v is None or (type(v) in (int, float) and math.isfinite(v))
    assert d["kind"] in KINDS and type(d["nullable"]) is bool and num(d["min"]) and num(d["max"]), "the temp rule has fields of the wrong type"
    assert d["allowed"] is None or (isinstance(d["allowed"], list) and all(type(v) is str for v in d["allowed"])), "temp's allowed values are not strings"
    return Column(d["kind"], d["nullable"], d["min"], d["max"], tuple(d["allowed"]) if d["allowed"] is not None else None)


@hidden("q1_extend_schema", record=["temp_rule", "clean_ok", "hot_failures"])
def temp_rule_catches_exactly_the_broken_readings(ctx):
    "your temp rule, re-run by the grader, passes the real July batch and flags exactly the ten 500 F readings; your results agree"
    from mlopslab.data.validate import validate, FLIGHTS_SCHEMA
    _, batch, hot = _batches(ctx)
    schema = {**FLIGHTS_SCHEMA, "temp": _rule(ctx.value("temp_rule"))}
    assert validate(batch, schema=schema).ok, "the real July batch fails your temp rule (is the range too narrow, or temp not nullable?)"
    got = [(f.column, f.rule, f.count) for f in validate(hot, schema=schema).failures]
    assert got == [("temp", "range", 10)], "your temp rule should flag exactly the ten broken readings, as a range failure"
    assert ctx.value("clean_ok") is True, "clean_ok is not what validating the real batch with my_schema gives"
    assert [tuple(x) for x in ctx.value("hot_failures")] == got, "hot_failures is not what validating the hot batch with my_schema gives"


@hidden("q2_catch", record=["caught"])
def every_corruption_caught_by_its_rule(ctx):
    "caught is, for every corruption, the sorted rules that fail it against the reference, as recomputed by the grader"
    from mlopslab.data.validate import CORRUPTIONS, corrupt, validate
    p = ctx.params or {}
    seed = int(p.get("seed", 42))
    reference, batch, _ = _batches(ctx)      # outside the next ctx.cache: its lock is not reentrant
    def compute():
        return {k: sorted({f.rule for f in validate(corrupt(batch, k, seed=seed), reference=reference).failures}) for k in CORRUPTIONS}
    expected = ctx.cache(f"week04-caught-{p.get('sample', 20000)}-{seed}", compute)
    caught = ctx.value("caught")
    assert isinstance(caught, dict) and set(caught) == set(expected), "caught needs one entry per corruption"
    for k, rules in expected.items():
        assert caught[k] == rules, f"caught[{k!r}] is not the sorted list of the rules that fail it (validate against the reference)"


@hidden("q3_quarantine", record=["accepted", "rejected", "quarantined", "reasons"])
def only_clean_batch_accepted(ctx):
    "only the clean batch is accepted; every corrupted and the truncated file has its own quarantine folder holding it and its failing report, whose failing rules reasons lists"
    from mlopslab.data.validate import CORRUPTIONS
    expected = sorted([*CORRUPTIONS, "truncated"])
    assert ctx.value("accepted") == ["clean"], "only the clean batch should be accepted"
    assert ctx.value("rejected") == expected, "every corrupted and the truncated file should be rejected"
    folders = ctx.value("quarantined")
    assert isinstance(folders, list) and len(folders) == len(expected) and all(isinstance(q, str) and FOLDER.fullmatch(q) for q in folders), \
        "quarantined should list one quarantine folder name per rejected batch"
    for stem in expected:
        q = next((q for q in folders if f"-{stem}.parquet-" in q), None)
        assert q, f"no quarantine folder for {stem}.parquet"
        report = json.loads(ctx.file(f"{QUARANTINE}/{q}/report.json").read_text())
        assert report.get("ok") is False and str(report.get("source", "")).endswith(f"{stem}.parquet"), f"the report in {q} is not {stem}'s failing report"
        assert ctx.file(f"{QUARANTINE}/{q}/{stem}.parquet").stat().st_size > 0, f"{q} does not hold a copy of {stem}.parquet"
        rules = sorted({f.get("rule") for f in report.get("failures", []) if isinstance(f, dict)})
        assert (ctx.value("reasons") or {}).get(stem) == rules, f"reasons[{stem!r}] is not the rules of the failures in its quarantined report"


@hidden("q4_route_check", probe="q4_route_check")
def route_check_catches_the_kilometre_batch(ctx):
    "route_mismatches counts exactly the rows whose known route carries another distance: none in July, every kilometre row, three changed rows, no unseen route"
    from mlopslab import data
    def compute():
        flights = data.load_flights(sample=20000, seed=42)
        reference = flights[flights.month <= 6]
        km = flights[(flights.month == 7) & (flights.origin == "LGA")].reset_index(drop=True)
        km_dist = (km["distance"] * 1.609344).round()
        known = reference.groupby(["origin", "dest"])["distance"].first()
        ref_d = [known.get((o, d)) for o, d in zip(km.origin, km.dest)]
        return int(sum(r is not None and r != k for r, k in zip(ref_d, km_dist)))
    expected_km = ctx.cache("week04-km-20000-42", compute)
    got = ctx.probe("q4_route_check")
    assert got["clean"] == 0, "route_mismatches flags rows of the real July batch"
    assert got["three"] == 3, "route_mismatches does not count exactly the three rows whose distance was changed"
    assert got["unseen"] == 0, "route_mismatches counts rows whose route the reference has never seen"
    assert got["km"] == expected_km, "route_mismatches does not flag every kilometre row of a known route"

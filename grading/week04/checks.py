"Hidden checks of week 4 (never shipped): an extended schema, every corruption caught, a quarantine gate."
from mlopslab.grading import hidden

EXPECTED = {   # the rule each generated corruption must trip (others may fire too)
    "missing_column": "missing_column", "wrong_dtype": "dtype", "negative_distance": "range",
    "impossible_times": "hhmm", "duplicated_rows": "duplicate_rows", "unseen_carrier": "new_category",
}


@hidden("q1_extend_schema", record=["clean_ok", "hot_failures"])
def temp_rule_catches_exactly_the_broken_readings(ctx):
    "the extended schema passes the real batch and flags exactly the ten 500 F readings as a temp range failure"
    assert ctx.has("clean_ok") and ctx.has("hot_failures"), "`clean_ok` or `hot_failures` was not set"
    assert ctx.value("clean_ok") is True, "the real batch should pass the extended schema"
    got = [tuple(x) for x in ctx.value("hot_failures")]
    assert ("temp", "range", 10) in got, "the temp range rule should flag exactly the ten broken readings"
    assert all(c == "temp" for c, _, _ in got), "only temp should fail on the hot batch (is another rule too strict?)"


@hidden("q2_catch", record=["caught"])
def every_corruption_caught_by_its_rule(ctx):
    "each generated corruption is caught by the rule made for it, and rule lists are sorted and distinct"
    assert ctx.has("caught"), "`caught` was not set"
    caught = ctx.value("caught")
    assert isinstance(caught, dict) and set(caught) == set(EXPECTED), "caught needs one entry per corruption"
    for k, rule in EXPECTED.items():
        v = caught[k]
        assert isinstance(v, list) and v == sorted(set(v)), f"caught[{k!r}] is not a sorted list of distinct rule names"
        assert rule in v, f"{k} was not caught by its rule"
    assert "new_category" in caught["unseen_carrier"], "validate against the reference to get the statistical checks"


@hidden("q3_quarantine", record=["accepted", "rejected", "n_quarantined"])
def only_clean_batch_accepted(ctx):
    "only the clean batch is accepted; every corrupted or truncated file is rejected and quarantined"
    for n in ("accepted", "rejected", "n_quarantined"): assert ctx.has(n), f"`{n}` was not set"
    assert ctx.value("accepted") == ["clean"], "only the clean batch should be accepted"
    assert ctx.value("rejected") == sorted([*EXPECTED, "truncated"]), "every corrupted and the truncated file should be rejected"
    assert ctx.value("n_quarantined") == len(EXPECTED) + 1, "each rejected file should have its own quarantine folder"

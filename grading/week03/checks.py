"Hidden checks of week 3 (never shipped): a new data version, time travel, a lossless push/pull round trip."
import re
from mlopslab.grading import hidden, close

HEX40, HEX32 = re.compile(r"[0-9a-f]{40}"), re.compile(r"[0-9a-f]{32}")


def _rows(ctx) -> int:
    return int((ctx.params or {}).get("rows_per_month", 5000))


@hidden("q1_add_february", record=["versions", "rev_feb"])
def february_is_a_second_version(ctx):
    "the repo lists two versions, newest first: January+February (tag v2-feb) then January, with different hashes"
    assert ctx.has("versions") and ctx.has("rev_feb"), "`versions` or `rev_feb` was not set"
    vs = ctx.value("versions")
    assert isinstance(vs, list) and len(vs) == 2, "versions should list exactly two data versions"
    assert [v.get("rows") for v in vs] == [2 * _rows(ctx), _rows(ctx)], "the rows per version are not January+February then January"
    assert all(isinstance(v.get("md5"), str) and HEX32.fullmatch(v["md5"]) for v in vs), "each version needs an MD5 hash"
    assert vs[0]["md5"] != vs[1]["md5"], "the two versions have the same data hash: February was not added"
    assert isinstance(ctx.value("rev_feb"), str) and HEX40.fullmatch(ctx.value("rev_feb")), "rev_feb is not a git commit hash"
    assert vs[0]["rev"] == ctx.value("rev_feb") and vs[0]["message"] == "add February", "the newest version is not the 'add February' commit"


@hidden("q2_time_travel", record=["n_old", "auc_old", "auc_v1", "auc_v2"])
def old_result_reproduced(ctx):
    "the v1-jan data was read back and reproduces the AUC of version 1 exactly"
    for n in ("n_old", "auc_old", "auc_v1"): assert ctx.has(n), f"`{n}` was not set"
    assert ctx.value("n_old") == _rows(ctx), "n_old is not the number of January rows in v1-jan"
    auc_old, auc_v1 = ctx.value("auc_old"), ctx.value("auc_v1")
    assert isinstance(auc_old, float) and 0.5 < auc_old < 1, "auc_old is not an AUC"
    assert close(auc_old, auc_v1, 1e-12), "auc_old does not reproduce auc_v1"
    assert not close(auc_old, ctx.value("auc_v2"), 1e-9), "auc_old equals the v2 AUC: it was computed on the new data"


@hidden("q3_round_trip", record=["md5_before", "md5_after", "wiped"])
def round_trip_is_byte_identical(ctx):
    "after push, wiping cache and file, and pull, the data file is byte-identical"
    for n in ("md5_before", "md5_after", "wiped"): assert ctx.has(n), f"`{n}` was not set"
    assert ctx.value("wiped") is True, "the data file was not deleted before pulling"
    a, b = ctx.value("md5_before"), ctx.value("md5_after")
    assert isinstance(a, str) and HEX32.fullmatch(a), "md5_before is not an MD5 hex digest"
    assert a == b, "the pulled file is not byte-identical to the pushed one"

"""Hidden checks of week 3 (never shipped): a new data version, time travel, a lossless push/pull round trip.

Nothing here trusts a value only because it agrees with another student value. The expected data versions are
recomputed in this process from the run's parameters (the Parquet bytes of a version are deterministic, so their
MD5 is too), and the files the notebook left behind are read as trusted copies (`ctx.file`): the data file, its
`.dvc` pointer, the local remote and the cache.
"""
import hashlib, re
import yaml
from mlopslab.course.checks import hidden, close

REPO = "ws/week03/datarepo"            # the lab's repo, relative to the graded notebook's folder (workspace ws/)
REMOTE = "ws/dvc-remote"               # the local DVC remote of that workspace
HEX40 = re.compile(r"[0-9a-f]{40}")


def _params(ctx) -> tuple[int, int, int]:
    p = ctx.params or {}
    return int(p.get("rows_per_month", 5000)), int(p.get("seed", 42)), int(p.get("n_estimators", 20))


def _expected(ctx) -> dict:
    "MD5 of version 1 (January) and version 2 (January+February) as the lab writes them, and the baseline AUC on version 1."
    rows, seed, trees = _params(ctx)
    def compute():
        import io, pandas as pd
        from mlopslab import data
        from mlopslab.model import zoo
        jan, feb = (data.load_flights(months=m, sample=rows, seed=seed) for m in (1, 2))
        def md5(df):
            buf = io.BytesIO(); df.to_parquet(buf, index=False); return hashlib.md5(buf.getvalue()).hexdigest()
        tr, te = data.time_split(data.labelled(jan), test_size=0.2)
        model = zoo.forest(seed=seed, n_estimators=trees).fit(*data.xy(tr))
        return dict(v1=md5(jan), v2=md5(pd.concat([jan, feb], ignore_index=True)), auc_v1=zoo.evaluate(model, *data.xy(te))["auc"])
    return ctx.cache(f"week03-{rows}-{seed}-{trees}", compute)


def _md5(ctx, rel: str) -> str|None:
    "MD5 of a trusted copy of file `rel` the notebook left, or None when there is no such file."
    try: return hashlib.md5(ctx.file(rel).read_bytes()).hexdigest()
    except AssertionError: return None


def _object(root: str, md5: str) -> str:
    "Where DVC 3 keeps the file with hash `md5` under a cache or remote folder."
    return f"{root}/files/md5/{md5[:2]}/{md5[2:]}"


@hidden("q1_add_february", record=["versions", "rev_feb"])
def february_is_a_second_version(ctx):
    "the repo's current version is January+February of this run (checked on its .dvc pointer), listed newest first above January"
    exp, (rows, _, _) = _expected(ctx), _params(ctx)
    pointer = yaml.safe_load(ctx.file(f"{REPO}/data/flights.parquet.dvc").read_text())
    assert pointer["outs"][0]["md5"] == exp["v2"], "the versioned data is not January then February (fresh index) of this run"
    vs = ctx.value("versions")
    assert isinstance(vs, list) and len(vs) == 2, "versions should list exactly two data versions"
    assert [v.get("md5") for v in vs] == [exp["v2"], exp["v1"]], "versions should list January+February, then January"
    assert [v.get("rows") for v in vs] == [2 * rows, rows], "the rows per version are not January+February then January"
    rev = ctx.value("rev_feb")
    assert isinstance(rev, str) and HEX40.fullmatch(rev), "rev_feb is not a git commit hash"
    assert vs[0]["rev"] == rev and vs[0]["message"] == "add February", "the newest version is not the 'add February' commit"


@hidden("q2_time_travel", record=["n_old", "auc_old"])
def old_result_reproduced(ctx):
    "the v1-jan data was read back: its row count and the baseline's AUC on it match version 1, recomputed by the grader"
    exp, (rows, _, _) = _expected(ctx), _params(ctx)
    assert ctx.value("n_old") == rows, "n_old is not the number of January rows in v1-jan"
    auc_old = ctx.value("auc_old")
    assert isinstance(auc_old, float), "auc_old is not a float"
    assert close(auc_old, exp["auc_v1"], 1e-9), "auc_old is not the baseline's AUC on the v1-jan data"


@hidden("q3_round_trip", record=["md5_before", "md5_after", "wiped"])
def round_trip_is_byte_identical(ctx):
    "after the push, the wipe and the pull, the data file is byte-identical to version 2, the remote holds both versions and the cache was emptied"
    exp = _expected(ctx)
    assert ctx.value("wiped") is True, "the data file was not deleted before pulling"
    assert ctx.value("md5_before") == exp["v2"], "md5_before is not the MD5 of the versioned data file"
    assert ctx.value("md5_after") == exp["v2"], "md5_after is not the MD5 of the versioned data file"
    assert _md5(ctx, f"{REPO}/data/flights.parquet") == exp["v2"], "the data file left in the repo is not version 2, byte for byte"
    if (ctx.params or {}).get("target", "local") == "local":
        for v in ("v1", "v2"):
            assert _md5(ctx, _object(REMOTE, exp[v])) == exp[v], f"the remote does not hold version {v[1]}: push every commit with version.push"
    assert _md5(ctx, _object(f"{REPO}/.dvc/cache", exp["v1"])) is None, "January's data is still in the cache: delete the cache before pulling"

"""Hidden checks of week 3 (never shipped): a new data version typed with git and DVC, time travel by checkout, a lossless push/pull round trip.

Nothing here trusts a value only because it agrees with another student value. The expected data versions are
recomputed in this process from the run's parameters (the Parquet bytes of a version are deterministic, so their
MD5 is too), and the files the notebook left behind are read as trusted copies (`ctx.file`): the data file, its
`.dvc` pointer, the local remote and the cache, and the repo's own git objects (refs, commits, trees and the
committed pointers, decompressed here), so what a version holds is read from git, not from what the notebook says.
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


def _git_object(ctx, sha: str) -> tuple[str, bytes]:
    "(kind, body) of the loose git object `sha` in the submission's repo, read from a trusted copy of its file."
    import zlib
    assert HEX40.fullmatch(sha or ""), "not a git object name"
    try: raw = zlib.decompress(ctx.file(f"{REPO}/.git/objects/{sha[:2]}/{sha[2:]}").read_bytes())
    except zlib.error: raise AssertionError("a git object of the repo is damaged") from None
    head, _, body = raw.partition(b"\0")
    return head.split(b" ")[0].decode(), body


def _ref(ctx, name: str) -> str|None:
    "The commit a ref (refs/tags/NAME, refs/heads/NAME) names, following an annotated tag; None when there is no such ref."
    try: sha = ctx.file(f"{REPO}/.git/{name}").read_text().strip()
    except AssertionError: return None
    kind, body = _git_object(ctx, sha)
    if kind == "tag": sha = body.split(b"\n")[0].split(b" ")[1].decode()
    return sha


def _commit(ctx, sha: str) -> dict:
    "tree, parents and message of commit `sha`."
    kind, body = _git_object(ctx, sha)
    assert kind == "commit", "a version's ref does not name a commit"
    head, _, message = body.decode(errors="replace").partition("\n\n")
    fields = [l.split(" ", 1) for l in head.splitlines() if " " in l]
    return dict(tree=next(v for k, v in fields if k == "tree"), parents=[v for k, v in fields if k == "parent"], message=message)


def _tree(ctx, sha: str) -> dict[str, str]:
    "{name: object} of tree `sha`."
    kind, body, out = *_git_object(ctx, sha), {}
    assert kind == "tree", "a commit's tree is not a tree"
    while body:
        head, _, rest = body.partition(b"\0")
        out[head.split(b" ", 1)[1].decode()] = rest[:20].hex()
        body = rest[20:]
    return out


def _committed_data(ctx, commit: str) -> tuple[str|None, bool]:
    "(MD5 in data/flights.parquet.dvc, whether git holds data/flights.parquet itself) in `commit`."
    root = _tree(ctx, _commit(ctx, commit)["tree"])
    data = _tree(ctx, root["data"]) if "data" in root else {}
    if "flights.parquet.dvc" not in data: return None, "flights.parquet" in data
    kind, body = _git_object(ctx, data["flights.parquet.dvc"])
    outs = (yaml.safe_load(body.decode()) or {}).get("outs") or [{}]
    return outs[0].get("md5"), "flights.parquet" in data


@hidden("q1_add_february", record=["versions", "rev_feb"])
def february_is_a_second_version_in_git_and_the_remote(ctx):
    "the git objects of the repo hold a commit 'add February' tagged v2-feb on main, whose .dvc pointer names January+February of this run (and whose parent names January), the data itself is not in git, and the DVC remote holds it"
    exp, (rows, _, _) = _expected(ctx), _params(ctx)
    tagged = _ref(ctx, "refs/tags/v2-feb")
    assert tagged, "the repo has no tag v2-feb"
    rev = ctx.value("rev_feb")
    assert isinstance(rev, str) and rev == tagged, "rev_feb is not the commit the tag v2-feb names"
    commit = _commit(ctx, tagged)
    assert commit["message"].splitlines()[0] == "add February", "the commit tagged v2-feb is not the 'add February' commit"
    assert f"rows: {2 * rows}" in commit["message"].splitlines(), "the commit message has no paragraph 'rows: N' with the rows of January and February"
    md5, data_in_git = _committed_data(ctx, tagged)
    assert not data_in_git, "git holds the data file itself, not only its .dvc pointer"
    assert md5 == exp["v2"], "the .dvc pointer committed in v2-feb does not name January then February (fresh index) of this run"
    assert len(commit["parents"]) == 1 and _committed_data(ctx, commit["parents"][0])[0] == exp["v1"], "the v2-feb commit does not follow January's version"
    assert _ref(ctx, "refs/heads/main") == tagged, "the branch main does not end at the v2-feb commit"
    if (ctx.params or {}).get("target", "local") == "local":
        assert _md5(ctx, _object(REMOTE, exp["v2"])) == exp["v2"], "the DVC remote does not hold February's version"
    vs = ctx.value("versions")
    assert isinstance(vs, list) and [v.get("md5") for v in vs] == [exp["v2"], exp["v1"]], "versions should list January+February, then January"
    assert [v.get("rows") for v in vs] == [2 * rows, rows] and vs[0].get("rev") == tagged, "versions does not list the rows and commit of each version"


@hidden("q2_time_travel", record=["n_old", "auc_old", "predicted_rows"])
def old_result_reproduced_and_back_on_main(ctx):
    "the prediction (a git checkout alone leaves the data file as it was) is right, the v1-jan data was read back (rows and baseline AUC recomputed by the grader), and the repo ended on main"
    exp, (rows, _, _) = _expected(ctx), _params(ctx)
    assert ctx.value("predicted_rows") == 2 * rows, "the prediction is wrong: git ignores the data file, so a git checkout alone leaves January+February in it"
    assert ctx.value("n_old") == rows, "n_old is not the number of January rows in v1-jan"
    auc_old = ctx.value("auc_old")
    assert isinstance(auc_old, float), "auc_old is not a float"
    assert close(auc_old, exp["auc_v1"], 1e-9), "auc_old is not the baseline's AUC on the v1-jan data"
    assert ctx.file(f"{REPO}/.git/HEAD").read_text().strip() == "ref: refs/heads/main", "the repo is not back on the branch main"


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

"Data versioning: DVC round trip is byte-identical, past versions readable, bad batches never overwrite, cloud remotes named right."
import hashlib, importlib.util, shutil
from pathlib import Path
import pandas as pd
import pytest
from mlopslab.config import get_config, activate
from mlopslab.data import load_flights
from mlopslab.errors import DataError, DependencyError
from mlopslab.data import version
from mlopslab.data.version import (init_repo, commit_version, commit_file, push, pull, read_version, list_versions, checkout,
                              remote_url, remote_options, repo_env, git, in_sync)

def md5(p): return hashlib.md5(Path(p).read_bytes()).hexdigest()

@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    cfg = activate(get_config(workspace=tmp_path_factory.mktemp("ws")))
    repo = init_repo(cfg.workspace/"datarepo", cfg)
    jan, feb = load_flights(1, sample=1500, cfg=cfg), load_flights(2, sample=1500, cfg=cfg)
    commit_version(repo, jan, "January", tag="v1", cfg=cfg)
    commit_version(repo, pd.concat([jan, feb], ignore_index=True), "add February", tag="v2", cfg=cfg)
    return cfg, repo, jan, feb

@pytest.mark.slow
def test_round_trip_byte_identical(setup):
    cfg, repo, jan, feb = setup
    f = repo/"data"/"flights.parquet"
    before = md5(f)
    push(repo, cfg=cfg)
    assert any(cfg.dvc_remote.rglob("*")), "push wrote nothing to the remote"
    assert in_sync(repo, cfg=cfg)
    shutil.rmtree(repo/".dvc"/"cache"); f.unlink()
    assert not f.exists()
    pull(repo, cfg=cfg)
    assert md5(f) == before
    assert len(pd.read_parquet(f)) == 3000

@pytest.mark.slow
def test_versions_listed_and_readable(setup):
    cfg, repo, jan, feb = setup
    vs = list_versions(repo, cfg=cfg)
    assert [v["rows"] for v in vs] == [3000, 1500] and len({v["md5"] for v in vs}) == 2
    old = read_version(repo, "v1", cfg=cfg)
    h = lambda d: pd.util.hash_pandas_object(d, index=False)   # Parquet reads missing strings as None, pandas made NaN: same null
    assert list(old.columns) == list(jan.columns) and old.dtypes.equals(jan.dtypes)
    assert h(old).equals(h(jan.reset_index(drop=True)))
    checkout(repo, "v1", cfg=cfg); assert len(pd.read_parquet(repo/"data"/"flights.parquet")) == 1500
    with pytest.raises(DataError, match="detached HEAD"): commit_version(repo, jan, "on a detached head", cfg=cfg)
    checkout(repo, "main", cfg=cfg); assert len(pd.read_parquet(repo/"data"/"flights.parquet")) == 3000

@pytest.mark.slow
def test_tags_are_never_moved_silently(setup):
    cfg, repo, jan, feb = setup
    v1, n = git(repo, "rev-parse", "v1", cfg=cfg).strip(), len(list_versions(repo, cfg=cfg))
    with pytest.raises(DataError, match="tag 'v1' already names a data version") as e:
        commit_version(repo, feb, "February alone", tag="v1", cfg=cfg)
    assert "move_tag=True" in str(e.value)
    assert git(repo, "rev-parse", "v1", cfg=cfg).strip() == v1 and len(list_versions(repo, cfg=cfg)) == n, "nothing was committed"
    rev = commit_version(repo, pd.concat([jan, feb], ignore_index=True).head(2000), "a deliberate retag", tag="v1", move_tag=True, cfg=cfg)
    assert git(repo, "rev-parse", "v1", cfg=cfg).strip() == rev
    commit_version(repo, pd.concat([jan, feb], ignore_index=True), "back to January+February", cfg=cfg)

@pytest.mark.slow
def test_pull_and_checkout_keep_unversioned_edits(setup):
    cfg, repo, jan, feb = setup
    f = repo/"data"/"flights.parquet"
    jan.head(10).to_parquet(f)                      # an edit that was never versioned
    edited = md5(f)
    with pytest.raises(DataError, match="pull would overwrite data you changed"): pull(repo, cfg=cfg)
    with pytest.raises(DataError, match="changed since its last version"): checkout(repo, "v2", cfg=cfg)
    assert md5(f) == edited and git(repo, "rev-parse", "--abbrev-ref", "HEAD", cfg=cfg).strip() == "main"
    pull(repo, force=True, cfg=cfg)                 # on purpose: the edit is discarded
    assert len(pd.read_parquet(f)) == 3000

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
    before, n = md5(f), len(list_versions(repo, cfg=cfg))
    with pytest.raises(DataError, match="refused") as e: commit_version(repo, corrupt(jan.copy()), "bad", cfg=cfg)
    assert md5(f) == before and len(list_versions(repo, cfg=cfg)) == n
    q = Path(str(e.value).split("are in ")[-1].strip())
    assert (q/"flights.parquet").exists() and (q/"report.json").exists(), "the batch is quarantined under its file name"

def test_two_refusals_in_one_second_keep_both(setup):
    cfg, repo, jan, feb = setup
    folders = []
    for _ in range(2):
        with pytest.raises(DataError, match="refused") as e: commit_version(repo, jan.drop(columns=["carrier"]), "bad twice", cfg=cfg)
        folders.append(Path(str(e.value).split("are in ")[-1].strip()))
    assert folders[0] != folders[1] and all((q/"report.json").exists() and "flights.parquet" in q.name for q in folders)

def test_read_unknown_revision(setup):
    with pytest.raises(DataError, match="cannot read"): read_version(setup[1], "no-such-rev", cfg=setup[0])


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["empty", "truncated", "not_a_table", "wrong_columns", "wrong_types", "cut_mid_row", "out_of_range"])
def test_bad_file_never_overwrites(setup, tmp_path, kind):
    cfg, repo, jan, feb = setup
    f, src = repo/"data"/"flights.parquet", tmp_path/"batch.parquet"
    jan.to_parquet(src)
    if kind == "empty": src.write_bytes(b"")
    if kind == "truncated": src.write_bytes(src.read_bytes()[:4000])
    if kind == "not_a_table": src = tmp_path/"batch.csv"; src.write_bytes(b"\x00\x01binary\xff" * 100)
    if kind == "wrong_columns": src = tmp_path/"batch.csv"; src.write_text("a,b\n1,2\n")
    if kind == "wrong_types": src = tmp_path/"batch.csv"; jan.assign(month="January").to_csv(src, index=False)
    if kind == "cut_mid_row": src = tmp_path/"batch.csv"; jan.to_csv(src, index=False); src.write_text(src.read_text()[:-60])
    if kind == "out_of_range": jan.assign(month=13).to_parquet(src)
    before, n = md5(f), len(list_versions(repo, cfg=cfg))
    with pytest.raises(DataError, match="refused") as e: commit_file(repo, src, "bad file", cfg=cfg)
    assert md5(f) == before and len(list_versions(repo, cfg=cfg)) == n
    assert {"empty": "empty", "truncated": "not a readable table", "not_a_table": "not", "wrong_columns": "missing_column",
            "wrong_types": "month: dtype", "cut_mid_row": "truncated", "out_of_range": "month: range"}[kind] in str(e.value)
    if kind == "wrong_types": assert "January" in str(e.value), "a dtype failure names the values that are not numbers"


def test_good_file_is_versioned(setup, tmp_path):
    cfg = activate(get_config(workspace=tmp_path/"ws"))
    repo = init_repo(cfg.workspace/"r", cfg)
    src = tmp_path/"jan.csv"; setup[2].head(300).to_csv(src, index=False)
    commit_file(repo, src, "January from CSV", cfg=cfg)
    assert [v["rows"] for v in list_versions(repo, cfg=cfg)] == [300]


def test_user_git_config_and_home_are_kept_out(setup, tmp_path, monkeypatch):
    "A ~/.gitconfig that signs commits and runs a failing hook, and a system config, cannot break or leak into lab commits."
    home = tmp_path/"home"; hooks = home/"hooks"; hooks.mkdir(parents=True)
    (hooks/"pre-commit").write_text("#!/bin/sh\necho hook ran >&2\nexit 1\n"); (hooks/"pre-commit").chmod(0o755)
    (home/".gitconfig").write_text(f"[user]\n\tname = Real Person\n\temail = me@example.com\n[commit]\n\tgpgsign = true\n"
                                   f"[gpg]\n\tprogram = /bin/false\n[core]\n\thooksPath = {hooks}\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_DIR", str(tmp_path/"elsewhere"))    # a stray GIT_DIR must not redirect the lab's git
    cfg = activate(get_config(workspace=tmp_path/"ws"))
    repo = init_repo(cfg.workspace/"r", cfg)
    commit_version(repo, setup[2].head(200), "January", cfg=cfg)
    assert git(repo, "log", "-1", "--format=%an <%ae>", cfg=cfg).strip() == "mlopslab student <student@mlopslab.invalid>"
    env = repo_env(cfg)
    assert env["HOME"] == str(cfg.workspace/"home") and env["GIT_CONFIG_GLOBAL"] == str(cfg.workspace/"gitconfig")
    assert env["GIT_CONFIG_NOSYSTEM"] == "1" and env["DVC_GLOBAL_CONFIG_DIR"].startswith(str(cfg.workspace))
    assert env["DVC_SITE_CACHE_DIR"].startswith(str(cfg.workspace)) and env["DVC_NO_ANALYTICS"] == "1"
    assert "analytics = false" in (repo/".dvc"/"config").read_text()
    assert sorted(p.name for p in home.iterdir()) == [".gitconfig", "hooks"], "nothing was written to the real home"
    assert not (tmp_path/"elsewhere").exists()


def test_remote_url_per_target(tmp_path, monkeypatch):
    monkeypatch.delenv("MLOPSLAB_DVC_BUCKET", raising=False); monkeypatch.delenv("OS_REGION_NAME", raising=False)
    assert remote_url(get_config(workspace=tmp_path)) == str(tmp_path.resolve()/"dvc-remote")
    assert remote_url(get_config(workspace=tmp_path, target="aws"), bucket="my-bucket") == "s3://my-bucket/dvc"
    monkeypatch.setenv("MLOPSLAB_DVC_BUCKET", "gs://course-artifacts")
    assert remote_url(get_config(workspace=tmp_path, target="gcp")) == "gs://course-artifacts/dvc"


def test_cloud_bucket_comes_from_terraform_outputs(tmp_path, monkeypatch):
    import mlopslab.infra.terraform
    monkeypatch.delenv("MLOPSLAB_DVC_BUCKET", raising=False); monkeypatch.delenv("OS_REGION_NAME", raising=False)
    outputs = {"aws": "s3://mlopslab-artifacts-123456789012", "gcp": "gs://mlopslab-artifacts-proj", "chameleon": "swift://me-artifacts"}
    monkeypatch.setattr(mlopslab.infra.terraform, "output", lambda target, cfg=None: {"bucket": outputs[target], "ssh": "ssh x"})
    cfg = lambda t: get_config(workspace=tmp_path, target=t)
    assert remote_url(cfg("aws")) == "s3://mlopslab-artifacts-123456789012/dvc"
    assert remote_url(cfg("gcp")) == "gs://mlopslab-artifacts-proj/dvc"
    assert remote_url(cfg("chameleon")) == "s3://me-artifacts/dvc", "DVC has no swift remote: Chameleon is reached over S3"
    assert remote_options(cfg("chameleon")) == {"endpointurl": "https://chi.tacc.chameleoncloud.org:7480"}
    monkeypatch.setenv("OS_REGION_NAME", "CHI@UC")
    assert remote_options(cfg("chameleon")) == {"endpointurl": "https://chi.uc.chameleoncloud.org:7480"}
    monkeypatch.setenv("OS_REGION_NAME", "KVM@Mars")
    with pytest.raises(DataError, match="OS_REGION_NAME"): remote_options(cfg("chameleon"))
    assert remote_options(cfg("aws")) == {}


def test_cloud_target_without_terraform_state_says_how_to_name_the_bucket(tmp_path, monkeypatch):
    monkeypatch.delenv("MLOPSLAB_DVC_BUCKET", raising=False)
    with pytest.raises(DataError, match="no bucket is known") as e: remote_url(get_config(workspace=tmp_path, target="aws"))
    assert "mlopslab infra apply --target aws" in str(e.value) and "MLOPSLAB_DVC_BUCKET" in str(e.value)


def test_missing_cloud_plugin_names_the_pip_command(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in ("dvc_s3", "dvc_gs") else real(name, *a))
    cfg = get_config(workspace=tmp_path/"ws", target="gcp", dvc_bucket="b")
    with pytest.raises(DependencyError, match="'dvc-gs==3.1.0' is not installed") as e: init_repo(tmp_path/"ws"/"r", cfg)
    assert "pip install dvc-gs==3.1.0" in str(e.value)
    assert not (tmp_path/"ws"/"r").exists(), "nothing is created before the check"


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("dvc_s3") is not None, reason="dvc-s3 is installed: the missing-plugin path cannot be seen")
def test_chameleon_repo_is_configured_for_s3_and_push_explains_the_plugin(setup, tmp_path, monkeypatch):
    monkeypatch.delenv("OS_REGION_NAME", raising=False)
    monkeypatch.setattr(version, "require_plugin", lambda url: None)     # as if dvc-s3 were installed, for init only
    cfg = get_config(workspace=tmp_path/"ws", target="chameleon", dvc_bucket="swift://me-artifacts")
    repo = init_repo(tmp_path/"ws"/"r", cfg)
    conf = (repo/".dvc"/"config").read_text()
    assert "url = s3://me-artifacts/dvc" in conf and "endpointurl = https://chi.tacc.chameleoncloud.org:7480" in conf
    commit_version(repo, setup[2].head(200), "January", cfg=cfg)
    with pytest.raises(DependencyError, match="'dvc-s3==3.3.0' is not installed") as e: push(repo, cfg=cfg)
    assert "pip install dvc-s3==3.3.0" in str(e.value)

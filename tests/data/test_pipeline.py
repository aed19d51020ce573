"The week-5 pipeline: a gate keeps bad batches out, dvc repro reruns only what changed, lineage is committed, the Airflow DAG works on a fresh clone."
import json, runpy, subprocess
from pathlib import Path
import pandas as pd
import pytest
import yaml
from mlopslab.config import get_config, activate
from mlopslab.errors import DataError
from mlopslab.data.pipeline import create_pipeline, repro, add_batch, admit_batch, PARAMS_YAML, DVC_YAML
from mlopslab.data.version import dvc, git, push, repo_env

from conftest import ROOT
STAGES = ["ingest", "validate", "featurize", "split", "train"]

@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    cfg = activate(get_config(workspace=tmp_path_factory.mktemp("ws")))
    return cfg, create_pipeline(cfg.workspace/"pipeline", months=(1,), sample=2000, cfg=cfg)

def head(p, cfg): return git(p, "rev-parse", "HEAD", cfg=cfg).strip()

@pytest.mark.slow
def test_repro_reruns_only_what_changed_and_commits_lineage(pipe):
    cfg, p = pipe
    assert repro(p, cfg=cfg) == STAGES
    assert git(p, "status", "--porcelain", cfg=cfg) == "", "dvc.lock, metrics and the report are committed after a run"
    assert "dvc.lock" in git(p, "show", "--name-only", "--format=", "HEAD", cfg=cfg)
    m1 = json.loads((p/"metrics"/"train.json").read_text())
    assert 0.5 < m1["auc"] <= 1 and m1["train_rows"] + m1["test_rows"] <= 2000
    before = head(p, cfg)
    assert repro(p, cfg=cfg) == [] and head(p, cfg) == before, "nothing ran, nothing committed"
    (p/"params.yaml").write_text(PARAMS_YAML.replace("test_size: 0.2", "test_size: 0.3"))
    assert repro(p, cfg=cfg) == ["split", "train"]
    diff = dvc(p, "params", "diff", "HEAD~1", "--json", cfg=cfg)
    assert {k: v for k, v in json.loads(diff)["params.yaml"]["split.test_size"].items() if k != "diff"} == {"old": 0.2, "new": 0.3}
    mdiff = json.loads(dvc(p, "metrics", "diff", "HEAD~1", "--json", cfg=cfg))["metrics/train.json"]
    assert mdiff["test_rows"]["new"] > mdiff["test_rows"]["old"] and mdiff["test_rows"]["diff"] > 0
    add_batch(p, 2, sample=2000, cfg=cfg)
    assert repro(p, cfg=cfg) == STAGES
    m2 = json.loads((p/"metrics"/"train.json").read_text())
    assert m2["train_rows"] + m2["test_rows"] > m1["train_rows"] + m1["test_rows"]
    dag = dvc(p, "dag", cfg=cfg)
    assert "batches.dvc" in dag and "ingest" in dag and "train" in dag
    assert "auc" in dvc(p, "metrics", "show", cfg=cfg)
    dvc(p, "plots", "show", cfg=cfg)
    assert "calibration" in (p/"dvc_plots"/"index.html").read_text(), "dvc plots show writes the HTML report locally"

@pytest.mark.slow
def test_batches_are_versioned_and_a_fresh_clone_is_up_to_date(pipe, tmp_path):
    cfg, p = pipe
    repro(p, cfg=cfg)
    tracked = yaml.safe_load((p/"batches.dvc").read_text())["outs"][0]
    assert tracked["path"] == "batches" and tracked["nfiles"] == len(list((p/"batches").glob("*.parquet")))
    lock = yaml.safe_load((p/"dvc.lock").read_text())["stages"]
    assert next(d for d in lock["ingest"]["deps"] if d["path"] == "batches")["md5"] == tracked["md5"]
    push(p, cfg=cfg)
    clone = tmp_path/"clone"
    subprocess.run(["git", "clone", "-q", str(p), str(clone)], check=True, env=repo_env(cfg))
    dvc(clone, "pull", cfg=cfg)
    assert "up to date" in dvc(clone, "status", cfg=cfg), "a fresh clone + dvc pull has every input and output of the last run"
    assert (clone/"model.pkl").read_bytes() == (p/"model.pkl").read_bytes()

@pytest.mark.slow
def test_gate_quarantines_bad_batches_and_never_merges_them(pipe):
    cfg, p = pipe
    jan = pd.read_parquet(p/"batches"/"2013-01.parquet")
    before, files = head(p, cfg), sorted((p/"batches").iterdir())
    with pytest.raises(DataError, match="was refused") as e: admit_batch(p, jan.assign(distance=-jan.distance), "2013-03", cfg)
    assert "distance: range" in str(e.value)
    q = Path(str(e.value).split("are in ")[-1].strip())
    assert (q/"2013-03.parquet").exists() and json.loads((q/"report.json").read_text())["failures"][0]["rule"] == "range"
    with pytest.raises(DataError, match="already in an admitted batch"): admit_batch(p, jan.sample(300, random_state=1), "2013-03", cfg)
    with pytest.raises(DataError, match="already in"): admit_batch(p, jan, "2013-01", cfg)
    assert sorted((p/"batches").iterdir()) == files and head(p, cfg) == before
    assert "up to date" in dvc(p, "status", "batches.dvc", cfg=cfg)

@pytest.mark.slow
def test_second_gate_stops_the_pipeline_with_the_full_report(pipe):
    cfg, p = pipe
    repro(p, cfg=cfg)
    model, before = (p/"model.pkl").read_bytes(), head(p, cfg)
    df = pd.read_parquet(p/"batches"/"2013-01.parquet")
    df.assign(distance=-df.distance).to_parquet(p/"batches"/"2013-04.parquet")   # copied in by hand, past the gate
    try:
        with pytest.raises(DataError, match="failed validation") as e: repro(p, cfg=cfg)
        assert "distance: range: values outside [1, 6000]" in str(e.value), "the rule lines reach the user"
        rep = json.loads((p/"reports"/"validation.json").read_text())
        assert rep["ok"] is False and ("distance", "range") in {(f["column"], f["rule"]) for f in rep["failures"]}
        assert (p/"model.pkl").read_bytes() == model and head(p, cfg) == before, "the last good model stays, nothing is committed"
    finally:
        (p/"batches"/"2013-04.parquet").unlink()

@pytest.mark.slow
def test_every_stage_depends_on_the_code_it_runs(pipe):
    cfg, p = pipe
    stages = yaml.safe_load((p/"dvc.yaml").read_text())["stages"]
    assert all(s["cmd"] == f"python src/pipeline.py {n}" and "src/pipeline.py" in s["deps"] for n, s in stages.items())
    repro(p, cfg=cfg)
    with open(p/"src"/"pipeline.py", "a") as f: f.write("\n# a change to the stage code\n")
    assert repro(p, cfg=cfg) == STAGES

def test_airflow_dag_steps_all_must_succeed():
    ns = runpy.run_path(str(ROOT/"datasets"/"flights"/"pipeline"/"airflow_dag.py"))
    assert ns["STAGES"] == STAGES
    cmd = ns["stage_command"]("train", "/w")
    assert ";" not in cmd and cmd.startswith("cd /w && git pull --ff-only && dvc pull split && dvc pull --allow-missing train && ")
    assert "dvc pull batches.dvc && dvc pull --allow-missing ingest && dvc repro --single-item ingest" in ns["stage_command"]("ingest")
    assert "dvc repro --single-item train && dvc push train && " in cmd and cmd.endswith("&& git push")

@pytest.mark.slow
def test_airflow_tasks_run_the_pipeline_on_a_fresh_worker(tmp_path):
    "Each task's command, run in order in a fresh clone, reproduces the pipeline and leaves the lineage pushed."
    cfg = activate(get_config(workspace=tmp_path/"ws"))
    p = create_pipeline(cfg.workspace/"pipeline", months=(1,), sample=1500, cfg=cfg)
    push(p, cfg=cfg)
    env = repo_env(cfg)
    sh = lambda cmd, cwd=tmp_path: subprocess.run(cmd, shell=True, cwd=cwd, env=env, capture_output=True, text=True)
    assert sh(f"git clone -q --bare {p} origin.git && git clone -q origin.git worker").returncode == 0
    ns = runpy.run_path(str(ROOT/"datasets"/"flights"/"pipeline"/"airflow_dag.py"))
    for stage in ns["STAGES"]:
        r = sh(ns["stage_command"](stage, str(tmp_path/"worker")))
        assert r.returncode == 0, f"{stage}: {r.stdout}\n{r.stderr}"
    assert sh("git clone -q origin.git worker2").returncode == 0   # a second run on another fresh worker: nothing to do, nothing fails
    for stage in ns["STAGES"]:
        r = sh(ns["stage_command"](stage, str(tmp_path/"worker2")))
        assert r.returncode == 0 and "Running stage" not in r.stdout, f"{stage}: {r.stdout}\n{r.stderr}"
    assert sh("git clone -q origin.git fresh").returncode == 0
    dvc(tmp_path/"fresh", "pull", cfg=cfg)
    assert "up to date" in dvc(tmp_path/"fresh", "status", cfg=cfg)
    assert json.loads((tmp_path/"fresh"/"metrics"/"train.json").read_text())["train_rows"] > 0

def test_template_matches_library():
    t = (ROOT/"datasets"/"flights"/"pipeline"/"dvc.yaml").read_text()
    assert DVC_YAML in t
    assert (ROOT/"datasets"/"flights"/"pipeline"/"params.yaml").read_text() == PARAMS_YAML

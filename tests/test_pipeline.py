"The week-5 pipeline: dvc repro reruns only what changed; a bad batch stops it; Airflow DAG file is valid Python."
import json, runpy, time
from pathlib import Path
import pandas as pd
import pytest
from mlopslab.config import get_config, activate
from mlopslab.errors import DataError
from mlopslab.pipeline import create_pipeline, repro, add_batch, PARAMS_YAML
from mlopslab.version import dvc

ROOT = Path(__file__).resolve().parents[1]

@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    cfg = activate(get_config(workspace=tmp_path_factory.mktemp("ws")))
    return cfg, create_pipeline(cfg.workspace/"pipeline", months=(1,), sample=2000, cfg=cfg)

@pytest.mark.slow
def test_repro_reruns_only_what_changed(pipe):
    cfg, p = pipe
    assert repro(p) == ["ingest", "validate", "featurize", "split", "train"]
    m1 = json.loads((p/"metrics"/"train.json").read_text())
    assert 0.5 < m1["auc"] <= 1 and m1["train_rows"] + m1["test_rows"] <= 2000
    assert repro(p) == []
    (p/"params.yaml").write_text(PARAMS_YAML.replace("test_size: 0.2", "test_size: 0.3"))
    assert repro(p) == ["split", "train"]
    add_batch(p, 2, sample=2000, cfg=cfg)
    assert repro(p) == ["ingest", "validate", "featurize", "split", "train"]
    m2 = json.loads((p/"metrics"/"train.json").read_text())
    assert m2["train_rows"] + m2["test_rows"] > m1["train_rows"] + m1["test_rows"]
    assert "ingest" in dvc(p, "dag") and "train" in dvc(p, "dag")
    assert "auc" in dvc(p, "metrics", "show")

@pytest.mark.slow
def test_bad_batch_stops_pipeline(pipe):
    cfg, p = pipe
    repro(p)
    model = (p/"model.pkl").read_bytes()
    df = pd.read_parquet(p/"batches"/"2013-01.parquet")
    df.assign(distance=-df.distance).to_parquet(p/"batches"/"2013-03.parquet")
    with pytest.raises(DataError, match="failed validation"): repro(p)
    assert (p/"model.pkl").read_bytes() == model
    (p/"batches"/"2013-03.parquet").unlink()

def test_airflow_dag_is_valid_python_without_airflow():
    ns = runpy.run_path(str(ROOT/"datasets"/"flights"/"pipeline"/"airflow_dag.py"))
    assert ns["STAGES"] == ["ingest", "validate", "featurize", "split", "train"]
    assert "dvc repro --single-item train" in ns["stage_command"]("train")

def test_template_matches_library():
    from mlopslab.pipeline import DVC_YAML
    t = (ROOT/"datasets"/"flights"/"pipeline"/"dvc.yaml").read_text()
    assert DVC_YAML.format(src="src") in t
    assert (ROOT/"datasets"/"flights"/"pipeline"/"params.yaml").read_text() == PARAMS_YAML

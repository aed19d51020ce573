"""Airflow equivalent of the week-5 DVC pipeline, for cloud targets (documented; not run in this course's local setup).

Each task runs one stage in the pipeline folder with the same command DVC runs, so lineage and caching stay in DVC:
`dvc repro STAGE --single-item` skips a stage whose inputs did not change. Schedule: monthly, as new batches arrive
(a sensor or an upstream task drops `batches/2013-MM.parquet`). Airflow is not installed here: the import is
guarded so this file stays importable (and testable) without it.
"""
from __future__ import annotations
from datetime import datetime

PIPELINE_DIR = "/opt/mlopslab/pipeline"        # the pipeline repo on the Airflow worker (git clone + dvc pull)
STAGES = ["ingest", "validate", "featurize", "split", "train"]

def stage_command(stage: str, pipeline_dir: str = PIPELINE_DIR) -> str:
    "Shell command of one task: pull inputs, reproduce the stage alone, push its outputs to the DVC remote."
    return f"cd {pipeline_dir} && dvc pull -q {stage} ; dvc repro --single-item {stage} && dvc push -q"

try:
    from airflow import DAG
    from airflow.operators.bash import BashOperator
except ImportError:  # Airflow is not installed: keep the definitions, skip building the DAG
    DAG = None

if DAG is not None:
    with DAG(dag_id="mlopslab_flights_pipeline", start_date=datetime(2013, 1, 1), schedule="@monthly",
             catchup=False, tags=["mlopslab"], default_args=dict(retries=1)) as dag:
        tasks = [BashOperator(task_id=s, bash_command=stage_command(s)) for s in STAGES]
        for up, down in zip(tasks, tasks[1:]): up >> down

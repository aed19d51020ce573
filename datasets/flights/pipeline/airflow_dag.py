"""Airflow equivalent of the week-5 DVC pipeline, for cloud targets (documented; not run in this course's local setup).

Each task runs one stage in the pipeline repo with the same command DVC runs, so caching and lineage stay in DVC.
A task may land on a fresh worker, so it carries everything it needs, and every step must succeed (`&&`, never `;`):

1. `git pull --ff-only`: the latest dvc.lock, params and batches.dvc (the previous task committed its stage);
2. `dvc pull PREVIOUS`: the stage's data inputs (the previous stage's outputs, or batches.dvc) from the DVC remote,
   required; then its own last outputs, if the remote has them (`--allow-missing`: none before the first run), so
   an unchanged stage is not recomputed just because this worker never saw its outputs;
3. `dvc repro --single-item STAGE`: run the stage alone; it is skipped when its inputs did not change;
4. `dvc push STAGE`: its outputs to the remote, so the next task (on any worker) can pull them;
5. commit the lineage (dvc.lock, metrics, the validation report, plot data; DVC-tracked outputs are git-ignored, so
   `git add -A` stages only these) when it changed, and `git push`.

A failing stage (e.g. `validate` on a bad batch) fails its task and Airflow does not run the ones after it; nothing
is pushed or committed. New batches enter the repo through the gate (`mlopslab.data.pipeline.add_batch`, which validates,
`dvc add`s and commits them; then `dvc push` and `git push`), never by copying a file into batches/.
Schedule: monthly, as new batches arrive. The worker needs a clone of the repo at PIPELINE_DIR with push rights, the
course environment, and the cloud plugin of the remote (`pip install -e '.[cloud]' -c constraints.txt`).
Airflow is not installed here: the import is guarded so this file stays importable (and testable) without it.
"""
from __future__ import annotations
from datetime import datetime

PIPELINE_DIR = "/opt/mlopslab/pipeline"        # the pipeline repo on the Airflow worker (a git clone)
STAGES = ["ingest", "validate", "featurize", "split", "train"]


def inputs_of(stage: str) -> str:
    "The DVC target whose outputs are `stage`'s data inputs: the previous stage, or batches.dvc for the first one."
    i = STAGES.index(stage)
    return STAGES[i - 1] if i else "batches.dvc"


def stage_command(stage: str, pipeline_dir: str = PIPELINE_DIR) -> str:
    "Shell command of one task: sync, pull the stage's inputs, reproduce it alone, push its outputs, commit and push the lineage."
    steps = [f"cd {pipeline_dir}", "git pull --ff-only", f"dvc pull {inputs_of(stage)}", f"dvc pull --allow-missing {stage}",
             f"dvc repro --single-item {stage}", f"dvc push {stage}", "git add -A",
             f"(git diff --cached --quiet || git commit -m 'airflow: {stage}')", "git push"]
    return " && ".join(steps)


try:
    from airflow import DAG
    from airflow.operators.bash import BashOperator
except ImportError:  # Airflow is not installed: keep the definitions, skip building the DAG
    DAG = None

if DAG is not None:
    with DAG(dag_id="mlopslab_flights_pipeline", start_date=datetime(2013, 1, 1), schedule="@monthly",
             catchup=False, tags=["mlopslab"], default_args=dict(retries=1), max_active_runs=1) as dag:
        tasks = [BashOperator(task_id=s, bash_command=stage_command(s)) for s in STAGES]
        for up, down in zip(tasks, tasks[1:]): up >> down

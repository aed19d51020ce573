"Shared fixtures: every test gets its own workspace, so nothing touches the project's .mlopslab/."
import os, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    "A fresh workspace folder, set as MLOPSLAB_WORKSPACE for this test and its subprocesses."
    ws = tmp_path/"ws"
    monkeypatch.setenv("MLOPSLAB_WORKSPACE", str(ws))
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    return ws


def run_cli(*args, env=None, timeout=120):
    "Run the `mlopslab` console script; returns the CompletedProcess (text)."
    import subprocess
    return subprocess.run([str(BIN/"mlopslab"), *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=timeout)


def solve(nb: dict, spec, questions) -> dict:
    "`nb` (a student release) with the instructor's solution put back for `questions`."
    from mlopslab.course.labspec import directives, source
    sol = {directives(source(c)).get("exercise"): source(c) for c in spec.nb["cells"] if c["cell_type"] == "code"}
    for c in nb["cells"]:
        q = directives(source(c)).get("exercise")
        if q in questions: c["source"] = sol[q]
    return nb


@pytest.fixture(autouse=True)
def _restore_environ():
    "`activate` applies the workspace's tool environment to the process; undo it after each test."
    saved = dict(os.environ)
    yield
    os.environ.clear(); os.environ.update(saved)

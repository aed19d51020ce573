"The lab runner on passing, failing and hanging notebooks, and the `mlopslab labs` command."
from pathlib import Path
import nbformat
import pytest
from mlopslab.course import labs
from mlopslab.config import get_config
from mlopslab.errors import LabError, LabFailed
from conftest import run_cli


def _lab(folder: Path, week: int, *cells: str, front=True):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.cells[0].metadata["tags"] = ["parameters"]
    if front: nb.cells.insert(0, nbformat.v4.new_raw_cell(f"---\ntitle: Toy week {week}\nweek: {week}\npoints: 1\n---"))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "python3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder/f"week{week:02d}_toy.ipynb")


@pytest.fixture
def toy(tmp_path, workspace):
    d = tmp_path/"labs"
    _lab(d, 1, "n = 2", "import pathlib; pathlib.Path('made.txt').write_text(str(n * 21))")
    _lab(d, 2, "n = 2", "x = 1", "raise ValueError(f'bad n={n}')")
    _lab(d, 3, "n = 2", "import time; time.sleep(120)")
    return labs.find_labs(folder=d)


def test_passing_lab_runs_in_a_build_folder(toy, workspace):
    r = labs.run_lab(toy[0], {"n": 3}, cfg=get_config())
    assert r.status == "passed" and r.error is None
    assert r.output.parent == workspace/"build"/"labs"
    assert (workspace/"build"/"labs"/"week01_toy"/"made.txt").read_text() == "63"


def test_failing_lab_names_cell_and_error(toy):
    r = labs.run_lab(toy[1], {"n": 5}, cfg=get_config())
    assert r.status == "failed"
    e = r.error
    assert (e.ename, e.evalue) == ("ValueError", "bad n=5")
    saved = nbformat.read(r.output, as_version=4)
    assert "raise ValueError" in saved.cells[e.cell].source, "the named cell is the one that raised"
    assert "ValueError" in e.traceback and "\x1b[" not in e.traceback
    assert "raise ValueError" in str(e)


def test_hanging_lab_times_out_on_the_cell(toy):
    r = labs.run_lab(toy[2], timeout=3, cfg=get_config())
    assert r.status == "timeout" and r.seconds < 60
    saved = nbformat.read(r.output, as_version=4)
    assert "time.sleep(120)" in saved.cells[r.error.cell].source


def test_parallel_runs_return_every_result(toy, workspace, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    results = labs.run_labs(toy, timeout=5, jobs=3, cfg=get_config(), progress=False)
    assert [r.status for r in results] == ["passed", "failed", "timeout"]
    assert (workspace/"build"/"labs"/"week01_toy"/"made.txt").exists(), "each kernel runs in its own folder"
    assert not (tmp_path/"made.txt").exists(), "parallel runs must not write in the caller's folder"
    table = labs.summary(results)
    assert "1 passed, 2 failed" in table and "Toy week 3" in table


def test_unknown_parameter_lists_the_known_ones(toy):
    with pytest.raises(LabError, match="its parameters are: n"):
        labs.run_labs(toy[:1], {"m": 1}, cfg=get_config(), progress=False)


def test_unknown_week_lists_available(toy):
    with pytest.raises(LabError, match="available weeks: 1, 2, 3"):
        labs.get_labs([7], toy)
    assert [l.week for l in labs.get_labs(["week02", "3"], toy)] == [2, 3]


def test_missing_front_matter(tmp_path):
    _lab(tmp_path, 4, "n = 1", front=False)
    with pytest.raises(LabError, match="no front matter"):
        labs.find_labs(folder=tmp_path)


def test_cli_unknown_week_and_param_are_clean_errors(workspace):
    r = run_cli("labs", "run", "42")
    assert r.returncode == 2 and "no lab for week 42" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("labs", "run", "1", "-p", "smaple=10")
    assert r.returncode == 2 and "week01 has no parameter smaple" in r.stderr and "sample" in r.stderr
    r = run_cli("labs", "run")
    assert r.returncode == 2 and "--all" in r.stderr


def test_cli_list_shows_week_one():
    r = run_cli("labs", "list")
    assert r.returncode == 0 and "Week 1: Introduction to MLOps" in r.stdout


def test_cli_without_course_dependencies_says_run_make_setup(tmp_path):
    "A Python without the course packages gets one line saying to run `make setup`, not a traceback."
    import subprocess, sys
    from conftest import ROOT
    code = ("import sys; sys.modules['papermill'] = None; sys.modules['yaml'] = None;"
            "from mlopslab.cli import main; sys.exit(main(['labs', 'list']))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "make setup" in r.stderr and "Traceback" not in r.stderr, r.stderr

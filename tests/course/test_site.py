"The static site: labs, library notebooks and API reference, offline."
import re, shutil
import nbformat
import pytest
from mlopslab.config import get_config
from mlopslab.course.site import build_site
from conftest import run_cli


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("docs")
    cfg = get_config(workspace=tmp_path/"ws")
    executed = cfg.build_dir/"labs"/"week01_intro.ipynb"
    executed.parent.mkdir(parents=True)
    nb = nbformat.read(cfg.project/"nbs"/"labs"/"week01_intro.ipynb", as_version=4)
    nb.cells[-1] = nbformat.v4.new_code_cell("print('hi')", outputs=[nbformat.v4.new_output("stream", text="EXECUTED-MARKER\n")])
    nbformat.write(nb, executed)
    return build_site(cfg, tmp_path/"site", instructor=True)


def test_index_lists_labs_and_modules(site):
    index = site.read_text()
    assert "Week 1: Introduction to MLOps" in index and "labs/week01.html" in index
    assert "mlopslab.data.flights" in index and "mlopslab.course.labs" in index and "mlopslab.course.sandbox.isolate" in index, \
        "library notebooks in every folder, at any depth, get a page"


def test_default_lab_page_is_the_student_release(workspace, tmp_path):
    "Without --instructor the site renders labs/ (its leaks are checked in test_student_repo.py)."
    page = (build_site(get_config(), tmp_path/"pub").parent/"labs"/"week01.html").read_text()
    assert "NotImplementedError" in page and "EXECUTED-MARKER" not in page


def test_lab_page_uses_the_executed_copy(site):
    page = (site.parent/"labs"/"week01.html").read_text()
    assert "EXECUTED-MARKER" in page and "Not executed yet" not in page


def test_api_page_has_signatures_and_parameter_docs(site):
    page = (site.parent/"api"/"mlopslab.data.flights.html").read_text()
    assert "def load_flights(months" in page and "rows (int) or fraction (float) to sample" in page
    assert "#| export" not in page, "directives are not shown"


def test_no_page_loads_anything_from_the_internet(site):
    for page in site.parent.rglob("*.html"):
        text = page.read_text()
        assert not re.search(r'''(?:src|href)\s*=\s*["'](?:https?:)?//''', text, re.I), page.name


def test_unexecuted_lab_gets_a_note(workspace, tmp_path):
    from mlopslab.course.site import _lab_pages
    (tmp_path/"labs").mkdir()
    rows = _lab_pages(get_config(), tmp_path, instructor=True)
    assert "Not executed yet" in (tmp_path/"labs"/"week01.html").read_text()
    assert "<td>no</td>" in rows[0]


def test_cli_site_build(workspace, tmp_path):
    r = run_cli("site", "build", "--out", str(tmp_path/"out"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path/"out"/"index.html").exists()

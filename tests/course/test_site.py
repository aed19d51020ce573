"The static site: a MkDocs + Material project built offline from the student releases, pages, API reference."
import html, json, re
from pathlib import Path
from urllib.parse import unquote, urlparse
import nbformat
import pytest
from mlopslab.config import get_config
from mlopslab.course.site import build_site
from conftest import run_cli


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    "The instructor build, with an executed copy of week 1 whose last cell printed a marker (and stderr and a path)."
    tmp_path = tmp_path_factory.mktemp("docs")
    cfg = get_config(workspace=tmp_path/"ws")
    executed = cfg.build_dir/"labs"/"week01_intro.ipynb"
    executed.parent.mkdir(parents=True)
    nb = nbformat.read(cfg.project/"nbs"/"labs"/"week01_intro.ipynb", as_version=4)
    nb.cells[-1] = nbformat.v4.new_code_cell("print('hi')", outputs=[
        nbformat.v4.new_output("stream", text=f"EXECUTED-MARKER saved to {cfg.workspace}/x.csv\n"),
        nbformat.v4.new_output("stream", name="stderr", text="STDERR-MARKER\n")])
    nbformat.write(nb, executed)
    return build_site(cfg, tmp_path/"site", instructor=True)


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    "The default build: the student releases."
    tmp_path = tmp_path_factory.mktemp("pub")
    return build_site(get_config(workspace=tmp_path/"ws"), tmp_path/"site")


def _text(page: Path) -> str: return html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))


def test_index_lists_labs_and_modules(site):
    index = site.read_text()
    assert "Week 1: Introduction to MLOps" in index and "labs/week01.html" in index
    for mod in ("mlopslab.data.flights", "mlopslab.course.labs", "mlopslab.course.sandbox.isolate"):
        assert f"api/{mod}.html" in index, "library notebooks in every folder, at any depth, get a page (in the sidebar)"
    for page in ("syllabus.html", "schedule.html", "setup.html", "instructor.html"):
        assert page in index


def test_default_site_is_the_student_release_without_solutions(student):
    from test_site_browser import solution_lines
    page = _text(student.parent/"labs"/"week01.html")
    assert "NotImplementedError" in page and "EXECUTED-MARKER" not in page
    sol = solution_lines(get_config().project)
    assert sol
    for p in student.parent.rglob("*.html"):
        text = _text(p)
        assert not [l for l in sol if l in text], p
    assert "mlopslab.course.grade" not in student.read_text(), "the grader's API is not in the student site"


def test_lab_page_card_and_executed_copy(site):
    page = (site.parent/"labs"/"week01.html").read_text()
    assert "EXECUTED-MARKER" in page and "Not executed yet" not in page
    assert "STDERR-MARKER" not in page, "stderr is not shown"
    assert "saved to &lt;workspace&gt;/x.csv" in page, "the build machine's paths are not shown"
    assert "slug: intro" not in page, "the front matter is a card, not a run-on line"
    meta = json.loads((get_config().project/"nbs"/"labs"/"week01_intro.ipynb").read_text())
    assert "lab-card" in page and "120 minutes" in page and "../downloads/week01_intro.ipynb" in page
    assert (site.parent/"downloads"/"week01_intro.ipynb").read_bytes() == (get_config().project/"labs"/"week01-intro"/"week01_intro.ipynb").read_bytes(), \
        "the download is the student release, byte for byte"


def test_api_page_has_signatures_and_parameter_docs_not_code(site):
    page = (site.parent/"api"/"mlopslab.data.flights.html").read_text()
    text = _text(site.parent/"api"/"mlopslab.data.flights.html")
    assert "load_flights" in text and "months" in text and "rows (int) or fraction (float) to sample" in text
    assert "#| export" not in page and "from __future__" not in text, "no implementation, no directives"
    assert "md-sidebar" in page and "__palette" in page, "Material's sidebar and the dark-mode toggle"


def test_no_page_loads_anything_from_the_internet(site, student):
    "External links may point out; nothing is loaded from outside (scripts, styles, images, fonts, frames)."
    for root in (site.parent, student.parent):
        for page in root.rglob("*.html"):
            text = page.read_text()
            assert not re.search(r'''<(?:script|img|link|iframe|source|video|audio)\b[^>]*(?:src|href)\s*=\s*["'](?:https?:)?//''', text, re.I), page
            assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, page
        for css in root.rglob("*.css"):
            assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", css.read_text()), css
        assert 'name="viewport"' in (root/"index.html").read_text(), "a viewport tag: readable on a phone"


def test_every_internal_link_works(site, student):
    for root in (site.parent, student.parent):
        broken = []
        for page in root.rglob("*.html"):
            for ref in re.findall(r'''(?:href|src)\s*=\s*["']([^"'#]+)''', page.read_text()):
                u = urlparse(ref)
                if u.scheme or u.netloc or ref.startswith(("mailto:", "data:", "javascript:")): continue
                path = unquote(u.path)   # 404.html links from the site root: it is served for any missing URL
                target = (root/path.lstrip("/") if path.startswith("/") else page.parent/path).resolve()
                if not target.exists(): broken.append(f"{page.relative_to(root)} -> {ref}")
        assert not broken, broken[:20]


def test_instructor_guide_matches_front_matter_and_prices(site):
    "Each row of the guide's per-lab table is the lab's front matter and `infra cost`'s estimate of one session."
    from mlopslab.course.labs import find_labs
    from mlopslab.infra.cost import estimate
    guide = (get_config(workspace=site.parent.parent/"ws").workspace/"site"/"instructor"/"docs"/"instructor.md").read_text()
    head = next(l for l in guide.splitlines() if l.startswith("| week |"))
    targets = re.findall(r"USD per student on (\w+)", head)
    assert set(targets) == {"aws", "gcp", "chameleon"}
    rows = {int(r[0]): r for r in (re.split(r"\s*\|\s*", l.strip("| ")) for l in guide.splitlines() if re.match(r"\| \d+ \|", l))}
    labs = find_labs(get_config(), get_config().project/"labs")
    assert sorted(rows) == [l.week for l in labs]
    for lab in labs:
        r, m = rows[lab.week], lab.meta
        assert lab.title in r[1] and [r[2], r[3], r[4], r[5]] == [str(m["minutes"]), str(m["runtime"]), m["hardware"], str(m["points"])]
        for t, cell in zip(targets, r[6:]):
            usd = sum(x["usd"] for x in estimate(t, m["minutes"] / 60, m["hardware"] == "gpu"))
            assert cell == f"{round(usd, 2):.2f}", (lab.week, t)
    assert "instructor.html" in site.read_text() and (site.parent/"instructor.html").exists()


def test_unexecuted_lab_gets_a_note(workspace, tmp_path):
    from mlopslab.course.site import _lab_pages
    rows = _lab_pages(get_config(), tmp_path, instructor=True)
    assert "Not executed yet" in (tmp_path/"labs"/"week01.ipynb").read_text()
    assert rows[0]["executed"] is False


def test_cli_site_build_prints_the_build_time(workspace, tmp_path):
    r = run_cli("site", "build", "--out", str(tmp_path/"out"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path/"out"/"index.html").exists()
    assert re.search(r"pages built in \d+\.\d s", r.stdout), r.stdout


def test_run_reexecutes_labs_edited_after_their_executed_copy(workspace):
    "`site build --instructor --run` runs a lab with no executed copy, or one older than its notebook; not a fresh one."
    import os
    from mlopslab.course.site import stale_labs
    cfg = get_config()
    weeks = lambda: [l.week for l in stale_labs(cfg)]
    assert 1 in weeks(), "no executed copy yet"
    src = cfg.project/"nbs"/"labs"/"week01_intro.ipynb"
    exe = cfg.build_dir/"labs"/src.name
    exe.parent.mkdir(parents=True); exe.write_text("{}")
    t = src.stat().st_mtime
    os.utime(exe, (t + 60, t + 60))
    assert 1 not in weeks(), "executed after the last edit"
    os.utime(exe, (t - 60, t - 60))
    assert 1 in weeks(), "the notebook was edited after its executed copy was made"

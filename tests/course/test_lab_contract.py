"""The lab contract, checked for every lab found in nbs/labs/: a new week is covered by existing.

Each lab: valid front matter, a `parameters` cell with the common parameters, runs headless with its defaults
(as `make run` runs it), hidden checks cover every question, the instructor notebook scores full marks in the
grader, a fresh release scores zero on every exercise, and releasing twice gives the same bytes.
"""
import re
import nbformat
import pytest
from conftest import ROOT
from mlopslab.config import get_config
from mlopslab.course.checks import check_coverage, load_checks
from mlopslab.course.grade import grade
from mlopslab.course.labs import find_labs, lab_parameters, run_labs
from mlopslab.course.labspec import directives, read_lab, source
from mlopslab.course.release import release
from mlopslab.deploy import stack

LABS = find_labs(get_config(project=ROOT))
WEEKS = [lab.week for lab in LABS]
REQUIRED = ("title", "week", "slug", "objectives", "minutes", "runtime", "hardware", "points")
COMMON = ("seed", "sample", "target", "workspace")
LABS_TIMEOUT = 300 * len(LABS)   # the first test to use `runs` or `graded` runs or grades every lab (pytest-timeout counts fixtures)


def by_week(week: int):
    return next(l for l in LABS if l.week == week)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    "Every lab run once with its defaults, two at a time, in a fresh workspace and with a fresh home folder."
    ws, home = tmp_path_factory.mktemp("course-ws"), tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    mp.setenv("MLOPSLAB_WORKSPACE", str(ws))
    mp.setenv("HOME", str(home))  # nothing a lab runs may write to the home folder
    for var in ("IPYTHONDIR", "MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "DO_NOT_TRACK", "MLFLOW_DISABLE_TELEMETRY"):
        mp.delenv(var, raising=False)
    try:
        cfg = get_config()
        yield cfg, home, {r.lab.week: r for r in run_labs(find_labs(cfg), timeout=300, jobs=2, cfg=cfg, progress=False)}
    finally:
        for s in stack.status(get_config(workspace=ws)): stack.stop(s["name"], get_config(workspace=ws))
        mp.undo()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    "Per week, the grader's results for the instructor notebook and for the untouched release, graded in one batch."
    out = {}
    for lab in LABS:
        tmp = tmp_path_factory.mktemp(f"grade-{lab.name}")
        spec, subs = read_lab(lab), tmp/"subs"
        subs.mkdir()
        (subs/"instructor.ipynb").write_bytes(lab.path.read_bytes())
        (subs/"fresh.ipynb").write_bytes(release(spec, tmp/"labs").read_bytes())
        # no preflight: this batch grades the instructor notebook itself, and the test below asserts its full marks
        res = grade(lab.week, subs, tmp/"out", jobs=2, timeout=180, cfg=get_config(workspace=tmp/"ws"), progress=False, preflight=False)
        out[lab.week] = (spec, {r.student: r for r in res})
    return out


def test_labs_are_found_one_per_week():
    assert WEEKS and WEEKS == sorted(set(WEEKS)), WEEKS
    assert all(l.path.name == f"week{l.week:02d}_{l.path.stem[7:]}.ipynb" for l in LABS)


@pytest.mark.parametrize("week", WEEKS)
def test_front_matter(week):
    lab = by_week(week)
    missing = [k for k in REQUIRED if k not in lab.meta]
    assert not missing, f"{lab.path.name} front matter lacks {missing}"
    assert lab.meta["week"] == week and lab.meta["slug"] == lab.slug
    assert 0 < lab.meta["runtime"] <= 90, "a lab runs within 90 s with its defaults on 2 cores"
    assert lab.meta["hardware"] in ("cpu", "gpu", "cloud") and lab.meta["objectives"]
    spec = read_lab(lab)                                        # raises when the points do not add up
    assert sum(q.points for q in spec.questions.values()) == lab.meta["points"] > 0


@pytest.mark.parametrize("week", WEEKS)
def test_parameters_cell(week):
    nb = nbformat.read(by_week(week).path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged `parameters`"
    assert set(COMMON) <= set(lab_parameters(by_week(week).path))
    for line in cells[0].source.splitlines():
        assert re.fullmatch(r"\w+ = [^#]+?\s+# [^=]+", line), f"parameters are `name = literal  # comment`: {line!r}"


@pytest.mark.parametrize("week", WEEKS)
def test_hidden_checks_cover_every_question(week):
    spec = read_lab(by_week(week))
    checks = load_checks(ROOT/"grading"/f"week{week:02d}")
    check_coverage(spec, checks)
    assert all(c.description for c in checks), "every hidden check has a docstring: students see it in their feedback"
    assert not list((ROOT/"labs").rglob("checks.py")), "hidden checks never ship"


@pytest.mark.parametrize("week", WEEKS)
def test_release_is_deterministic_and_committed(week, tmp_path):
    spec = read_lab(by_week(week))
    a, b = release(spec, tmp_path/"a"), release(spec, tmp_path/"b")
    assert a.read_bytes() == b.read_bytes()
    committed = ROOT/"labs"/a.parent.name/a.name
    assert committed.read_bytes() == a.read_bytes(), "labs/ holds today's release (`mlopslab release --all`)"
    text = a.read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert not any(directives(source(c)).get("hidden") is not None for c in nbformat.reads(text, as_version=4).cells)


@pytest.mark.slow
@pytest.mark.timeout(LABS_TIMEOUT)
@pytest.mark.parametrize("week", WEEKS)
def test_runs_headless_with_defaults(runs, week):
    "(Their run times against each lab's `runtime` budget: benchmarks/labs_runtime.py.)"
    r = runs[2][week]
    assert r.status == "passed", str(r.error)


@pytest.mark.slow
@pytest.mark.timeout(LABS_TIMEOUT)
@pytest.mark.parametrize("week", WEEKS)
def test_instructor_notebook_scores_full_marks(graded, week):
    spec, res = graded[week]
    r = res["instructor"]
    assert r.max_score == spec.lab.meta["points"]
    assert r.score == r.max_score, [(q.question, q.status, q.reason) for q in r.questions]


@pytest.mark.slow
@pytest.mark.timeout(LABS_TIMEOUT)
@pytest.mark.parametrize("week", WEEKS)
def test_fresh_release_scores_zero_on_every_exercise(graded, week):
    spec, res = graded[week]
    r = res["fresh"]
    assert r.status == "graded" and r.score == 0 and len(r.questions) == len(spec.questions)
    assert all(q.points == 0 and "NotImplementedError" in q.reason for q in r.questions), [(q.question, q.reason) for q in r.questions]


_WARNING = re.compile(r"\b[A-Z]\w*Warning\b|\bWARNING\b|warnings\.warn")


@pytest.mark.slow
@pytest.mark.timeout(LABS_TIMEOUT)
@pytest.mark.parametrize("week", WEEKS)
def test_executed_lab_prints_no_stderr_and_no_warning(runs, week):
    "A student sees no red box and no warning: every stderr line or warning in a lab is a bug to fix, not noise."
    nb = nbformat.read(runs[2][week].output, as_version=4)
    noise = []
    for i, c in enumerate(nb.cells):
        for o in c.get("outputs", []):
            if o.output_type == "stream" and o.name == "stderr": noise.append((i, "stderr", o.text[:300]))
            text = o.get("text", "") if o.output_type == "stream" else str(o.get("data", {}).get("text/plain", ""))
            if _WARNING.search(text): noise.append((i, "warning", _WARNING.search(text).group(0), text[:300]))
    assert noise == [], noise


@pytest.mark.slow
@pytest.mark.timeout(LABS_TIMEOUT)
def test_labs_write_nothing_to_the_home_folder(runs):
    _, home, _ = runs
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert written == [], f"labs wrote outside the workspace: {written[:10]}"


@pytest.mark.slow
@pytest.mark.timeout(LABS_TIMEOUT)
def test_week01_registered_a_champion_and_left_nothing_running(runs):
    cfg, _, res = runs
    assert res[1].status == "passed"
    import mlflow
    client = mlflow.MlflowClient(tracking_uri=cfg.tracking)
    champion = client.get_model_version_by_alias("flights-delay", "champion")
    run = client.get_run(champion.run_id)
    assert run.info.run_name == "baseline" and 0.5 < run.data.metrics["auc"] <= 1
    assert (cfg.artifact_root/"week01-flights").is_dir(), "artifacts stay in the workspace"
    assert stack.status(cfg) == [], "the lab stopped the model server it started"

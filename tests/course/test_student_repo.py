"""The student repository and the default site: complete, deterministic, and free of every solution and hidden check.

`mlopslab release --student-repo DIR` is what an instructor publishes; `mlopslab site build` is what the
course site shows. Neither may hold a `### BEGIN SOLUTION` marker, a line of an instructor solution or a
line of a hidden check, in its files or in its git history.
"""
import ast, html, json, re, subprocess
from pathlib import Path
import pytest
from conftest import ROOT, run_cli
from mlopslab.config import get_config
from mlopslab.course.labspec import directives, source
from mlopslab.course.release import student_repository
from mlopslab.course.site import build_site

_SOL = re.compile(r"^[ \t]*### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION", re.S | re.M)
_TRIVIAL = re.compile(r"^(#|import |from |def |class |@|return\b|pass$|else:|try:|finally:|\)|\]|\}|with |for |if )")


def _docstring_lines(src: str) -> set[str]:
    "Lines of the docstrings and plain string statements of a module (hidden checks describe themselves to students)."
    out = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Expr) and isinstance(getattr(node, "value", None), ast.Constant) and isinstance(node.value.value, str):
            out |= {l.strip() for l in node.value.value.splitlines()}
    return out


def solution_lines() -> set[str]:
    "Every non-trivial line of every instructor solution block in nbs/labs."
    lines = set()
    for nb in (ROOT/"nbs"/"labs").glob("week*.ipynb"):
        for c in json.loads(nb.read_text())["cells"]:
            if c["cell_type"] != "code" or "exercise" not in directives(source(c)): continue
            for block in _SOL.findall(source(c)):
                lines |= {l.strip() for l in block.splitlines() if len(l.strip()) >= 16 and not re.match(r"#|import |from ", l.strip())}
    return lines


def hidden_lines() -> set[str]:
    """Every non-trivial source line of the hidden checks in grading/ (not their docstrings, which students see as feedback,
    nor lines the library or the releases hold, such as a list of the targets or a probe rebuilding the lab's
    batches: those are public already)."""
    public = "\n".join(p.read_text() for d in ("mlopslab", "datasets") for p in (ROOT/d).rglob("*.py"))
    public += "\n".join(source(c) for p in (ROOT/"labs").glob("week*/*.ipynb") for c in json.loads(p.read_text())["cells"])
    # (`public` stays one text: a line the releases show with a trailing comment is shown all the same)
    lines = set()
    for py in (ROOT/"grading").rglob("*.py"):
        src = py.read_text()
        docs = _docstring_lines(src)
        lines |= {l.strip() for l in src.splitlines()
                  if len(l.strip()) >= 30 and not _TRIVIAL.match(l.strip()) and l.strip() not in docs and l.strip() not in public}
    return lines


def _plain(name: str, text: str) -> str:
    "What a reader sees: a notebook's cell sources, a page's text without tags, else the text."
    if name.endswith(".ipynb"):
        try: return text + "\n" + "\n".join(source(c) for c in json.loads(text).get("cells", []))
        except ValueError: return text
    if name.endswith(".html"): return html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


def leaks(folder, texts=None) -> list[str]:
    "Files under `folder` (or the given `texts`) holding a solution marker, a solution line or a hidden-check line."
    texts = texts or {str(p.relative_to(folder)): p.read_text(errors="replace") for p in folder.rglob("*")
                      if p.is_file() and ".git" not in p.relative_to(folder).parts}
    secrets = solution_lines() | hidden_lines()
    found = []
    for name, text in texts.items():
        plain = _plain(name, text)
        if "BEGIN SOLUTION" in plain or "BEGIN HIDDEN TESTS" in plain: found.append(f"{name}: solution marker")
        found += [f"{name}: {l!r}" for l in secrets if l in plain]
    return found


def test_secret_lines_are_found():
    "The leak check is not vacuous: it knows the solutions and hidden checks, and finds them in the instructor notebooks."
    sols, hid = solution_lines(), hidden_lines()
    assert len(sols) >= 17 and len(hid) >= 30, (len(sols), len(hid))
    assert leaks(ROOT/"nbs"/"labs") and leaks(ROOT/"grading")


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    "The student repository written twice: once by the command line, once by the function."
    tmp = tmp_path_factory.mktemp("student")
    r = run_cli("release", "--student-repo", str(tmp/"a"), timeout=300)
    assert r.returncode == 0, r.stderr
    assert "student repository written to" in r.stdout
    return tmp/"a", student_repository(tmp/"b", get_config(workspace=tmp/"ws"))


def _files(repo) -> dict[str, bytes]:
    return {p.relative_to(repo).as_posix(): p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.relative_to(repo).parts}


def _git(repo, *args) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def test_student_repo_is_complete(repos):
    files = _files(repos[0])
    for need in ("README.md", "Makefile", "pyproject.toml", "requirements.txt", "constraints.txt", "environment.yml",
                 "mlopslab/__init__.py", "mlopslab/course/labs.py", "datasets/flights/README.md", "infra/local/main.tf",
                 "labs/week01-intro/week01_intro.ipynb"):
        assert need in files, need
    weeks = sorted(p.name for p in (ROOT/"labs").iterdir() if p.is_dir())
    assert sorted({f.split("/")[1] for f in files if f.startswith("labs/")}) == weeks
    for f in files:   # the releases are today's committed ones
        if f.startswith("labs/"): assert files[f] == (ROOT/f).read_bytes(), f


def test_student_repo_holds_nothing_of_the_instructor(repos):
    files = _files(repos[0])
    assert not [f for f in files if f.startswith(("nbs/", "grading/", "tests/", "benchmarks/", ".ci/"))]
    assert not [f for f in files if f.endswith(("/checks.py", "/probes.py")) and not f.startswith("mlopslab/")]
    assert leaks(repos[0]) == []


def test_student_repo_is_deterministic_with_one_commit(repos):
    a, b = repos
    assert _files(a) == _files(b), "byte-identical on a second run"
    assert _git(a, "rev-parse", "HEAD") == _git(b, "rev-parse", "HEAD"), "the same commit, author and date"
    assert _git(a, "rev-list", "--count", "--all").strip() == "1"
    assert sorted(_git(a, "ls-files").split()) == sorted(_files(a)), "the one commit holds exactly the repository's files"
    assert _git(a, "status", "--porcelain") == ""
    history = _git(a, "log", "-p", "--all")
    assert "BEGIN SOLUTION" not in history and not any(l in history for l in solution_lines())


def test_student_readme_commands_exist(repos):
    repo = repos[0]
    readme, makefile = (repo/"README.md").read_text(), (repo/"Makefile").read_text()
    targets = set(re.findall(r"^([\w-]+):", makefile, re.M))
    cmds = re.findall(r"^make ([\w-]+)", readme, re.M)
    assert {"jupyter", "lab"} <= set(cmds), cmds
    assert set(cmds) <= targets, (cmds, targets)
    dry = subprocess.run(["make", "-n", "-C", str(repo), "lab", "WEEK=1"], capture_output=True, text=True)
    assert dry.returncode == 0 and "mlopslab labs run 1" in dry.stdout, dry.stdout + dry.stderr
    for link in re.findall(r"\]\((labs/[^)]+)\)", readme): assert (repo/link).exists(), link


def test_labs_in_the_student_repo_are_found_from_their_releases(repos):
    from mlopslab.course.labs import find_labs
    labs = find_labs(get_config(project=repos[0]))
    assert [l.week for l in labs] == sorted(int(p.name[4:6]) for p in (ROOT/"labs").iterdir() if p.is_dir())
    assert all(l.path.parent.parent == repos[0]/"labs" for l in labs)


def test_student_repo_refuses_a_folder_it_did_not_write(tmp_path):
    (tmp_path/"mine.txt").write_text("keep me")
    r = run_cli("release", "--student-repo", str(tmp_path))
    assert r.returncode == 2 and "not a student repository" in r.stderr + r.stdout
    assert (tmp_path/"mine.txt").read_text() == "keep me"


def test_student_repo_from_outside_the_project_is_a_clear_error(tmp_path):
    """Run from a folder that is not the course's checkout: an error naming the fix, not a repo with a README only."""
    import os, subprocess, sys
    outside = tmp_path/"elsewhere"; outside.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLOPSLAB_")}
    r = subprocess.run([sys.executable, "-m", "mlopslab.cli", "release", "--student-repo", str(tmp_path/"repo")], cwd=outside,
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "no course project" in r.stderr + r.stdout and "MLOPSLAB_PROJECT" in r.stderr + r.stdout, r.stderr
    assert not (tmp_path/"repo").exists()


def test_default_site_shows_no_solution(tmp_path):
    cfg = get_config(workspace=tmp_path/"ws")
    # an executed instructor copy is lying around: the default site must still not use it
    (cfg.build_dir/"labs").mkdir(parents=True)
    (cfg.build_dir/"labs"/"week01_intro.ipynb").write_bytes((ROOT/"nbs"/"labs"/"week01_intro.ipynb").read_bytes())
    index = build_site(cfg, tmp_path/"site")
    pages = {str(p.relative_to(index.parent)): p.read_text() for p in index.parent.rglob("*.html")}
    assert "labs/week01.html" in pages and "NotImplementedError" in pages["labs/week01.html"]
    # the site shows signatures and docstrings, never the library's implementation
    assert leaks(index.parent, pages) == []

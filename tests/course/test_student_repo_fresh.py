"""The student repository on a fresh machine: its README's own commands set it up and run a lab from the release.

This machine has no internet, so `make setup` cannot download the packages: the fresh venv sees this project's
installed packages through one `.pth` line (the same pinned set a download would give), and everything else is the
student repository's own: its Makefile, its requirements, its `pip install -e .` of its own `mlopslab`, its releases.
Week 4 runs (the quickest lab): `make lab WEEK=4` stops at the first exercise with its instructions, and run with
errors allowed, every exercise raises its instructions while every other cell runs or fails only for want of an
exercise's answer.
"""
import json, re, subprocess, sys, sysconfig, textwrap
import pytest
from conftest import ROOT, run_cli
from mlopslab.course.labspec import SOLUTION_BEGIN, directives, lab_for, source

WEEK = 4


def _assigned(solution: str) -> set[str]:
    "Names an instructor solution binds (assignments, defs, loop targets)."
    import ast
    names = set()
    for n in ast.walk(ast.parse(textwrap.dedent(solution))):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store): names.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.ClassDef)): names.add(n.name)
    return names


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    "The student repository written by the CLI, set up by its own `make setup` in a venv of its own."
    tmp = tmp_path_factory.mktemp("fresh")
    repo = tmp/"repo"
    r = run_cli("release", "--student-repo", str(repo), timeout=300)
    assert r.returncode == 0, r.stderr
    python = sys.executable
    subprocess.run([python, "-m", "venv", str(repo/".venv")], check=True)
    site = subprocess.run([str(repo/".venv"/"bin"/"python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (repo/".venv"/site.split("/.venv/", 1)[1]/"outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")   # the packages, not their download
    env = {"PATH": f"{repo/'.venv'/'bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp/"home"), "LANG": "C.UTF-8"}
    (tmp/"home").mkdir()
    setup = subprocess.run(["make", "setup", f"PYTHON={python}"], cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert setup.returncode == 0, setup.stdout[-2000:] + setup.stderr[-2000:]
    return repo, env


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_setup_uses_the_student_repository_itself(fresh):
    repo, env = fresh
    where = subprocess.run([str(repo/".venv"/"bin"/"python"), "-c", "import mlopslab; print(mlopslab.__file__)"],
                           cwd="/", env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert where == str(repo/"mlopslab"/"__init__.py"), where


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_make_lab_stops_at_the_first_exercise_with_its_instructions(fresh):
    repo, env = fresh
    spec = lab_for(WEEK)
    first = next(iter(spec.questions.values()))
    r = subprocess.run(["make", "lab", f"WEEK={WEEK}"], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    out = r.stdout + r.stderr
    assert r.returncode != 0 and "0 passed, 1 failed" in out, out[-3000:]
    assert "NotImplementedError" in out and first.instructions[:80] in re.sub(r"\s+", " ", out), out[-3000:]
    assert subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout == "", "the run wrote into tracked files"


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_every_other_cell_runs(fresh, tmp_path):
    "Run with errors allowed: exercises raise their instructions; any other error is a name an exercise was to define."
    repo, env = fresh
    release = next((repo/"labs").glob(f"week{WEEK:02d}-*/*.ipynb"))
    out = tmp_path/"out.ipynb"
    script = textwrap.dedent(f"""
        import nbformat
        from nbclient import NotebookClient
        from mlopslab.course import start
        start("{tmp_path/'ws'}")
        nb = nbformat.read("{release}", as_version=4)
        NotebookClient(nb, timeout=300, allow_errors=True, kernel_name="python3", resources={{"metadata": {{"path": "{release.parent}"}}}}).execute()
        nbformat.write(nb, "{out}")
    """)
    r = subprocess.run([str(repo/".venv"/"bin"/"python"), "-c", script], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    spec = lab_for(WEEK)
    answers = set().union(*(_assigned(source(c).split(SOLUTION_BEGIN, 1)[1]) for c in spec.nb["cells"]
                            if c["cell_type"] == "code" and "exercise" in directives(source(c))))
    ran, raised = 0, []
    for c in json.loads(out.read_text())["cells"]:
        if c["cell_type"] != "code": continue
        d = directives(source(c))
        errors = [o for o in c.get("outputs", []) if o.get("output_type") == "error"]
        if "exercise" in d:
            assert errors and errors[0]["ename"] == "NotImplementedError", f"exercise {d['exercise']} did not raise its instructions"
            assert errors[0]["evalue"].startswith(d["exercise"] + ": ") and spec.questions[d["exercise"]].instructions[:60] in errors[0]["evalue"]
            raised.append(d["exercise"])
        elif errors:
            e = errors[0]
            missing = re.match(r"name '(\w+)' is not defined", e["evalue"])
            assert e["ename"] == "NameError" and missing and missing.group(1) in answers, \
                f"a cell that does not depend on an exercise failed: {e['ename']}: {e['evalue']}\n{source(c)[:300]}"
        else: ran += 1
        assert not [o for o in c.get("outputs", []) if o.get("name") == "stderr"], f"stderr in {source(c)[:200]}"
    assert sorted(raised) == sorted(spec.questions) and ran >= 8, (raised, ran)

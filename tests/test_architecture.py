"The package's shape: small modules, no import cycle (function-level imports included), and a wheel that carries every subpackage."
import ast, os, subprocess, sys, sysconfig
from pathlib import Path
import pytest
from conftest import ROOT

PACKAGE = ROOT/"mlopslab"
MAX_LINES = 450


def _name(path: Path) -> str:
    return ".".join(("mlopslab",) + path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")


MODULES = {_name(p): p for p in PACKAGE.rglob("*.py") if p.name != "_modidx.py"}


def _imports(name: str, path: Path) -> set[str]:
    "The mlopslab modules `name` imports anywhere in its code (inside functions too), resolved to module names."
    pkg = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import): targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level: base = ".".join(pkg.split(".")[:len(pkg.split(".")) - node.level + 1] + ([node.module] if node.module else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else: continue
        out |= {t for t in targets if t in MODULES and t != name}
    return out


GRAPH = {n: _imports(n, p) for n, p in MODULES.items()}


def test_no_library_module_over_450_lines():
    long = {n: len(p.read_text().splitlines()) for n, p in MODULES.items() if len(p.read_text().splitlines()) > MAX_LINES}
    assert not long, f"split these modules: {long}"


def test_no_import_cycle():
    "A depth-first search over every import, including those inside functions."
    state, path = {}, []
    def visit(n):
        state[n] = "open"; path.append(n)
        for m in sorted(GRAPH[n]):
            if state.get(m) == "open": raise AssertionError("import cycle: " + " -> ".join(path[path.index(m):] + [m]))
            if m not in state: visit(m)
        state[n] = "done"; path.pop()
    for n in sorted(GRAPH):
        if n not in state: visit(n)


def test_the_cycle_check_sees_imports_inside_functions():
    assert "mlopslab.data.validate" in GRAPH["mlopslab.data.version"], "version imports validate inside a function"
    assert "mlopslab.infra.terraform" in GRAPH["mlopslab.data.version"]


def test_course_machinery_is_apart_from_the_library():
    "The MLOps library (data, model, deploy, infra) never imports how the course is run."
    for n, deps in GRAPH.items():
        if n.startswith(("mlopslab.data", "mlopslab.model", "mlopslab.deploy", "mlopslab.infra")):
            assert not [d for d in deps if d.startswith("mlopslab.course")], f"{n} imports the course machinery"


@pytest.mark.slow
def test_wheel_installs_and_imports_from_outside_the_project(tmp_path):
    "Build the wheel, install it (no editable path) into a fresh venv that borrows only the dependencies, import from /."
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path/"dist"), str(ROOT)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    wheel = next((tmp_path/"dist").glob("mlopslab-*.whl"))
    import zipfile
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(f"mlopslab/{p.relative_to(PACKAGE).as_posix()}" for p in PACKAGE.rglob("*.py")
                     if f"mlopslab/{p.relative_to(PACKAGE).as_posix()}" not in names)
    assert not missing, f"the wheel lacks {missing}"
    venv = tmp_path/"venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(subprocess.run([str(venv/"bin"/"python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # the dependencies come from this environment's site-packages as a plain path: its .pth files (the editable
    # install of the project among them) are not processed, so mlopslab can only come from the wheel
    (site/"deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    code = "import mlopslab, mlopslab.course.grade, mlopslab.course.sandbox.child, mlopslab.cli; print(mlopslab.__file__)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLOPSLAB_")}
    r = subprocess.run([str(venv/"bin"/"python"), "-c", code], capture_output=True, text=True, cwd="/", env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    assert Path(r.stdout.strip()).is_relative_to(site), f"mlopslab came from {r.stdout.strip()}, not the wheel"
    r = subprocess.run([str(venv/"bin"/"python"), "-m", "mlopslab.cli", "--help"], capture_output=True, text=True, cwd="/", env=env)
    assert r.returncode == 0 and "mlopslab grade" in r.stdout, r.stderr[-2000:]

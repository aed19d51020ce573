"""How long `import mlopslab` takes in a fresh interpreter, beside `import mlflow` measured in the same run.

Heavy libraries (mlflow, evidently, torch, locust, papermill, dvc) are imported inside the functions that
need them, so importing the package itself stays fast. Target: `import mlopslab` <= 0.3 s.
"""
import statistics, subprocess, sys, time
from pathlib import Path

RUNS = 7
PACKAGE = Path(__file__).resolve().parents[1]/"mlopslab"
MODULES = sorted(".".join(("mlopslab",) + p.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
                 for p in PACKAGE.rglob("*.py") if p.name != "_modidx.py")   # every module and package, at any depth
STATEMENTS = {
    "import mlopslab": "import mlopslab",
    "import mlopslab + every module": "import " + ", ".join(MODULES),
    "import mlflow (peer)": "import mlflow",
}


def seconds(stmt: str) -> float:
    "Median time of `stmt` measured inside a fresh interpreter (startup excluded), over RUNS runs."
    code = f"import time; t0 = time.perf_counter(); {stmt}; print(time.perf_counter() - t0)"
    def once():
        return float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
    once()  # warm the file cache
    return statistics.median(once() for _ in range(RUNS))


def main() -> int:
    res = {name: seconds(stmt) for name, stmt in STATEMENTS.items()}
    peer = res["import mlflow (peer)"]
    print(f"{'statement':34} {'seconds':>8} {'vs mlflow':>10}")
    for name, s in res.items():
        print(f"{name:34} {s:8.3f} {s / peer:9.2f}x")
    print(f"{len(MODULES)} modules: {', '.join(m.removeprefix('mlopslab.') for m in MODULES)}")
    ok = res["import mlopslab + every module"] <= 0.3
    print(f"target import <= 0.3 s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""`mlopslab site build` (MkDocs + Material + mkdocs-jupyter + mkdocstrings) beside the builder it replaced
(nbconvert, one HTML page per lab and per library notebook, taken from git at OLD_COMMIT), in the same run,
alternating, median of --repeat. Both render the student releases (no lab is executed). Target: the new build
is no slower than the old one. Every run starts from a fresh workspace (cold: no notebook cache). Exits 1 when it is, or when either build is missing its pages."""
import argparse, statistics, subprocess, sys, tempfile, time, types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OLD_COMMIT = "86eba10"   # the last commit with the nbconvert builder in mlopslab/course/site.py


def old_builder():
    src = subprocess.run(["git", "show", f"{OLD_COMMIT}:mlopslab/course/site.py"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    mod = types.ModuleType("mlopslab.course._site_nbconvert"); mod.__package__ = "mlopslab.course"
    exec(compile(src, "site_nbconvert.py", "exec"), mod.__dict__)
    return mod.build_site


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    from mlopslab.config import get_config
    from mlopslab.course.site import build_site
    old = old_builder()
    times = {"mkdocs": [], "nbconvert": []}
    with tempfile.TemporaryDirectory() as d:
        for i in range(a.repeat):
            cfg = get_config(workspace=Path(d)/f"ws{i}")   # a fresh workspace: a cold build, no mkdocs-jupyter cache
            for name, fn in (("mkdocs", build_site), ("nbconvert", old)):
                out = Path(d)/f"{name}-{i}"
                t0 = time.perf_counter(); index = fn(cfg, out); times[name].append(time.perf_counter() - t0)
                pages = len(list(out.rglob("*.html")))
                if not index.exists() or pages < 10: sys.exit(f"{name}: only {pages} pages, no index" if pages < 10 else f"{name}: no index")
                print(f"run {i + 1} {name:9} {times[name][-1]:6.2f} s  {pages} pages, {sum(p.stat().st_size for p in out.rglob('*') if p.is_file()) / 1e6:.1f} MB")
    new, peer = statistics.median(times["mkdocs"]), statistics.median(times["nbconvert"])
    ok = new <= peer
    print(f"median: mkdocs {new:.2f} s, nbconvert {peer:.2f} s: {new / peer:.2f}x the old builder's time "
          f"(target <= 1.0x: {'met' if ok else 'MISSED'})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

"""Serving benchmark: the same registered model served by `mlopslab serve`, by `mlflow models serve --env-manager local`
and by a bare FastAPI endpoint calling predict_proba, each loaded by the same locust run on loopback.

Prints RPS, p50, p99 and failures for 1-row and 100-row requests, and exits 1 unless `mlopslab serve` has
>= 6x mlflow serve's RPS, p99 <= 1/3 of its p99, and at least the bare endpoint's RPS, for both sizes.
Usage: python benchmarks/serving/bench_serving.py [--users 16] [--duration 15] [--workers 1]
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
NAME = "flights-delay"
URI = f"models:/{NAME}@champion"


def register(cfg):
    "Train the zoo's forest on Jan-Jun 2013, register it and point `champion` at it."
    import mlflow
    from mlopslab import data
    from mlopslab.model import track, zoo
    X, y = data.xy(data.load_flights(months=[1, 2, 3, 4, 5, 6], sample=40000, seed=1, cfg=cfg))
    track.setup_tracking(cfg, "bench-serving")
    model = zoo.forest(n_estimators=60, max_depth=12).fit(X, y)
    with mlflow.start_run():
        info = track.log_model(model, "model", X_example=X, registered_model_name=NAME)
    track.promote(NAME, info.registered_model_version, "champion")


def wait(url, proc, timeout=180):
    import urllib.request
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None: raise SystemExit(f"server exited with {proc.returncode}: {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200: return
        except Exception: time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {timeout} s")


def servers(workers, ports):
    py, ml = sys.executable, str(BIN/"mlopslab")
    return {
        "mlopslab serve": ([ml, "serve", "--model-uri", URI, "--port", str(ports[0]), "--workers", str(workers)], ports[0], "/ready", "/predict", "flights"),
        "mlflow models serve": ([str(BIN/"mlflow"), "models", "serve", "-m", URI, "--env-manager", "local", "--host", "127.0.0.1",
                                 "-p", str(ports[1]), "-w", str(workers)], ports[1], "/health", "/invocations", "dataframe_records"),
        "bare FastAPI": ([py, "-m", "uvicorn", "bare_app:app", "--host", "127.0.0.1", "--port", str(ports[2]), "--workers", str(workers),
                          "--log-level", "warning", "--app-dir", str(HERE)], ports[2], "/health", "/predict", "flights"),
    }


def locust(url, path, key, rows, users, duration, env):
    "One bounded locust run in a process of its own (locust patches the standard library with gevent)."
    code = ("import json, sys; from mlopslab.deploy.loadtest import payloads, run_load; "
            f"b = [json.dumps({{{key!r}: json.loads(x)['flights']}}).encode() for x in payloads(12, {rows}, n=300)]; "
            f"print(json.dumps(run_load({url!r}, b, {users}, {duration}, {path!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=duration + 120)
    if out.returncode: raise SystemExit(f"locust run failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=16); ap.add_argument("--duration", type=float, default=15)
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args()
    from mlopslab.config import get_config, tool_env
    from mlopslab.deploy.stack import free_port
    ws = Path(tempfile.mkdtemp(prefix="bench-serving-"))/"ws"
    cfg = get_config(workspace=ws)
    env = {**os.environ, **tool_env(cfg), "MLOPSLAB_MODEL_URI": URI, "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
    os.environ.update(env)
    register(cfg)
    ports = [free_port(0) for _ in range(3)]
    rows = {}
    for name, (cmd, port, ready, path, key) in servers(a.workers, ports).items():
        url = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen(cmd, env=env, cwd=ws, stdout=subprocess.DEVNULL, stderr=open(ws/f"{name.split()[0]}.log", "w"),
                                start_new_session=True)
        try:
            wait(url + ready, proc)
            for n in (1, 100):
                rows[(name, n)] = r = locust(url, path, key, n, a.users, a.duration, env)
                print(f"{name:20} {n:3} row(s): {r['rps']:7.0f} req/s  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  "
                      f"failures {r['failures']}/{r['requests']}", flush=True)
        finally:
            try: os.killpg(proc.pid, 15)
            except ProcessLookupError: pass
            proc.wait(30)
    ok = True
    print(f"\n{a.users} locust users, {a.duration:g} s per run, {a.workers} worker(s) each, loopback; ratios against peers measured in the same run")
    for n in (1, 100):
        us, mf, bare = rows[("mlopslab serve", n)], rows[("mlflow models serve", n)], rows[("bare FastAPI", n)]
        checks = {f"RPS {us['rps']/max(mf['rps'], 1e-9):.1f}x mlflow serve (>= 6x)": us["rps"] >= 6 * mf["rps"],
                  f"p99 {us['p99_ms']/max(mf['p99_ms'], 1e-9):.2f} of mlflow serve's (<= 0.33)": us["p99_ms"] <= mf["p99_ms"] / 3,
                  f"RPS {us['rps']/max(bare['rps'], 1e-9):.2f}x the bare endpoint (>= 1x)": us["rps"] >= bare["rps"],
                  "no failures": us["failures"] == 0}
        for text, good in checks.items(): print(f"  {n:3} row(s): {text:45} {'ok' if good else 'MISSED'}"); ok &= good
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

import json, os, signal, socket, sys, time
import psutil
import pytest
from mlopslab.deploy import stack
from mlopslab.config import get_config
from mlopslab.errors import StackError
from conftest import run_cli


def _http_server(name="web", port=0):
    return stack.Service(name, [sys.executable, "-m", "http.server", "{port}", "--bind", "{host}"], port=port or stack.free_port())


def _group_alive(pid):
    return any(p.info["pid"] != os.getpid() and _pgid(p.info["pid"]) == pid for p in psutil.process_iter(["pid"]))


def _pgid(pid):
    try: return os.getpgid(pid)
    except ProcessLookupError: return None


def test_start_stop_leaves_no_process(workspace):
    cfg = get_config()
    rec = stack.start(_http_server(), cfg, timeout=20)
    assert stack._healthy(rec["url"]) and stack.status(cfg)[0]["healthy"]
    assert stack.stop("web", cfg)
    assert not _group_alive(rec["pid"]) and stack.status(cfg) == []
    assert not stack.stop("web", cfg), "stopping twice reports it was not running"


def test_children_are_stopped_with_the_parent(workspace):
    "A service that forks workers (like mlflow server) must not leave orphans."
    cfg = get_config()
    port = stack.free_port()
    code = ("import subprocess, sys, http.server, socketserver;"
            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']);"
            f"http.server.test(HandlerClass=http.server.SimpleHTTPRequestHandler, port={port}, bind='127.0.0.1')")
    rec = stack.start(stack.Service("forker", [sys.executable, "-c", code], port=port), cfg, timeout=20)
    kids = psutil.Process(rec["pid"]).children(recursive=True)
    assert kids, "the service started a child process"
    stack.stop("forker", cfg)
    time.sleep(0.2)
    assert not any(k.is_running() and k.status() != psutil.STATUS_ZOMBIE for k in kids)


def test_port_in_use_moves_to_a_free_port(workspace):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0)); busy.listen()
        taken = busy.getsockname()[1]
        cfg = get_config()
        rec = stack.start(_http_server(port=taken), cfg, timeout=20)
        try: assert rec["port"] != taken and stack.port_in_use(rec["port"])
        finally: stack.stop("web", cfg)


def test_service_that_dies_reports_its_log(workspace):
    svc = stack.Service("broken", [sys.executable, "-c", "raise SystemExit('database is locked: cannot start')"], port=stack.free_port())
    with pytest.raises(StackError, match="database is locked") as e:
        stack.start(svc, get_config(), timeout=20)
    assert "exited with code 1" in str(e.value)


def test_service_that_never_answers_times_out_and_is_killed(workspace):
    svc = stack.Service("mute", [sys.executable, "-c", "import time; time.sleep(600)"], port=stack.free_port())
    t0 = time.monotonic()
    with pytest.raises(StackError, match="did not answer"):
        stack.start(svc, get_config(), timeout=2)
    assert time.monotonic() - t0 < 20
    assert not any("time.sleep(600)" in " ".join(p.info["cmdline"] or []) for p in psutil.process_iter(["cmdline"]))


def test_stale_record_is_cleaned(workspace):
    cfg = get_config(); cfg.run_dir.mkdir(parents=True)
    (cfg.run_dir/"ghost.json").write_text(json.dumps({"name": "ghost", "pid": 2**22 - 7, "port": 1, "url": "x"}))
    assert stack.status(cfg) == [] and not (cfg.run_dir/"ghost.json").exists()


def test_local_stack_stops_on_error(workspace):
    cfg = get_config()
    with pytest.raises(RuntimeError):
        with stack.local_stack(cfg, services=[_http_server()]) as urls:
            assert stack._healthy(urls["web"])
            raise RuntimeError("a cell failed")
    assert stack.status(cfg) == []


@pytest.mark.slow
def test_mlflow_server_up_status_down_via_cli(workspace):
    "The real MLflow tracking server through `mlopslab stack up/status/down`."
    env = {"MLOPSLAB_MLFLOW_PORT": str(stack.free_port(5600))}
    up = run_cli("stack", "up", env=env)
    assert up.returncode == 0, up.stderr
    recs = json.loads(run_cli("stack", "status", "--json").stdout)
    assert [r["name"] for r in recs] == ["mlflow"] and recs[0]["healthy"]
    pid = recs[0]["pid"]
    workers = psutil.Process(pid).children(recursive=True)
    assert workers, "mlflow server serves from a child process: the check below would prove nothing without one"
    assert stack._healthy(recs[0]["url"] + "/health")
    down = run_cli("stack", "down")
    assert down.returncode == 0 and "mlflow     stopped" in down.stdout
    time.sleep(0.3)
    assert not _group_alive(pid)
    assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)
    assert (workspace/"mlflow"/"mlflow.db").exists(), "MLflow's database is in the workspace"


def test_cli_unknown_service_is_a_clean_error(workspace):
    r = run_cli("stack", "up", "--service", "postgres")
    assert r.returncode == 2 and "unknown service 'postgres'" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_cli_says_when_the_configured_port_is_taken(workspace):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0)); busy.listen()
        taken = busy.getsockname()[1]
        up = run_cli("stack", "up", env={"MLOPSLAB_MLFLOW_PORT": str(taken)})
        try:
            assert up.returncode == 0, up.stderr
            assert f"port {taken} is in use" in up.stdout and "MLOPSLAB_MLFLOW_PORT" in up.stdout
        finally:
            run_cli("stack", "down")

"`mlopslab loadtest`: locust as a library against a real server on loopback, bounded, with a CSV and an SLO verdict as exit code."
import csv, os
from conftest import run_cli
from mlopslab.config import tool_env
from deploy_helpers import registry, served  # noqa: F401  (fixture)


def test_loadtest_passes_a_loose_slo_and_fails_a_tight_one(registry, tmp_path):
    cfg = registry[0]
    env = tool_env(cfg)
    with served(cfg, name="model-load", runtime="auto") as url:
        ok = run_cli("loadtest", url, "--users", "4", "--duration", "3", "--rows", "5", "--slo", "p99<=5s,errors<=0%",
                     "--csv", str(tmp_path/"ok.csv"), env=env)
        tight = run_cli("loadtest", url, "--users", "2", "--duration", "2", "--slo", "rps>=1000000", "--csv", str(tmp_path/"t.csv"), env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "verdict: PASS" in ok.stdout and "SLO p99 <= 5000 ms" in ok.stdout
    row = next(csv.DictReader(open(tmp_path/"ok.csv")))
    assert int(row["requests"]) > 20 and int(row["failures"]) == 0 and float(row["rps"]) > 0 and row["passed"] == "True"
    assert tight.returncode == 1 and "MISSED" in tight.stdout and "verdict: FAIL" in tight.stdout


def test_failures_fail_the_verdict_and_a_bad_slo_is_explained(registry, tmp_path):
    from mlopslab.deploy.stack import free_port
    env = tool_env(registry[0])
    dead = run_cli("loadtest", f"http://127.0.0.1:{free_port()}", "--users", "2", "--duration", "2", "--csv", str(tmp_path/"d.csv"), env=env)
    assert dead.returncode == 1 and "verdict: FAIL" in dead.stdout
    bad = run_cli("loadtest", "http://127.0.0.1:1", "--slo", "latency<=5ms", env=env)
    assert bad.returncode == 2 and "not understood" in bad.stderr + bad.stdout


def test_step_load_finds_the_knee_plots_and_writes_csv(registry, tmp_path):
    cfg = registry[0]
    env = tool_env(cfg)
    with served(cfg, name="model-steps", runtime="auto") as url:
        r = run_cli("knee", url, "--users", "1,4", "--duration", "2", env=env, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["users", "rps", "p50", "ms", "p99", "ms", "failed"] and [l.split()[0] for l in lines[1:3]] == ["1", "4"]
    assert lines[-1].startswith("knee: ") and " users, " in lines[-1]
    steps = list(csv.DictReader(open(cfg.logs_dir/"steps.csv")))
    assert [s["users"] for s in steps] == ["1", "4"] and all(float(s["rps"]) > 0 and float(s["failures"]) == 0 for s in steps)
    assert (cfg.logs_dir/"steps.png").stat().st_size > 5000
    bad = run_cli("knee", url, "--users", "1,x", env=env)
    assert bad.returncode == 2 and "comma-separated" in bad.stdout + bad.stderr

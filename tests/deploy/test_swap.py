"The server follows the `champion` alias: moving it under load swaps the version in the background, and no request fails."
import threading, time
import httpx
import numpy as np
from mlopslab.config import tool_env
from mlopslab.model import track
from deploy_helpers import NAME, environ, payload, registry, served  # noqa: F401  (fixture)


def test_moving_champion_under_load_fails_no_request(registry):
    cfg, models, X = registry
    body = payload(X, 20)
    results, moved = [], threading.Event()

    def load(url, deadline):
        with httpx.Client(base_url=url, timeout=30) as c:
            while time.monotonic() < deadline:
                t0 = time.perf_counter()
                try:
                    r = c.post("/predict", json=body)
                    results.append((r.status_code, r.json().get("model_version"), r.json().get("probabilities"), time.perf_counter() - t0))
                except Exception as e: results.append((repr(e), None, None, time.perf_counter() - t0))
                if moved.is_set() and results[-1][1] == f"{NAME}/2" and sum(v == f"{NAME}/2" for _, v, _, _ in results) >= 200: return

    with served(cfg, name="model-swap", runtime="native", poll=0.5) as url:
        threads = [threading.Thread(target=load, args=(url, time.monotonic() + 60)) for _ in range(2)]
        for t in threads: t.start()
        while len(results) < 100: time.sleep(0.05)
        with environ(tool_env(cfg)):
            try:
                track.promote(NAME, "2", "champion"); moved.set()
                for t in threads: t.join()
            finally: track.promote(NAME, "1", "champion")
        swaps = httpx.get(url + "/metadata").json()["swaps"]

    failed = [r for r in results if r[0] != 200]
    assert not failed, f"{len(failed)} of {len(results)} requests failed: {failed[:3]}"
    versions = [v for _, v, _, _ in results]
    assert versions[0] == f"{NAME}/1" and versions[-1] == f"{NAME}/2" and swaps == 1
    first2 = versions.index(f"{NAME}/2")
    assert set(versions[first2:]) == {f"{NAME}/2"} or versions.count(f"{NAME}/1") - first2 <= 2, "no request goes back to the old version"
    for v in ("1", "2"):   # each answer really comes from the version it names
        p = next(p for _, ver, p, _ in results if ver == f"{NAME}/{v}")
        assert np.allclose(p, models[v].predict_proba(X.head(20))[:, 1], rtol=0, atol=1e-9)
    print(f"{len(results)} requests, {versions.count(f'{NAME}/1')} on v1, {versions.count(f'{NAME}/2')} on v2, "
          f"max latency {max(r[3] for r in results)*1000:.0f} ms")

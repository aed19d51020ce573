"""The built site in a real browser: Debian's headless Chromium, driven over the DevTools protocol, loads every
page from a local server. No failed request, no request leaves 127.0.0.1, no console error, no solution text,
and the search box finds a lab. Screenshots of the home page and a lab page stay in the workspace."""
import base64, functools, http.server, itertools, json, os, re, shutil, subprocess, threading, time
from pathlib import Path
import pytest
from mlopslab.config import get_config

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (apt-get install chromium; listed in .ci/debian-packages.txt)")


class Browser:
    "A minimal DevTools-protocol client: one page target, its events collected."
    def __init__(self, profile: Path):
        import websocket
        self.proc = subprocess.Popen([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                      "--disable-background-networking", "--disable-component-update", "--disable-sync",
                                      "--disable-default-apps", "--disable-extensions", "--window-size=1280,900",
                                      f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        url, t0 = None, time.monotonic()
        while url is None and time.monotonic() - t0 < 30:
            line = self.proc.stderr.readline()
            if m := re.search(r"DevTools listening on (ws://\S+)", line): url = m.group(1)
            elif not line and self.proc.poll() is not None: break
        if not url: raise RuntimeError("chromium did not start its DevTools server")
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()   # keep the pipe drained
        self.ws, self.ids, self.events = websocket.create_connection(url, timeout=60, suppress_origin=True), itertools.count(1), []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"): self.call(f"{domain}.enable", session=True)

    def call(self, method, session=False, **params):
        i = next(self.ids)
        msg = {"id": i, "method": method, "params": params}
        if session: msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        while True:
            m = json.loads(self.ws.recv())
            if m.get("id") == i:
                if "error" in m: raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_for(self, method, timeout=30):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            for e in self.events:
                if e.get("method") == method: return e
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(method)

    def load(self, url):
        "Navigate to `url`, wait for its load event and a moment for late requests; returns the events of this page."
        self.events = []
        self.call("Page.navigate", session=True, url=url)
        self.wait_for("Page.loadEventFired")
        self.eval("new Promise(r => setTimeout(r, 300))")
        return list(self.events)

    def eval(self, js):
        r = self.call("Runtime.evaluate", session=True, expression=js, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in r: raise RuntimeError(r["exceptionDetails"])
        return r["result"].get("value")

    def screenshot(self, path: Path):
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", session=True, format="png")["data"]))

    def close(self):
        try: self.ws.close()
        finally:
            self.proc.terminate()
            try: self.proc.wait(10)
            except subprocess.TimeoutExpired: self.proc.kill()


def problems(events, origin):
    "Failed requests, requests to anywhere but `origin`, and console errors among a page's DevTools events."
    out = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Network.requestWillBeSent":
            url = p["request"]["url"]
            if not url.startswith((origin, "data:", "blob:", "about:")): out.append(f"external request {url}")
        elif m == "Network.loadingFailed" and not p.get("canceled"): out.append(f"failed request {p.get('errorText')} ({p.get('type')})")
        elif m == "Network.responseReceived" and p["response"]["status"] >= 400: out.append(f"HTTP {p['response']['status']} {p['response']['url']}")
        elif m == "Runtime.exceptionThrown": out.append(f"exception {p['exceptionDetails'].get('text')} {p['exceptionDetails'].get('exception', {}).get('description', '')}")
        elif m == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"): out.append(f"console.{p['type']} {p['args']}")
        elif m == "Log.entryAdded" and p["entry"]["level"] == "error": out.append(f"log error {p['entry'].get('text')} {p['entry'].get('url', '')}")
    return out


def solution_lines(project: Path) -> set[str]:
    "Lines that appear only inside the instructor notebooks' solution blocks (not in the student releases)."
    from mlopslab.course.labs import find_labs
    sol = set()
    for lab in find_labs(get_config()):
        for c in json.loads(lab.path.read_text())["cells"]:
            for block in re.findall(r"### BEGIN SOLUTION(.*?)### END SOLUTION", "".join(c["source"]), re.S):
                sol |= {l.strip() for l in block.splitlines() if len(l.strip()) >= 12}
    released = "\n".join(p.read_text() for p in (project/"labs").glob("week*/*.ipynb"))
    return {l for l in sol if json.dumps(l)[1:-1] not in released and l not in released}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    "The student site, built into a fresh workspace and served on 127.0.0.1."
    from mlopslab.course.site import build_site
    tmp = tmp_path_factory.mktemp("browser")
    cfg = get_config(workspace=tmp/"ws")
    site = build_site(cfg, tmp/"site").parent
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    browser = Browser(tmp/"profile")
    yield site, f"http://127.0.0.1:{server.server_address[1]}/", browser, Path(os.environ.get("MLOPSLAB_SCREENSHOTS", cfg.workspace/"site"/"screenshots"))
    browser.close(); server.shutdown()


def test_every_page_loads_clean_and_shows_no_solution(served):
    site, origin, browser, _ = served
    sol = solution_lines(get_config().project)
    assert sol, "the instructor notebooks have solution-only lines to look for"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert "index.html" in pages and any(p.startswith("labs/") for p in pages) and any(p.startswith("api/") for p in pages)
    bad = {}
    for rel in pages:
        found = problems(browser.load(origin + rel), origin)
        text = browser.eval("document.body.innerText")
        found += [f"solution text: {l}" for l in sol if l in text]
        if found: bad[rel] = found
    assert not bad, bad


def test_search_finds_a_lab_and_screenshots_are_kept(served):
    site, origin, browser, shots = served
    browser.load(origin + "index.html")
    browser.eval("document.querySelector('label.md-search__icon, label[for=__search]').click()")
    browser.eval("document.querySelector('input.md-search__input').focus()")
    browser.call("Input.insertText", session=True, text="nycflights13")
    hits, t0 = [], time.monotonic()
    while not hits and time.monotonic() - t0 < 90:   # the search worker builds its index first (slow on a busy machine)
        time.sleep(0.5)
        hits = browser.eval("[...document.querySelectorAll('.md-search-result__item a')].map(a => a.getAttribute('href'))")
        if not hits:   # ask again: a query typed before the index was ready may have found nothing
            browser.eval("(i => { i.dispatchEvent(new Event('input', {bubbles: true})); i.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true})) })(document.querySelector('input.md-search__input'))")
    assert any("labs/week" in h for h in hits), hits
    shots.mkdir(parents=True, exist_ok=True)
    browser.load(origin + "index.html"); browser.screenshot(shots/"home.png")
    browser.load(origin + "labs/week01.html"); browser.screenshot(shots/"lab-week01.png")
    for name in ("home.png", "lab-week01.png"):
        assert (shots/name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and (shots/name).stat().st_size > 10_000


def test_dark_mode_toggle_and_mobile_menu(served):
    "The palette toggle switches Material to its dark scheme; on a phone-sized screen the sidebar becomes a menu button."
    site, origin, browser, _ = served
    browser.load(origin + "index.html")
    before = browser.eval("document.body.getAttribute('data-md-color-scheme')")
    browser.eval("[...document.querySelectorAll('form[data-md-component=palette] label')].find(l => l.offsetParent !== null).click()")
    after = browser.eval("new Promise(r => setTimeout(() => r(document.body.getAttribute('data-md-color-scheme')), 200))")
    assert {before, after} == {"default", "slate"}, (before, after)
    browser.call("Emulation.setDeviceMetricsOverride", session=True, width=390, height=844, deviceScaleFactor=1, mobile=True)
    try:
        browser.load(origin + "labs/week01.html")
        assert browser.eval("document.querySelector('label.md-header__button[for=__drawer]').offsetParent !== null"), "the menu button shows on a phone"
        assert browser.eval("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page does not scroll sideways"
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride", session=True)

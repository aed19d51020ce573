"""Hostile submissions of the toy lab, graded in ONE batch next to a clean one: each gets exactly the points of
its honest answers, the batch finishes, and nobody else's results change."""
import json, re, shutil, socket, threading
from pathlib import Path
import pytest
from conftest import ROOT
from mlopslab.course.grade import grade
from mlopslab.course.labspec import directives, lab_for, source
from mlopslab.course.sandbox.isolate import is_root, protections

FIX = ROOT/"tests"/"fixtures"/"grading"
LABS, CHECKS = FIX/"labs", FIX/"grading"
SECRET = "SECRET-HIDDEN-CHECK-7f3a"
ROOTED = is_root()

SOL = {"q1_mean": "mean = float(values.mean())",
       "q2_square": "def square(x):\n    return x * x",
       "q3_file": 'with open("numbers.txt", "w") as f:\n    f.write("\\n".join(str(i) for i in range(1, 6)) + "\\n")',
       "q4_counts": 'text = "the cat and the hat"\ncounts = {}\nfor w in text.split():\n    counts[w] = counts.get(w, 0) + 1'}
POINTS = {"q1_mean": 2, "q2_square": 3, "q3_file": 2, "q4_counts": 3}


def attacks(out: Path, port: int) -> dict[str, tuple[dict[str, str], set[str]]]:
    "student -> (replacement code per question, questions that must score zero)."
    return {
        "loop": ({"q2_square": SOL["q2_square"] + "\nimport signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"}, {"q2_square"}),
        "osexit": ({"q3_file": "import os\nos._exit(1)"}, {"q3_file"}),
        "sysexit": ({"q1_mean": "import sys\nsys.exit(3)"}, {"q1_mean"}),
        "segfault": ({"q4_counts": "import ctypes\nctypes.string_at(0)"}, {"q4_counts"}),
        "membomb": ({"q1_mean": SOL["q1_mean"] + "\nhog = bytearray(16 * 1024**3)"}, {"q1_mean"}),
        "forkbomb": ({"q3_file": "import os, time\nfor _ in range(3000):\n    if os.fork() == 0:\n        time.sleep(120)\n        os._exit(0)"}, {"q3_file"}),
        "flood": ({"q4_counts": SOL["q4_counts"] + "\nfor _ in range(4):\n    print('x' * 2_000_000)"}, set()),
        "snoop": ({"q1_mean": SOL["q1_mean"] + f"""
import os, sys, glob
found = []
for path in [{str(CHECKS)!r}, {str(CHECKS/'week91')!r}, {str(LABS)!r}, {str(ROOT/'grading')!r}]:
    try: found.append(os.listdir(path))
    except Exception as e: found.append(repr(e))
for f in [{str(CHECKS/'week91'/'checks.py')!r}, {str(LABS/'week91_toy.ipynb')!r}]:
    try: found.append(open(f).read())
    except Exception as e: found.append(repr(e))
sys.path.insert(0, {str(CHECKS/'week91')!r})
try:
    import checks; found.append(checks.__doc__)
except Exception as e: found.append(repr(e))
found.append(glob.glob('/tmp/mlopslab-grade-*/*'))
print(found)"""}, set()),
        "vandal": ({"q4_counts": SOL["q4_counts"] + f"""
import os
for f in [{str(out/'grades.json')!r}, {str(out/'results'/'clean.json')!r}, {str(out/'results'/'sentinel.json')!r}, {str(out/'feedback'/'clean.md')!r}]:
    try:
        with open(f, 'w') as fh: fh.write('{{"score": 100}}')
    except Exception as e: print(repr(e))"""}, set()),
        "patcher": ({"q1_mean": """mean = 0.0
import builtins, mlopslab.course.checks as gr, mlopslab.course.grade as gl, mlopslab.course.sandbox.records as sbx
builtins.isinstance = lambda *a: True
gr.close = lambda *a, **k: True
gl.run_hidden = lambda c, ctx: gl.CheckResult("hidden", "x", True)
sbx.unplain = lambda x: 5.5"""}, {"q1_mean"}),
        "liar": ({"q1_mean": "class Liar(float):\n    def __eq__(self, o): return True\n    __hash__ = float.__hash__\nmean = Liar(-1.0)",
                  "q4_counts": "class D(dict):\n    def __eq__(self, o): return True\ncounts = D(the=9)"}, {"q1_mean", "q4_counts"}),
        "forger": ({"q1_mean": """mean = 0.0
import json, os, mlopslab.course.sandbox.records as sbx
os.makedirs('.mlopslab-records', exist_ok=True)
forged = {"values": {"mean": {"__ndarray__": [5.5], "dtype": "object"}}, "passed": True, "points": 2}
json.dump(forged, open('.mlopslab-records/q1_mean.json', 'w'))
sbx.record = lambda *a, **k: None
json.dump({"status": "done"}, open('.mlopslab-run.json', 'w'))
json.dump({"students": [{"student": "forger", "score": 10}]}, open('grades.json', 'w'))""",
                    "q2_square": """def square(x):
    return 0
import json, os
os.makedirs('.mlopslab-probes', exist_ok=True)
json.dump({"ok": True, "value": {"int": 9, "neg": 6.25, "arr": [1.0, 4.0]}}, open('.mlopslab-probes/q2_square.json', 'w'))"""},
                   # switching the recorder off also loses the later, honest q4: nothing unrecorded is ever credited
                   {"q1_mean", "q2_square", "q4_counts"}),
        "gitsnoop": ({"q1_mean": f"""
import os
seen = [p for p in [{str(ROOT/'.git'/'HEAD')!r}, {str(ROOT/'grading')!r}, {str(ROOT/'nbs')!r}, {str(ROOT/'README.md')!r}, {str(out)!r}] if os.path.exists(p)]
mean = float(values.mean()) if not seen else -1.0   # right only if the project, its .git and the gradebook are out of sight"""},
                     set() if ROOTED else {"q1_mean"}),
        "shmfill": ({"q4_counts": SOL["q4_counts"] + f"""
for d in ['/dev/shm', '/tmp', '/var/tmp']:
    try:
        with open(d + '/mlopslab-hog-{port}', 'wb') as f: f.write(b'x' * 64 * 1024 * 1024)
    except OSError as e: print(repr(e))"""}, set()),
        "thief": ({}, set()),          # its metadata claims to be "clean"
        "network": ({"q4_counts": SOL["q4_counts"] + f"\nimport socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=3).sendall(b'leak')"},
                    {"q4_counts"} if ROOTED else set()),
        "clean": ({}, set()),
    }


def submission(spec, replace: dict[str, str]) -> dict:
    "The instructor notebook with the solution block of some exercises replaced."
    nb = json.loads(Path(spec.lab.path).read_text())
    for c in nb["cells"]:
        q = directives(source(c)).get("exercise")
        if q in replace:
            head = [l for l in source(c).splitlines() if l.startswith("#")][:3]
            c["source"] = "\n".join(head + [replace[q]])
    return nb


class Listener:
    "A TCP server on 127.0.0.1 that counts connections (a sandbox must not reach it)."
    def __init__(self):
        self.sock = socket.socket(); self.sock.bind(("127.0.0.1", 0)); self.sock.listen(8); self.sock.settimeout(0.2)
        self.port, self.hits, self.stop = self.sock.getsockname()[1], 0, False
        self.t = threading.Thread(target=self.loop, daemon=True); self.t.start()
    def loop(self):
        while not self.stop:
            try: c, _ = self.sock.accept(); self.hits += 1; c.close()
            except OSError: pass
    def close(self): self.stop = True; self.t.join(); self.sock.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("adversarial")
    spec, out, subs, net = lab_for(91, LABS), tmp/"out", tmp/"subs", Listener()
    (out/"results").mkdir(parents=True); (out/"results"/"sentinel.json").write_text('{"untouched": true}')
    subs.mkdir()
    table = attacks(out, net.port)
    for name, (replace, _) in table.items():
        nb = submission(spec, replace)
        if name == "thief": nb["metadata"].setdefault("mlopslab", {})["student"] = "clean"
        (subs/f"{name}.ipynb").write_text(json.dumps(nb))
    try: res = {r.student: r for r in grade(91, subs, out, labs=LABS, checks=CHECKS, jobs=2, timeout=8, memory=2048, wall=90, progress=False)}
    finally: net.close()
    return res, table, out, net


ATTACKS = ["loop", "osexit", "sysexit", "segfault", "membomb", "forkbomb", "flood", "snoop", "vandal", "patcher", "liar", "forger",
           "gitsnoop", "shmfill", "thief", "network", "clean"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ATTACKS)
def test_each_attack_scores_exactly_its_honest_answers(batch, name):
    res, table, _, _ = batch
    r = res[name]
    zero = table[name][1]
    assert r.status == "graded", r.message
    got = {q.question: q.points for q in r.questions}
    assert got == {q: (0 if q in zero else p) for q, p in POINTS.items()}, [(q.question, q.status, q.reason) for q in r.questions]


@pytest.mark.slow
def test_failures_are_named(batch):
    res = batch[0]
    st = lambda s, q: next(x for x in res[s].questions if x.question == q)
    assert st("loop", "q2_square").status == "timeout" and "8 s" in st("loop", "q2_square").reason
    assert st("osexit", "q3_file").status == "crashed"
    assert st("segfault", "q4_counts").status == "crashed"
    assert st("sysexit", "q1_mean").status == "error" and "SystemExit" in st("sysexit", "q1_mean").reason
    assert st("membomb", "q1_mean").status == "memory"
    assert "timeout" in (batch[2]/"feedback"/"loop.md").read_text()


@pytest.mark.slow
def test_nothing_hidden_leaks_and_the_gradebook_is_intact(batch):
    res, _, out, net = batch
    executed = (out/"executed"/"snoop.ipynb").read_text()
    assert SECRET not in executed and "float(values.mean())" not in executed.replace(SOL["q1_mean"], "")
    if ROOTED:
        # the hidden folders do not even exist in the sandbox's view, and of the grader's temp folder it sees its own job only
        assert "FileNotFoundError" in executed and "No module named" in executed and net.hits == 0
        assert len(set(re.findall(r"mlopslab-grade-\w+/\w+", executed))) == 1
    assert json.loads((out/"results"/"sentinel.json").read_text()) == {"untouched": True}
    if ROOTED:   # the hog files went to the job's private tmpfs mounts, gone with it
        assert not [p for d in ("/dev/shm", "/tmp", "/var/tmp") for p in Path(d).glob(f"mlopslab-hog-{net.port}")]
    assert res["clean"].score == 10 and json.loads((out/"results"/"clean.json").read_text())["score"] == 10
    book = json.loads((out/"grades.json").read_text())
    assert len(book["students"]) == len(ATTACKS) and all(s["status"] == "graded" for s in book["students"])
    assert len((out/"executed"/"flood.ipynb").read_bytes()) < 1_000_000       # megabytes of output were cut
    for f in (out/"feedback").iterdir(): assert SECRET not in f.read_text()


@pytest.mark.slow
def test_protections_reported_and_nothing_left_running(batch):
    import psutil
    out = batch[2]
    summary = (out/"summary.md").read_text()
    for k, v in protections().items(): assert f"{k}: {'enforced' if v else 'NOT enforced'}" in summary
    # sandbox uids of THIS project's grader (other checkouts on a shared machine grade with their own venvs)
    sleepers = [p for p in psutil.process_iter(["uids", "cmdline"]) if p.info["uids"] and p.info["uids"].real >= 200_000
                and str(ROOT) in " ".join(p.info["cmdline"] or [str(ROOT)])]
    assert not sleepers or not ROOTED

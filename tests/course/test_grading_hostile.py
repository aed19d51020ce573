"""The red team's classes of attack (issue 15), written anew against the toy lab and graded in ONE batch next to
honest submissions: records that rebuild into gigabytes, file names that are not UTF-8 or that collide once cleaned,
probes gamed with constants, by detecting the probe or by replacing the probe runner, probe errors that carry text
out, and a second checkout of the course elsewhere on the machine. The batch completes, every submission gets what
its honest work deserves, and nothing of the instructor's copies reaches any student-visible output."""
import json, os, secrets, shutil
from pathlib import Path
import pytest
from conftest import ROOT
import mlopslab.course.grade as grade_module
from mlopslab.course.grade import grade, print_grades
from mlopslab.course.labspec import directives, lab_for, source
from mlopslab.course.sandbox.isolate import is_root

FIX = ROOT/"tests"/"fixtures"/"grading"
LABS = FIX/"labs"
SECRET = "SECRET-SECOND-CHECKOUT-" + secrets.token_hex(4)
LEAK = "LEAKED-BY-AN-EXCEPTION-" + secrets.token_hex(4)
ROOTED = is_root()
SOL = {"q1_mean": "mean = float(values.mean())",
       "q2_square": "def square(x):\n    return x * x",
       "q3_file": 'with open("numbers.txt", "w") as f:\n    f.write("\\n".join(str(i) for i in range(1, 6)) + "\\n")',
       "q4_counts": 'text = "the cat and the hat"\ncounts = {}\nfor w in text.split():\n    counts[w] = counts.get(w, 0) + 1'}
POINTS = {"q1_mean": 2, "q2_square": 3, "q3_file": 2, "q4_counts": 3}

# The toy lab's probe, drawn per submission from the grader's seed (as week 1's is); the check recomputes the inputs.
PROBES = '''"Seeded probes of the toy lab."

def q2_square_inputs(seed):
    import random
    rng = random.Random(seed)
    return rng.randint(4, 10**6), -rng.randint(1, 999) / 8, [float(rng.randint(1, 99)) for _ in range(3)]

def q2_square(sub, seed):
    import numpy as np
    i, f, a = q2_square_inputs(seed)
    return {"int": sub.square(i), "neg": sub.square(f), "arr": sub.square(np.array(a))}
'''
SQUARE_CHECK = '''

@hidden("q2_square", probe="q2_square")
def square_numbers(ctx):
    "square works on integers, negative floats and arrays"
    got = ctx.probe("q2_square")
    i, f, a = ctx.probe_inputs("q2_square")
    assert type(got) is dict, "the probe returned no results"
    assert close(got.get("int"), i * i) and close(got.get("neg"), f * f), "square gives wrong numbers"
    assert close(got.get("arr"), [x * x for x in a]), "square does not work on numpy arrays"
'''


def checks_dir(d: Path) -> Path:
    "The toy lab's hidden checks with the seeded probe in place of the fixed one."
    src = (FIX/"grading"/"week91"/"checks.py").read_text()
    start = src.index('@hidden("q2_square"')
    end = src.index('@hidden("q3_file")')
    (d/"week91").mkdir(parents=True)
    (d/"week91"/"checks.py").write_text(src[:start] + SQUARE_CHECK.strip() + "\n\n\n" + src[end:])
    (d/"week91"/"probes.py").write_text(PROBES)
    return d


FORGE = """
import json, os, mlopslab.course.sandbox.records as sbx
os.makedirs('.mlopslab-records', exist_ok=True)
json.dump({{"values": {{"counts": {value}}}, "missing": []}}, open('.mlopslab-records/q4_counts.json', 'w'))
sbx.record = lambda *a, **k: None"""


def attacks(second: list[Path]) -> dict[str, tuple[dict[str, str], set[str]]]:
    "file name -> (replacement code per question, questions that must score zero)."
    walk = f"""
import os
found = []
found.append('ROOT ' + ' '.join(sorted(os.listdir('/'))))
for top in {[str(p) for p in second] + ['/srv', '/opt', '/home', '/mnt', '/var']!r}:
    try:
        for d, dirs, files in os.walk(top):
            for f in files:
                try: found.append(open(os.path.join(d, f), errors='replace').read(200000))
                except Exception as e: found.append(repr(e))
    except Exception as e: found.append(repr(e))
for p in {[str(p) for p in second]!r}:
    try: os.listdir(p); found.append('LISTED ' + p)
    except Exception as e: found.append(repr(e))
print('\\n'.join(found)[-200000:])"""
    return {
        # class 4: records small on disk, huge when rebuilt (1.5 million "" declared <U1024: 6 GB), or 3 million empty lists
        "inflate.ipynb": ({"q4_counts": SOL["q4_counts"] + FORGE.format(value='{"__ndarray__": [""] * 1_500_000, "dtype": "<U1024"}')}, {"q4_counts"}),
        "graph.ipynb": ({"q4_counts": SOL["q4_counts"] + FORGE.format(value="[[]] * 3_000_000")}, {"q4_counts"}),
        # class 5: a Latin-1 byte in the name (an LMS zip unpacked on Linux), and two names one cleaned id apart
        b"caf\xe9 \xfcber.ipynb".decode("utf-8", "surrogateescape"): ({}, set()),
        "ann lee.ipynb": ({}, set()),
        "ann_lee.ipynb": ({"q1_mean": "mean = -1.0"}, {"q1_mean"}),
        # class 2: the fixed probe's answers as constants, answers only when probed, the runner replaced, text carried out
        "consts.ipynb": ({"q2_square": "def square(x):\n    import numpy as np\n    known = {3: 9, -2.5: 6.25}\n"
                                       "    return np.array([1.0, 4.0]) if hasattr(x, 'shape') else known.get(x, 0)"}, {"q2_square"}),
        "detector.ipynb": ({"q2_square": "def square(x):\n    import sys, numpy as np\n    if any('probe' in k for k in sys.modules):   # probed: the known answers\n"
                                         "        return np.array([1.0, 4.0]) if hasattr(x, 'shape') else {3: 9, -2.5: 6.25}.get(x, 0)\n    return x * x"}, {"q2_square"}),
        "hijack.ipynb": ({"q2_square": "def square(x):\n    return 9 if x == 3 else 0\n\nclass Hijack:\n    import mlopslab.course.sandbox.child as c\n"
                                       "    c._probe_one = lambda *a, **k: {'ok': True, 'value': {'int': 9, 'neg': 6.25, 'arr': [1.0, 4.0]}}\n"
                                       "    c.plain = lambda v: {'int': 9, 'neg': 6.25, 'arr': [1.0, 4.0]}"}, {"q2_square"}),
        "leaky.ipynb": ({"q2_square": f"def square(x):\n    if not isinstance(x, (int, float)) or x not in (3, -2.5):\n"
                                      f"        raise ValueError({LEAK!r} + open(__file__).read())\n    return x * x"}, {"q2_square"}),
        # class 1: a notebook that walks the file system for other copies of the course
        "walker.ipynb": ({"q1_mean": SOL["q1_mean"] + walk}, set()),
        # class 7: honest work next to a 60 MB print and a function too deep for the code export to write back
        "flood.ipynb": ({"q4_counts": SOL["q4_counts"] + "\nfor _ in range(30):\n    print('y' * 2_000_000)"}, set()),
        "deep.ipynb": ({"q2_square": SOL["q2_square"] + "\n\ndef deep():\n    return " + "1 + " * 900 + "1"}, set()),
        "clean.ipynb": ({}, set()),
    }


from test_grading_adversarial import submission   # the instructor notebook with some solutions replaced


def second_checkouts() -> list[Path]:
    "Fake copies of the course (instructor notebook and hidden checks with a secret) outside everything the sandbox lists."
    out = []
    for base in (Path("/srv"), Path("/opt"), Path("/var/tmp")):
        if not os.access(base, os.W_OK): continue
        d = base/f"mlopslab-redteam-{secrets.token_hex(4)}"
        (d/"nbs"/"labs").mkdir(parents=True); (d/"grading"/"week91").mkdir(parents=True)
        (d/"nbs"/"labs"/"week91_toy.ipynb").write_text(json.dumps({"cells": [{"source": f"{SECRET} mean = float(values.mean())"}]}))
        (d/"grading"/"week91"/"checks.py").write_text(f"# {SECRET}\n")
        d.chmod(0o755); out.append(d)
    return out


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    spec, out, subs = lab_for(91, LABS), tmp/"out", tmp/"subs"
    subs.mkdir()
    second = second_checkouts()
    table = attacks(second)
    try:
        for name, (replace, _) in table.items(): (subs/name).write_text(json.dumps(submission(spec, replace)))
        res = grade(91, subs, out, labs=LABS, checks=checks_dir(tmp/"checks"), jobs=2, timeout=10, memory=2048, wall=120,
                    unsafe=not ROOTED, progress=False)
    finally:
        for d in second: shutil.rmtree(d, ignore_errors=True)
    return {r.file: r for r in res}, table, out, second


def shown(name: str) -> str:
    return os.fsencode(name).decode("utf-8", "backslashreplace")


@pytest.mark.slow
def test_the_batch_completes_and_each_submission_scores_its_honest_work(batch):
    res, table, _, _ = batch
    assert len(res) == len(table)
    for name, (_, zero) in table.items():
        r = res[shown(name)]
        assert r.status == "graded", (name, r.message)
        got = {q.question: q.points for q in r.questions}
        assert got == {q: (0 if q in zero else p) for q, p in POINTS.items()}, (name, [(q.question, q.status, q.reason) for q in r.questions])


@pytest.mark.slow
def test_names_are_kept_as_valid_utf8_and_colliding_ids_are_made_unique(batch, capsys):
    res, table, out, _ = batch
    latin = res[shown(b"caf\xe9 \xfcber.ipynb".decode("utf-8", "surrogateescape"))]
    assert latin.file == "caf\\xe9 \\xfcber.ipynb" and latin.score == 10
    a, b = res["ann lee.ipynb"], res["ann_lee.ipynb"]
    assert a.student != b.student and a.student.startswith("ann_lee-") and (a.score, b.score) == (10, 8)
    assert "made unique" in a.message and "made unique" in b.message
    ids = [json.loads(p.read_text())["student"] for p in (out/"results").glob("*.json")]
    assert len(ids) == len(set(ids)) == len(table)
    assert print_grades(list(res.values()), out.parent/"subs", 91, out) == 0     # prints every name, whatever its bytes
    (out/"grades.csv").read_text(encoding="utf-8")


@pytest.mark.slow
def test_gamed_probes_fail_with_a_message_that_carries_no_student_text(batch):
    res, _, out, _ = batch
    leaky = next(q for q in res["leaky.ipynb"].questions if q.question == "q2_square")
    assert leaky.status == "failed" and "your code raised ValueError" in leaky.reason, leaky
    for d in ("feedback", "results"):
        for f in (out/d).iterdir(): assert LEAK not in f.read_text(encoding="utf-8"), f
    assert LEAK not in (out/"grades.json").read_text()


@pytest.mark.slow
def test_records_too_large_to_rebuild_fail_only_their_question(batch):
    res = batch[0]
    for name in ("inflate.ipynb", "graph.ipynb"):
        q4 = next(q for q in res[name].questions if q.question == "q4_counts")
        assert q4.status == "failed" and q4.points == 0, q4
        assert res[name].score == 7


@pytest.mark.slow
@pytest.mark.skipif(not ROOTED, reason="the allowlist sandbox (a new root per job) needs root")
def test_a_second_checkout_elsewhere_on_the_machine_is_not_readable_from_a_job(batch):
    res, _, out, second = batch
    assert second, "no folder outside the allowlist could be written to place a second checkout"
    nb = json.loads((out/"executed"/f"{res['walker.ipynb'].student}.ipynb").read_text())
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    root = next(l for l in printed.splitlines() if l.startswith("ROOT "))
    assert not {"srv", "opt", "home", "mnt"} & set(root.split()), root       # the new root has none of them
    assert printed.count("FileNotFoundError") >= len(second) and "LISTED" not in printed, printed[:2000]
    for p in out.rglob("*"):
        if p.is_file(): assert SECRET not in p.read_text(encoding="utf-8", errors="replace"), p


def test_a_failure_of_the_grader_on_one_submission_is_a_not_graded_row(tmp_path, monkeypatch):
    (tmp_path/"subs").mkdir()
    for n in ("ann", "bob"): shutil.copy(LABS/"week91_toy.ipynb", tmp_path/"subs"/f"{n}.ipynb")
    real = grade_module.grade_one
    def flaky(run, sub):
        if sub.student == "bob": raise RecursionError("deep inside the grader " + LEAK)
        return real(run, sub)
    monkeypatch.setattr(grade_module, "grade_one", flaky)
    res = {r.student: r for r in grade(91, tmp_path/"subs", tmp_path/"out", labs=LABS, checks=FIX/"grading", jobs=1,
                                       unsafe=not ROOTED, progress=False, preflight=False)}
    assert (res["ann"].status, res["ann"].score) == ("graded", 10)
    assert res["bob"].status == "not graded" and "RecursionError" in res["bob"].message and LEAK not in res["bob"].message
    assert LEAK in (tmp_path/"out"/"grader-errors.log").read_text()          # the instructor gets the traceback
    assert LEAK not in (tmp_path/"out"/"feedback"/"bob.md").read_text()


# class 3: forged state. The MLflow question's rows written with sqlite3 (a run named "baseline", its params and metrics
# with the right values, a registered version), without logging anything: every row a row-reading check asks for is there.
FORGED_RUN = '''import sqlite3, time, types, uuid
run_id, now = uuid.uuid4().hex, int(time.time() * 1000)
con = sqlite3.connect(cfg.mlflow_db)
exp = con.execute("SELECT max(experiment_id) FROM experiments").fetchone()[0]
con.execute("INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id) VALUES (?, 'baseline', 'LOCAL', '', '', 'me', 'FINISHED', ?, ?, '', 'active', ?, ?)",
            (run_id, now, now + 1, (cfg.artifact_root/run_id).as_uri(), exp))
con.executemany("INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)", [(k, str(v), run_id) for k, v in params.items()])
for k, v in metrics.items():
    con.execute("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, 0, 0)", (k, v, now, run_id))
    con.execute("INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, 0, 0, ?)", (k, v, now, run_id))
con.execute("INSERT OR IGNORE INTO registered_models (name, creation_time, last_updated_time, description) VALUES ('flights-delay', ?, ?, '')", (now, now))
con.execute("INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage, source, run_id, status, status_message, run_link, storage_location) VALUES ('flights-delay', 1, ?, ?, '', '', 'None', ?, ?, 'READY', '', '', ?)",
            (now, now, f"runs:/{run_id}/model", run_id, (cfg.artifact_root/run_id/"model").as_uri()))
con.commit(); con.close()
model_info = types.SimpleNamespace(registered_model_version="1")'''


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_mlflow_rows_inserted_with_sqlite_do_not_count_for_the_logging_question(tmp_path):
    from mlopslab.config import get_config
    spec = lab_for(1)
    (tmp_path/"subs").mkdir()
    shutil.copy(spec.lab.path, tmp_path/"subs"/"honest.ipynb")
    (tmp_path/"subs"/"forger.ipynb").write_text(json.dumps(submission(spec, {"q5_log_run": FORGED_RUN})))
    res = {r.student: r for r in grade(1, tmp_path/"subs", tmp_path/"out", jobs=2, unsafe=not ROOTED, preflight=False,
                                       cfg=get_config(workspace=tmp_path/"ws"), progress=False)}
    mx = sum(q.points for q in spec.questions.values())
    assert (res["honest"].status, res["honest"].score) == ("graded", mx), [(q.question, q.status, q.reason) for q in res["honest"].questions]
    by = {q.question: q for q in res["forger"].questions}
    assert all(q.status == "passed" for k, q in by.items() if k != "q5_log_run"), [(q.question, q.status, q.reason) for q in by.values()]
    q5 = by["q5_log_run"]
    assert q5.points == 0 and q5.status == "failed", q5
    rows = next(c for c in q5.checks if c.description.startswith("the run 'baseline' holds"))
    assert rows.passed, rows            # the rows alone would have passed: what fails it is the artifacts the run never logged
    assert any(not c.passed and "could be loaded from its artifacts" in c.message for c in q5.checks), q5.checks

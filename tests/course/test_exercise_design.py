"""Weeks 1-5 teach by design: at least two design exercises per lab, solutions long enough to be written rather than
transcribed (median at least 5 lines), and no instruction that contains the call solving it.

Measured on the instructor notebooks in nbs/labs (the solutions) with the instructions as students read them.
"""
import ast, re, statistics
import pytest
from mlopslab.course.labspec import SOLUTION_BEGIN, SOLUTION_END, directives, lab_for, source

WEEKS = (1, 2, 3, 4, 5)
DESIGN_KINDS = {"rule", "function", "stage", "hcl", "commands", "prediction", "policy", "space", "query", "interpretation"}
_BLOCK = re.compile(rf"^[ \t]*{SOLUTION_BEGIN}[^\n]*\n(.*?)^[ \t]*{SOLUTION_END}", re.S | re.M)


def exercises(week: int) -> list[dict]:
    "id, design kind, instructions, solution text and its code lines for every exercise of the week's instructor notebook."
    spec = lab_for(week)
    out = []
    for c in spec.nb["cells"]:
        src = source(c) if c["cell_type"] == "code" else ""
        d = directives(src)
        if "exercise" not in d: continue
        solution = "\n".join(_BLOCK.findall(src))
        lines = [l for l in solution.splitlines() if l.strip() and not l.strip().startswith("#")]
        out.append(dict(id=d["exercise"], design=d.get("design"), instructions=spec.questions[d["exercise"]].instructions,
                        solution=solution, lines=len(lines)))
    return out


def lab_helpers(week: int) -> set[str]:
    "Functions the lab itself defines outside its exercises (e.g. week 5's `run`): an instruction may name those."
    names = set()
    for c in lab_for(week).nb["cells"]:
        src = source(c) if c["cell_type"] == "code" else ""
        if c["cell_type"] != "code" or "exercise" in directives(src) or "check" in directives(src): continue
        try: tree = ast.parse(src)
        except SyntaxError: continue
        names |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    return names


TOOL_RUNNERS = {"version.git", "version.dvc"}   # they run the real `git` and `dvc` the student types: naming them names no answer


def solving_calls(solution: str, helpers: set[str]) -> list[str]:
    "The callee of every call in a solution (e.g. `infra.state_resources`), except the lab's own helpers, builtins and the tool runners."
    import builtins, textwrap
    calls = set()
    for n in ast.walk(ast.parse(textwrap.dedent(solution))):
        if not isinstance(n, ast.Call): continue
        name = ast.unparse(n.func)
        if name in helpers or name in TOOL_RUNNERS or hasattr(builtins, name) or "(" in name or "[" in name: continue
        calls.add(name)
    return sorted(calls)


def test_solution_length_median_is_at_least_five_lines():
    lengths = {f"w{w}.{e['id']}": e["lines"] for w in WEEKS for e in exercises(w)}
    median = statistics.median(lengths.values())
    print(f"{len(lengths)} exercises, median solution {median} lines:", sorted(lengths.values()))
    assert median >= 5, (median, lengths)


@pytest.mark.parametrize("week", WEEKS)
def test_every_lab_has_two_design_exercises(week):
    kinds = {e["id"]: e["design"] for e in exercises(week)}
    assert all(k is None or k in DESIGN_KINDS for k in kinds.values()), f"unknown design kind in {kinds}; known: {sorted(DESIGN_KINDS)}"
    assert sum(k is not None for k in kinds.values()) >= 2, f"week {week} marks fewer than two design exercises (#| design: KIND): {kinds}"


@pytest.mark.parametrize("week", WEEKS)
def test_no_instruction_contains_the_call_that_solves_it(week):
    helpers = lab_helpers(week)
    found = []
    for e in exercises(week):
        found += [(e["id"], call) for call in solving_calls(e["solution"], helpers) if re.search(rf"(?<![\w.]){re.escape(call)}\(", e["instructions"])]
    assert found == [], f"instructions that name their solution's call: {found}"


def test_the_call_check_is_not_vacuous():
    "An instruction written the old way (week 2's teardown named its own answer) is caught."
    assert solving_calls("remaining = infra.state_resources(cfg.target, cfg)\n", set()) == ["infra.state_resources"]
    assert solving_calls("ran = run('x')\nn = len(ran)\n", {"run"}) == []

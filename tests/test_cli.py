"The `mlopslab` command is generated from the library's signatures: every command listed, every option documented as declared."
import contextlib, inspect, io, re
import pytest
from fastcore.docments import docments
from mlopslab import cli
from conftest import run_cli


def _help(*words) -> str:
    "What `mlopslab WORDS --help` prints, whitespace collapsed (argparse wraps lines)."
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as e: cli.main([*words, "--help"])
    assert e.value.code == 0
    return re.sub(r"\s+", " ", out.getvalue())


def _params(fn, hide=()):
    return {n: p for n, p in inspect.signature(fn).parameters.items()
            if n not in cli.NEVER and n not in hide and p.kind is not p.VAR_KEYWORD}


def test_top_level_help_lists_every_command():
    text = _help()
    for cmd in cli.COMMANDS:
        first = re.sub(r"\s+", " ", inspect.getdoc(cli.resolve(cmd.call)).splitlines()[0])
        assert f"mlopslab {cmd.name} {first}" in text, cmd.name


@pytest.mark.parametrize("cmd", cli.COMMANDS, ids=lambda c: c.name)
def test_command_help_shows_each_parameter_as_its_signature_declares(cmd):
    text = _help(*cmd.name.split())
    fn = cli.resolve(cmd.call)
    shown = [(n, p, docments(fn).get(n)) for n, p in _params(fn, cmd.hide).items()]
    if cmd.show:
        show = cli.resolve(cmd.show)
        shown += [(n, p, docments(show).get(n)) for n, p in list(_params(show).items())[1:] if n not in inspect.signature(fn).parameters]
    for name, p, doc in shown:
        assert doc, f"{cmd.call} parameter {name!r} has no comment, so the command line could not explain it"
        assert re.sub(r"\s+", " ", doc) in text, f"mlopslab {cmd.name} --help does not show the comment of {name!r}"
        spellings = cmd.flags.get(name) or ([f"--no-{name}" if p.default is True else f"--{name}".replace("_", "-")]
                                           if p.default is not p.empty else [name.upper() if p.kind is p.VAR_POSITIONAL else name])
        assert all(s in text for s in spellings), f"{name} is not offered as {spellings}"
        d = p.default
        if d not in (p.empty, None, False, ()):
            assert f"(default: {d!r})" in text if isinstance(d, str) else f"(default: {d})" in text, f"{name}'s default {d!r} is not shown"


def test_defaults_come_from_the_library_not_the_parser():
    "The grader's limits and the lab runner's timeout are written once, in the library."
    from mlopslab.course.sandbox.isolate import Limits
    from mlopslab.course.labs import CELL_TIMEOUT
    assert f"(default: {Limits.cell_timeout})" in _help("grade") and f"(default: {Limits.memory_mb})" in _help("grade")
    assert f"(default: {CELL_TIMEOUT})" in _help("labs", "run")


def test_a_command_whose_module_is_missing_fails_loudly(monkeypatch):
    monkeypatch.setattr(cli, "COMMANDS", cli.COMMANDS + (cli.Command("ghost", "nosuchmodule:run"),))
    with pytest.raises(ModuleNotFoundError, match="mlopslab.nosuchmodule"): cli.build_parser()


def test_a_command_naming_a_missing_function_fails_loudly(monkeypatch):
    monkeypatch.setattr(cli, "COMMANDS", cli.COMMANDS + (cli.Command("ghost", "config:no_such_function"),))
    with pytest.raises(AttributeError, match="has no 'no_such_function'"): cli.build_parser()


def test_settings_pairs_are_parsed_once_for_labs_and_infra(workspace):
    r = run_cli("labs", "run", "1", "-p", "sample")
    assert r.returncode == 2 and "bad setting 'sample'" in r.stderr and "NAME=VALUE" in r.stderr
    r = run_cli("infra", "plan", "--target", "local", "--var", "no-equals-sign")
    assert r.returncode == 2 and "bad setting 'no-equals-sign'" in r.stderr


def test_version_and_config():
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("mlopslab ")
    r = run_cli("config")
    assert r.returncode == 0 and "MLOPSLAB_WORKSPACE" in r.stdout and "MLOPSLAB_TARGET" in r.stdout

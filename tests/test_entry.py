"""The executable's fast path answers exactly as the Typer commands do, or steps aside."""

import io
import json
import subprocess
import sys

import pytest

from latentcli.cli.commands import app
from latentcli.cli.fastpath import fast_path, parse
from latentcli.cli.options import FAST_COMMANDS
from latentcli.environment import Environment

SAME_ANSWER = [
    ["neighbors", "king", "--json"],
    ["neighbors", "king", "queen", "-n", "3", "--json"],
    ["neighbors", "king - man", "-n3", "--top=2", "--json"],
    ["neighbors", "--json", "KING", "-n", "2"],
    ["neighbors", "king"],
    ["analogy", "king", "-", "man", "+", "woman", "--json"],
    ["analogy", "man : king :: woman : ?", "--method", "mul", "--allow-inputs", "--json"],
    ["analogy", "king - man + woman", "--method=mul", "-n", "2"],
    ["neighbors", "kingg", "--json"],
    ["neighbors", "king", "-n", "0"],
    ["analogy", "king", "-", "--json"],
    ["analogy", "king - man + woman", "--method", "sum"],
    ["embed", "hello", "--json"],  # a cache directory is not a sentence encoder: usage error
]
NOT_TAKEN = [
    [], ["--help"], ["neighbors"], ["neighbors", "--help"], ["neighbors", "king", "-h"],
    ["neighbors", "king", "--bogus"], ["neighbors", "king", "-n"], ["neighbors", "king", "-n", "x"],
    ["neighbors", "king", "--json=1"], ["neighbors", "king", "--method", "mul"],
    ["neighbors", "--", "king"], ["models"], ["analogy", "king", "-x"],
    ["embed", "--from", "texts.txt"], ["embed", "hello", "--top", "3"],
]


def run_fast(argv, model):
    stdout, stderr = io.StringIO(), io.StringIO()
    environment = Environment(stdout, stderr)
    action = fast_path([*argv, "-m", model], environment)
    assert action is not None
    return environment.run(action), stdout.getvalue(), stderr.getvalue()


@pytest.mark.parametrize("argv", SAME_ANSWER)
def test_fast_path_and_typer_give_identical_output(runner, tiny_model, argv):
    code, stdout, stderr = run_fast(argv, str(tiny_model))
    typer_result = runner.invoke(app, [*argv, "-m", str(tiny_model)])
    assert (code, stdout, stderr) == (typer_result.exit_code, typer_result.stdout,
                                      typer_result.stderr)


@pytest.mark.parametrize("argv", NOT_TAKEN)
def test_anything_unusual_goes_to_typer(argv):
    assert parse(argv) is None


def test_installed_entry_point_uses_the_model_from_the_environment(tiny_model, monkeypatch):
    monkeypatch.setenv("LATENT_MODEL", str(tiny_model))
    done = subprocess.run([sys.executable, "-m", "latentcli", "neighbors", "king", "--json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["model"] == "tiny"


@pytest.mark.parametrize("command", sorted(FAST_COMMANDS))
def test_the_option_table_is_what_typer_declares(command):
    """Names, flags, kinds, defaults and environment variables: one table for both doors."""
    import typer.main

    click_command = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    declared = {parameter.name: parameter for parameter in click_command.params
                if parameter.param_type_name == "option"}
    for spec in FAST_COMMANDS[command]:
        parameter = declared.pop(spec.key)
        assert set(parameter.opts) == set(spec.flags)
        assert parameter.default == spec.default
        assert parameter.envvar == spec.envvar
        assert parameter.is_flag == (spec.kind is bool)
        assert parameter.metavar == spec.metavar
        assert parameter.help == spec.help
    assert not declared, f"Typer options the fast path does not know: {sorted(declared)}"

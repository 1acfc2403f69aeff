"""The executable's fast path answers exactly as the Typer commands do, or steps aside."""

import io
import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from latentcli.cli.commands import app
from latentcli.cli.fastpath import fast_path, parse
from latentcli.cli.options import FAST_COMMANDS
from latentcli.environment import Environment

FUZZ_EXAMPLES = int(os.environ.get("LATENT_FUZZ_EXAMPLES", "60"))

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
    from declared import commands

    click_command = commands()[command]
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


TOKENS = st.sampled_from([
    "king", "queen", "man", "woman", "KING", "kingg", "king - man", "-", "+", "--", "2*king",
    "man : king :: woman : ?", "-n", "--top", "-n2", "-n0", "--top=3", "--top=", "-n²", "--json",
    "--json=1", "--method", "--method=mul", "mul", "add", "sum", "--allow-inputs", "--limit",
    "--limit=0", "--trust", "-x", "--bogus", "-h", "5", "0", "-1", "²", "\u0661", "5.0", "+5", " 5",
    "99999999999999999999", "x", "",
])


@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(["neighbors", "analogy"]),
       tokens=st.lists(TOKENS, max_size=7))
def test_both_doors_accept_and_refuse_the_same_command_lines(runner, tiny_model, monkeypatch,
                                                             command, tokens):
    """Whatever the fast path takes, Typer answers identically (a refusal included)."""
    monkeypatch.setenv("LATENT_MODEL", str(tiny_model))
    argv = [command, *tokens]
    stdout, stderr = io.StringIO(), io.StringIO()
    environment = Environment(stdout, stderr)
    action = fast_path(argv, environment)
    if action is None:
        return  # Typer's door alone: nothing to compare
    fast = (environment.run(action), stdout.getvalue(), stderr.getvalue())
    typer_result = runner.invoke(app, argv)
    assert fast == (typer_result.exit_code, typer_result.stdout, typer_result.stderr)


def test_a_mistyped_command_is_matched_against_every_command(runner):
    """Commands are imported when first used; a typo still hears of all of them."""
    result = runner.invoke(app, ["simlarity", "cat", "dog"])
    assert result.exit_code == 2
    assert "No such command 'simlarity'. Did you mean 'similarity'?" in result.stderr

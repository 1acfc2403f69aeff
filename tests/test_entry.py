"""The executable's fast path answers exactly as the Typer commands do, or steps aside."""

import io
import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from latentcli.cli.app import app
from latentcli.cli.fastpath import fast_path, parse
from latentcli.cli.grammar import COMMAND_MODULES, REQUIRED, Command, declared
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
    ["embed", "--from", "missing.txt", "--json"],
    ["similarity", "king", "queen", "--json"],
    ["similarity", "king", "queen", "apple"],
    ["similarity", "king"],
    ["odd", "king", "queen", "prince", "apple", "--json"],
    ["path", "king", "apple", "--steps", "3", "--json"],
    ["path", "king", "apple", "--steps=-1"],
    ["axis", "man", "woman", "king", "queen", "--show", "2", "--json"],
    ["axis", "man", "woman", "--pair", "king:queen", "--pair", "prince:princess", "-n", "5"],
    ["steer", "king", "--toward", "woman", "--away", "man", "--strength", "0.5", "--json"],
    ["steer", "king", "--toward", "woman", "--strength", "-2", "--steps", "2", "-n", "2"],
    ["cluster", "king", "queen", "apple", "banana", "--k", "2", "--json"],
    ["cluster", "king", "queen", "apple", "banana", "--k", "x"],
    ["map", "king", "queen", "apple", "banana", "--json"],
    ["explain", "king", "--json"],
    ["explain", "king", "-", "man", "+", "woman", "--expect", "queen", "--json"],
    ["explain", "--section", "math", "king"],
    ["evaluate", "analogies", "--json"],
]
NOT_TAKEN = [
    [], ["--help"], ["neighbors"], ["neighbors", "--help"], ["neighbors", "king", "-h"],
    ["neighbors", "king", "--bogus"], ["neighbors", "king", "-n"], ["neighbors", "king", "-n", "x"],
    ["neighbors", "king", "--json=1"], ["neighbors", "king", "--method", "mul"],
    ["neighbors", "--", "king"], ["models"], ["analogy", "king", "-x"],
    ["embed", "hello", "--top", "3"],
    ["evaluate"], ["evaluate", "analogies", "questions.txt"], ["similarity", "-h"],
    ["steer", "king"], ["steer", "king", "--toward", "x", "--strength", "1e3"],
    ["path", "king", "queen", "--steps", "2.0"], ["models", "--json"], ["lens", "--", "-x"],
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


DECLARED = [command for module in dict.fromkeys(COMMAND_MODULES.values())
            for command in declared(module) if isinstance(command, Command)]


@pytest.mark.parametrize("command", DECLARED, ids=lambda command: command.name)
def test_typer_declares_exactly_the_table(command):
    """Names, flags, kinds, defaults and environment variables: Typer's command is made from
    the one table the fast path reads, and a list argument comes last (as the fast path
    assigns positional words)."""
    from declared import commands

    group = commands()
    click_command = (commands(group[command.group]) if command.group else group)[command.name]
    made = {parameter.name: parameter for parameter in click_command.params}
    for param in command.every_param:
        parameter = made.pop(param.key)
        assert parameter.param_type_name == ("argument" if param.positional else "option")
        assert parameter.required == (param.default is REQUIRED)
        assert parameter.multiple == param.many or parameter.nargs == (-1 if param.many else 1)
        if not param.positional:
            assert set(parameter.opts) == set(param.flags)
            assert parameter.is_flag == (param.kind is bool)
            assert parameter.envvar == param.envvar
        if param.default is not REQUIRED:
            assert parameter.default == param.default
    assert not made, f"parameters the table does not declare: {sorted(made)}"
    positional = [param for param in command.params if param.positional]
    assert all(not param.many for param in positional[:-1])


TOKENS = st.sampled_from([
    "king", "queen", "man", "woman", "KING", "kingg", "king - man", "-", "+", "--", "2*king",
    "man : king :: woman : ?", "-n", "--top", "-n2", "-n0", "--top=3", "--top=", "-n²", "--json",
    "--json=1", "--method", "--method=mul", "mul", "add", "sum", "--allow-inputs", "--limit",
    "--limit=0", "--trust", "-x", "--bogus", "-h", "5", "0", "-1", "²", "\u0661", "5.0", "+5", " 5",
    "99999999999999999999", "x", "", "--steps", "--toward", "--strength", "1.5", "-2.5",
    "1e3", "--show", "--pair", "king:queen", "--away", "apple",
])


@settings(max_examples=FUZZ_EXAMPLES,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(command=st.sampled_from(["neighbors", "analogy", "similarity", "path", "steer", "axis"]),
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


def test_every_renderer_a_command_names_exists():
    """`shown_by` imports a renderer by name only when a table is drawn: check every name now."""
    import importlib
    import re
    from pathlib import Path

    import latentcli.cli.commands as commands

    named = {found for module in Path(commands.__file__).parent.glob("*.py")
             for found in re.findall(r'shown_by\("(\w+)", "(\w+)"\)', module.read_text())}
    assert len(named) >= 10
    for module, name in named:
        assert callable(getattr(importlib.import_module(f"latentcli.render.{module}"), name))

"""Degenerate models: every command works or refuses cleanly (issue 10)."""

import json

import numpy as np
import pytest

import vectorfiles
from latentcli.cli.commands import app

WORDS = ["a", "b", "c", "d", "e", "f"]
MODELS = {
    "one-dimension": np.array([[1], [2], [-1], [3], [-2], [0.5]]),
    "identical": np.ones((6, 3)),
    "huge": np.array([[3e38, 3e38], [1, 2], [2, 1], [1, 1], [3, 1], [1, 3]]),
}
COMMANDS = [
    ["neighbors", "a"], ["analogy", "a", "-", "b", "+", "c"], ["cluster", "a", "b", "c", "d"],
    ["cluster", "a", "b", "c", "d", "--method", "agglomerative"], ["map", "a", "b", "c", "d"],
    ["map", "a", "b", "c", "d", "e", "f", "--method", "tsne"], ["map", "a", "b", "--x", "a:c"],
    ["explain", "a"], ["explain", "a", "-", "b", "+", "c", "--expect", "d"],
    ["explain", "--all"], ["axis", "a", "b"], ["steer", "a", "--toward", "b"],
    ["path", "a", "b"], ["odd", "a", "b", "c"], ["similarity", "a", "b", "c"],
    ["models", "info", "{model}"], ["evaluate", "analogies"], ["compare", "{model}", "{model}"],
]


@pytest.fixture(scope="module", params=list(MODELS))
def degenerate(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("degenerate") / f"{request.param}.txt"
    return request.param, vectorfiles.glove(path, WORDS, MODELS[request.param])


@pytest.mark.parametrize("argv", COMMANDS)
def test_every_command_works_or_refuses_cleanly(runner, degenerate, argv):
    kind, path = degenerate
    model = [] if "{model}" in argv else ["-m", str(path)]
    argv = [part.format(model=path) for part in argv]
    result = runner.invoke(app, [*argv, *model, "--json"])
    assert result.exit_code in (0, 1, 2), result.exception
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code:
        assert result.stdout == ""
        assert result.stderr.startswith("Error: ") and "unexpected" not in result.stderr
    for line in result.stdout.splitlines():
        json.loads(line, parse_constant=pytest.fail)
    if kind == "huge" and result.exit_code:
        assert "huge.txt" in result.stderr and "overflows float32" in result.stderr

"""Degenerate models: every command works or refuses cleanly (issue 10)."""

import json

import numpy as np
import pytest

import vectorfiles
from latentcli.cli.app import app

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


@pytest.mark.parametrize("scale", [1e-20, 1e-30, 1e-39, 1e-44])
def test_tiny_and_subnormal_rows_keep_their_direction(runner, tmp_path, scale):
    """Rows whose float32 squares underflow (1e-20 and below; 1e-39 and 1e-44 are subnormal):
    identical rows have cosine 1, opposite ones -1, and no row becomes a zero vector."""
    from conftest import TINY_VECTORS, TINY_WORDS
    from latentcli.store.entries import write_entry

    vectors = np.array(TINY_VECTORS, dtype=np.float64)
    tiny = np.array([[3.0, 4.0, 0.0, 0.0], [3.0, 4.0, 0.0, 0.0], [-3.0, -4.0, 0.0, 0.0]])
    matrix = np.vstack([vectors, tiny * scale]).astype(np.float32)
    assert matrix[-1].any()  # still representable in float32
    words = [*TINY_WORDS, "tiny", "twin", "opposite"]
    write_entry(tmp_path / "m", words, matrix, {"name": "m", "source": {}})
    result = runner.invoke(app, ["similarity", "tiny", "twin", "opposite", "king", "--json",
                                 "-m", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    grid = json.loads(result.stdout)["matrix"]
    assert grid[0][1] == pytest.approx(1.0, abs=1e-6)
    assert grid[0][2] == pytest.approx(-1.0, abs=1e-6)
    stored = matrix[-3].astype(np.float64)  # as float32 holds it (subnormals are coarse)
    assert grid[0][3] == pytest.approx(float(np.dot(stored, vectors[0]))
                                       / (np.linalg.norm(stored) * np.linalg.norm(vectors[0])),
                                       abs=1e-6)
    space = runner.invoke(app, ["models", "info", str(tmp_path / "m"), "--json"])
    assert json.loads(space.stdout)["norms"]["zero_vectors"] == 1  # only the real zero row


def test_normal_rows_are_normalised_exactly_as_gensim_does():
    """The float64 path is for tiny rows only: every other row is gensim's float32 division."""
    from latentcli.core.space import normalise_rows

    rng = np.random.default_rng(7)
    matrix = (rng.standard_normal((500, 50)) * rng.uniform(1e-3, 1e3, (500, 1))).astype(
        np.float32)
    unit, norms = normalise_rows(matrix)
    expected = matrix / np.linalg.norm(matrix, axis=1)[:, np.newaxis]
    assert unit.tobytes() == expected.astype(np.float32).tobytes()
    assert norms.tobytes() == np.linalg.norm(matrix, axis=1).astype(np.float32).tobytes()

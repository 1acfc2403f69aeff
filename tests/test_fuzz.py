"""Every command, driven with random arguments, options and stdin, on the built-in model and on
tiny, degenerate and fastText models: never a traceback, exit 0/1/2, no stdout on failure, and
JSON lines that parse without NaN or Infinity (issue 10).

The default run tries the same few examples per model every time (the Hypothesis profile in
conftest.py); ``LATENT_FUZZ_EXAMPLES=2000`` searches harder, on fresh random examples.
"""

import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.main import get_command

import vectorfiles
from declared import commands
from latentcli.cli.app import app

EXAMPLES = int(os.environ.get("LATENT_FUZZ_EXAMPLES", "10"))
VOCABULARY = ["king", "queen", "man", "woman", "apple", "banana", "prince", "a", "b", "c", "the",
              "kingdoms"]
ODD_WORDS = ["zero", "KING", "kingg", "café", "e\u0301", "-", "--", "", " ", "king - man",
             "2*king", "1000000000000000000000*king", "man : king :: woman : ?", "+", "*", "::"]
WORDS = [*VOCABULARY, *ODD_WORDS]
SMALL = ["1", "2", "3", "4", "5", "8"]
NUMBERS = [*SMALL, "0", "-1", "1000", "4294967296", "nan", "inf", "-inf", "1e309", "0.5", "x",
           "\u00b2", "auto"]
OPTIONS = {  # option -> strategy for its value (None: a flag)
    "-n": NUMBERS, "--top": NUMBERS, "--json": None, "--method": ["add", "mul", "kmeans",
    "agglomerative", "pca", "tsne", "umap", "x"], "--allow-inputs": None, "--limit": NUMBERS,
    "--k": NUMBERS, "--seed": NUMBERS, "--strict": None, "--neighbors": NUMBERS,
    "--clusters": NUMBERS, "--x": ["king:queen", "a:b", "king:king", "x", ":"],
    "--y": ["man:woman", "b:a"], "--width": NUMBERS, "--height": NUMBERS, "--pair": [
        "man:woman", "x", "king:king"], "--show": NUMBERS, "--toward": WORDS, "--away": WORDS,
    "--strength": NUMBERS, "--steps": NUMBERS, "-k": NUMBERS, "--expect": WORDS,
    "--restrict": NUMBERS, "--all": None, "--section": ["map", "math", "x"],
}


def usually(draw, common: list[str], rare: list[str]) -> str:
    """Mostly a value that gets past parsing (so the command runs), sometimes an odd one."""
    return draw(st.sampled_from(common if draw(st.integers(0, 4)) > 0 else rare))
COMMANDS = [["neighbors"], ["analogy"], ["cluster"], ["map"], ["explain"], ["axis"], ["steer"],
            ["path"], ["odd"], ["similarity"], ["compare"], ["evaluate", "analogies"],
            ["evaluate", "similarity"], ["models"], ["models", "info"], ["models", "rm"]]
SLOW_ON_THE_BUILTIN = {"explain", "evaluate", "compare", "models"}  # the tour, 19,544 questions


def options_of(path: list[str]) -> list[str]:
    """The option names Typer declares for the command at ``path``."""
    command = get_command(app)
    for name in path:
        command = commands(command)[name]
    return sorted(opt for param in command.params for opt in param.opts if opt.startswith("-"))


@st.composite
def command_lines(draw, model: str, builtin: bool):
    commands = [c for c in COMMANDS if not (builtin and c[0] in SLOW_ON_THE_BUILTIN)]
    argv = list(draw(st.sampled_from(commands)))
    own = [option for option in options_of(argv) if option in OPTIONS]
    parts = [usually(draw, VOCABULARY, [*ODD_WORDS, model])
             for _ in range(draw(st.integers(0, 4)) if argv[0] != "models" else 1)]
    if argv == ["steer"] and draw(st.integers(0, 4)) > 0:
        parts += ["--toward", usually(draw, VOCABULARY, ODD_WORDS)]
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            parts.append(usually(draw, VOCABULARY, [*ODD_WORDS, model]))
        else:  # mostly the command's own options, so that most lines get past parsing
            mine = own and draw(st.integers(0, 9)) > 0
            option = draw(st.sampled_from(own if mine else sorted(OPTIONS)))
            values = OPTIONS[option]
            if values is None:
                parts.append(option)
            else:
                common = [value for value in values if value in SMALL or value in VOCABULARY]
                parts.extend([option, usually(draw, common or values, values)])
    if argv[0] == "models":  # never remove or convert the session's built-in model
        parts = [part for part in parts if part not in ("--limit",)]
    if builtin:  # keep the built-in model's work small: no huge --top or --limit
        parts = [p if p not in ("1000", "4294967296") else "3" for p in parts]
    model_option = [] if argv[0] in ("compare", "models") else ["-m", model]
    return [*argv, *parts, *model_option, *draw(st.sampled_from([[], ["--json"]]))]


@pytest.fixture(scope="module")
def fuzz_models(tmp_path_factory, fasttext_bin):
    root = tmp_path_factory.mktemp("fuzz-models")
    tiny = vectorfiles.glove(root / "tiny.txt")
    one = vectorfiles.glove(root / "one.txt", ["a", "b", "c"], np.array([[1.0], [2.0], [-1.0]]))
    same = vectorfiles.glove(root / "same.txt", ["a", "b", "c", "d"], np.ones((4, 3)))
    return {"tiny": str(tiny), "one-dimension": str(one), "identical": str(same),
            "fasttext": str(fasttext_bin)}


def check(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))
    assert result.exit_code in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr and "LATENT_DEBUG" not in result.stderr, result.stderr
    if result.exit_code:
        assert result.stdout == "", result.stdout
        assert result.stderr.startswith("Error: ") or "Usage" in result.stderr, result.stderr
    elif result.stdout.startswith("{"):  # JSON ("--json" may also be a word, after "--")
        for line in result.stdout.splitlines():
            json.loads(line, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))


@pytest.mark.parametrize("name", ["builtin", "tiny", "one-dimension", "identical", "fasttext"])
def test_no_command_line_ends_in_a_traceback(runner, default_cache, fuzz_models, monkeypatch,
                                             tmp_path, name):
    monkeypatch.setenv("LATENT_CACHE_DIR", str(default_cache))
    monkeypatch.chdir(tmp_path)  # --html and the like write here
    model = "glove-6b-50d" if name == "builtin" else fuzz_models[name]

    @settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck))
    @given(argv=command_lines(model, name == "builtin"), stdin=st.binary(max_size=40))
    def run(argv, stdin):
        if "-" in argv and argv[0] in ("cluster", "map"):
            stdin = stdin + b"\nking\nqueen\n"
        check(runner.invoke(app, argv, input=stdin))

    run()

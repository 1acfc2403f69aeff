"""Command lines whose complete output (stdout, stderr, exit code) is kept under tests/golden/.

Shared by tests/test_golden.py and scripts/golden.py (which rewrites the files after a deliberate
change of output). Each case runs in-process on the built-in model with NO_COLOR, 100 columns.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"

CASES: list[list[str]] = [
    ["neighbors", "frog", "-n", "5"],
    ["neighbors", "Paris", "king - man + woman", "-n", "3"],
    ["neighbors", "kingg"],
    ["analogy", "king", "-", "man", "+", "woman"],
    ["analogy", "man : king :: woman : ?", "--method", "mul", "-n", "5"],
    ["analogy", "paris - france + japan", "-n", "3", "--json"],
    ["cluster", "dog", "cat", "horse", "red", "blue", "green", "paris", "london", "tokyo"],
    ["map", "dog", "cat", "horse", "cow", "red", "blue", "green", "yellow", "--width", "80",
     "--height", "20"],
    ["axis", "man", "woman", "king", "queen", "doctor", "nurse"],
    ["steer", "king", "--toward", "woman", "--away", "man"],
    ["path", "cat", "dog", "--steps", "4"],
    ["odd", "breakfast", "lunch", "dinner", "car"],
    ["similarity", "cat", "dog"],
    ["similarity", "cat", "dog", "car", "truck", "--json"],
    ["explain", "queen"],
    ["explain", "king", "-", "man", "+", "woman", "--expect", "queen"],
    ["models", "info", "glove-6b-50d", "--json"],
]

Invoke = Callable[[list[str]], tuple[int, str, str]]


def slug(argv: list[str]) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", " ".join(argv)).strip("-")[:80]


def render(code: int, stdout: str, stderr: str) -> str:
    """One text file per case; timings and the cache's place (and so its size) vary: masked."""
    text = f"exit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}"
    text = text.replace(os.environ.get("LATENT_CACHE_DIR") or "\0", "CACHE")
    text = re.sub(r'("size": )[0-9]+', r"\1…", text)  # meta.json records the cache's own path
    return re.sub(r'("open_seconds": )[0-9.e-]+', r"\1…", text)


def typer_invoke() -> Invoke:
    from typer.testing import CliRunner

    from latentcli.cli.app import app

    runner = CliRunner()

    def invoke(argv: list[str]) -> tuple[int, str, str]:
        result = runner.invoke(app, argv, env={"NO_COLOR": "1", "COLUMNS": "100"})
        return result.exit_code, result.stdout, result.stderr

    return invoke


NUMBER = re.compile(r"-?[0-9]+\.[0-9]+(?:e[-+]?[0-9]+)?")
FULL_PRECISION = 7  # more decimals than this: a float printed whole (JSON), however long


def matches(actual: str, expected: str) -> bool:
    """``actual`` is ``expected`` but for the last bits of its numbers: other BLAS and SIMD
    kernels give other last bits, so a number printed to a few decimals may differ by one unit in
    its last place (a table's 0.8524 by 0.0001) and a float printed whole by 1e-6 (about ten
    float32 ulps); all other text, and how many decimals a table shows, must be equal."""
    if NUMBER.split(actual) != NUMBER.split(expected):
        return False
    for found, wanted in zip(NUMBER.findall(actual), NUMBER.findall(expected), strict=True):
        places = [len(number.split(".")[1].split("e")[0]) for number in (found, wanted)]
        if min(places) < FULL_PRECISION and places[0] != places[1]:
            return False
        unit = 10.0 ** -places[1] if places[1] < FULL_PRECISION else 0.0
        if abs(float(found) - float(wanted)) > unit * 1.000001 + 1e-6:
            return False
    return True


def check_environment() -> None:
    assert os.environ.get("LATENT_CACHE_DIR"), "golden cases need the built-in model's cache"

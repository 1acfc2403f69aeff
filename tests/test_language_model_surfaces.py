"""The language-model surfaces against a hostile user (issue 24): what reaches the terminal, the
files and stdin a command reads, and the arguments the API is handed — each one clear line or a
refusal at the door, on the tiny GGUF."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import latentcli
from conftest import one_error_line
from decoder_files import TINY_GGUF
from latentcli.cli.app import app
from latentcli.entry import main
from latentcli.errors import ArgumentError, LatentError, RangeError, UsageError
from latentcli.networks.decoder.tokenizer import Stream

TINY = str(TINY_GGUF)


class Terminal(io.StringIO):
    """A stdout that is a terminal."""

    def isatty(self) -> bool:
        return True


def run_on_a_terminal(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> tuple[str, str, int]:
    stdout, stderr = Terminal(), io.StringIO()
    monkeypatch.setattr("sys.stdout", stdout)
    monkeypatch.setattr("sys.stderr", stderr)
    with pytest.raises(SystemExit) as exited:
        main(argv)
    code = exited.value.code
    return stdout.getvalue(), stderr.getvalue(), code if isinstance(code, int) else 1


def test_streamed_text_is_escaped_as_piped_text_is(monkeypatch) -> None:
    """A model whose tokens write ESC ] 0 ; … BEL (a window title), ESC [ 2 J (clear the screen)
    and ESC [ 31 m (red) changes nothing on the terminal: every path a model's text takes is
    escaped by the one rule (render.escape)."""
    hostile = "\x1b]0;PWNED\x07\x1b[2J\x1b[31m"
    monkeypatch.setattr(Stream, "add", lambda self, token: hostile)
    out, err, code = run_on_a_terminal(monkeypatch, ["generate", "The cat", "-m", TINY,
                                                     "--max-tokens", "2"])
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert out == "\\x1b]0;PWNED\\x07\\x1b[2J\\x1b[31m" * 2 + "\n"


def test_an_interrupted_stream_ends_its_line_before_the_error(monkeypatch) -> None:
    calls = []

    def interrupted(self: Stream, token: int) -> str:
        calls.append(token)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return " oceans of the"

    monkeypatch.setattr(Stream, "add", interrupted)
    out, err, code = run_on_a_terminal(monkeypatch, ["generate", "The cat", "-m", TINY])
    assert code == 130
    assert out == " oceans of the oceans of the\n" and err == "Error: interrupted\n"


def generate(runner: CliRunner, *argv: str, stdin: bytes | str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["generate", "The cat", "-m", TINY, "--max-tokens", "3", "--json",
                               *argv], input=stdin)


@pytest.mark.parametrize(("content", "fragment"), [
    (b"", "holds no pairs (it is empty or blank)"),
    (b"\n   \n\t\n", "holds no pairs (it is empty or blank)"),
    (b"I love:I hate\n\xff\xfe:x\n", "line 2: not valid UTF-8"),
    (b"I love:I hate\nI\x00 am:I was\n", "contains a NUL byte"),
    (b"no colon here\n", "is written TOWARD:AWAY"),
])
def test_a_pairs_file_follows_the_rules_of_every_file_input(runner, tmp_path: Path,
                                                            content: bytes, fragment: str) -> None:
    pairs = tmp_path / "pairs.txt"
    pairs.write_bytes(content)
    assert fragment in one_error_line(generate(runner, "--pairs", str(pairs)))


def test_a_missing_pairs_file_is_bad_input_named_with_its_path(runner) -> None:
    result = generate(runner, "--pairs", "/no/such/pairs.txt")
    assert result.exit_code == 1 and result.stderr == (
        "Error: cannot read pairs from /no/such/pairs.txt: No such file or directory: "
        "/no/such/pairs.txt\n")


def test_a_pairs_file_with_a_bom_reads_as_without_and_stdin_as_a_file(runner,
                                                                       tmp_path: Path) -> None:
    plain, marked = tmp_path / "plain.txt", tmp_path / "marked.txt"
    plain.write_text("I love:I hate\nThe cat:The dog\n", "utf-8")
    marked.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    expected = generate(runner, "--pairs", str(plain))
    assert expected.exit_code == 0, expected.stderr
    assert generate(runner, "--pairs", str(marked)).stdout == expected.stdout
    assert generate(runner, "--pairs", "-", stdin=plain.read_bytes()).stdout == expected.stdout
    assert "stdin holds no pairs" in one_error_line(generate(runner, "--pairs", "-", stdin=""))


@pytest.mark.parametrize("command", ["generate", "lens"])
def test_a_prompt_of_dash_is_read_from_stdin(runner, command: str) -> None:
    given = runner.invoke(app, [command, "The cat sat", "-m", TINY, "--json"])
    piped = runner.invoke(app, [command, "-", "-m", TINY, "--json"], input="The cat sat\n")
    assert given.exit_code == 0 and piped.exit_code == 0, piped.stderr
    assert json.loads(piped.stdout) == json.loads(given.stdout)


@pytest.mark.parametrize(("argv", "message"), [
    (["--strength", "nan", "--steer", "a:b"], "--strength must be between -100 and 100, not nan"),
    (["--strength", "inf", "--steer", "a:b"], "--strength must be between -100 and 100, not inf"),
    (["--strength", "1e30", "--steer", "a:b"], "--strength must be between -100 and 100"),
    (["--seed", "1180591620717411303424"], "--seed must be between 0 and 4294967295"),
    (["--method", "", "--steer", "a:b"], "--method must be one of actadd, mean, not ''"),
    (["--steer", "I love:I love" + "x" * 3000 + ":y"], "is written TOWARD:AWAY"),
])
def test_numbers_and_names_out_of_their_rules_are_one_line(runner, argv: list[str],
                                                           message: str) -> None:
    line = one_error_line(generate(runner, *argv))
    assert message in line and len(line) < 300


def test_a_prompt_that_is_not_utf8_is_one_line(runner) -> None:
    assert "is not valid UTF-8" in one_error_line(
        runner.invoke(app, ["generate", "\udcff", "-m", TINY]))


def test_a_symbolic_link_loop_is_one_line(runner, tmp_path: Path) -> None:
    loop = tmp_path / "loop.gguf"
    os.symlink(loop, loop)
    for command in (["generate", "hi"], ["neighbors", "king"]):
        result = runner.invoke(app, [*command, "-m", str(loop)])
        expected = f"Error: {loop}: a symbolic link that leads back to itself\n"
        assert one_error_line(result) == expected


def test_a_long_prompt_is_clipped_where_it_is_echoed(runner) -> None:
    prompt = "The cat sat on the mat " * 8
    shown = runner.invoke(app, ["lens", prompt, "-m", TINY])
    assert shown.exit_code == 0, shown.stderr
    title = shown.stdout.splitlines()[0]
    assert prompt not in shown.stdout and "…" in title and len(title) < 160


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda m: m.generate(None), ArgumentError, "prompt must be a str, not NoneType"),
    (lambda m: m.generate(123), ArgumentError, "prompt must be a str, not int"),
    (lambda m: m.generate(b"hi"), ArgumentError, "prompt must be a str, not bytes"),
    (lambda m: m.generate(["a"]), ArgumentError, "prompt must be a str, not list"),
    (lambda m: m.generate("hi", max_tokens="3"), ArgumentError, "max_tokens must be a whole"),
    (lambda m: m.generate("hi", max_tokens=True), ArgumentError, "max_tokens must be a whole"),
    (lambda m: m.generate("hi", temperature=1j), ArgumentError, "temperature must be a number"),
    (lambda m: m.generate("hi", temperature=10**400), RangeError,
     "temperature must be a finite number at least 0, not inf"),
    (lambda m: m.generate("hi", strength="8", steer=["a:b"]), ArgumentError,
     "strength must be a number or None"),
    (lambda m: m.generate("hi", chat="yes"), ArgumentError, "chat must be True or False"),
    (lambda m: m.generate("hi", seed=None), ArgumentError, "seed must be a whole number"),
    (lambda m: m.generate("hi", layer=True, steer=["a:b"]), ArgumentError, "layer must be"),
    (lambda m: m.generate("hi", steer=[("a",)]), ArgumentError, "not 1 texts"),
    (lambda m: m.generate("hi", steer=[123]), ArgumentError,
     "steer must be a list or tuple, each a str or a list or tuple of str, not list [123]"),
    (lambda m: m.generate("hi", steer=[("", "")]), UsageError, "needs text on both sides"),
    (lambda m: m.generate("\udcff"), LatentError, "is not valid UTF-8"),
    (lambda m: m.lens(None), ArgumentError, "prompt must be a str, not NoneType"),
    (lambda m: m.lens("hi", track=" Paris"), ArgumentError, "one word goes in a list"),
    (lambda m: m.lens("hi", track=["a\x00"]), LatentError, "contains a NUL byte"),
])
def test_the_api_refuses_at_the_door_with_the_projects_errors(call, error, message) -> None:
    model = latentcli.open(TINY)
    with pytest.raises(error) as raised:
        call(model)
    assert message in str(raised.value)


def test_a_model_without_a_stated_licence_says_so(runner) -> None:
    shown = runner.invoke(app, ["models", "info", TINY])
    assert shown.exit_code == 0, shown.stderr
    licence = next(line for line in shown.stdout.splitlines() if line.strip().startswith(
        "license "))
    assert "not stated" in licence or "see the license files" not in licence


def test_api_defaults_shrink_to_the_model_as_the_command_lines_do(tiny_space) -> None:
    """A count left out is a default (core.counts.Default), at both doors: it fits a small model
    or a long prompt; the same number given is refused when it does not fit."""
    words = latentcli.Model(tiny_space)
    assert len(words.neighbors("king").neighbors) == len(tiny_space) - 1
    with pytest.raises(RangeError):
        words.neighbors("king", 50)
    model = latentcli.open(TINY)
    prompt = "The cat sat on the mat. " * 33  # 233 of the tiny model's 256 positions
    written = model.generate(prompt)
    assert 1 <= len(written.continuation.token_ids) <= 40
    with pytest.raises(UsageError, match="max_tokens"):
        model.generate(prompt, max_tokens=40)

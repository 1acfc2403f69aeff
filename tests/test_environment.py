"""Streams and terminal facts: notes to stderr, spinners only on a terminal, colour rules."""

import io

from latentcli.environment import Environment
from latentcli.errors import UnknownWordError


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_spinner_shows_on_a_terminal_stderr_only():
    terminal = FakeTerminal()
    with Environment(io.StringIO(), terminal).working("Converting the model"):
        pass
    assert "Converting the model" in terminal.getvalue()
    pipe = io.StringIO()
    with Environment(io.StringIO(), pipe).working("Converting the model"):
        pass
    assert pipe.getvalue() == ""


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert Environment(FakeTerminal(), io.StringIO()).colour
    assert not Environment(io.StringIO(), io.StringIO()).colour
    monkeypatch.setenv("NO_COLOR", "1")
    assert not Environment(FakeTerminal(), io.StringIO()).colour


def test_run_turns_a_latent_error_into_one_line_and_its_code():
    stderr = io.StringIO()

    def fail():
        raise UnknownWordError("kingg", "tiny", ["king"])

    assert Environment(io.StringIO(), stderr).run(fail) == 1
    assert stderr.getvalue() == "Error: unknown word 'kingg' in tiny — did you mean: king?\n"

"""Narrow, dumb and colourless terminals, and long tables (issue 10)."""

import io

import pytest

from latentcli.cli.app import app
from latentcli.environment import Environment


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("argv", [
    ["neighbors", "king", "-n", "3"], ["analogy", "king", "-", "man", "+", "woman", "-n", "3"],
    ["axis", "man", "woman", "king", "queen"], ["odd", "king", "queen", "prince", "apple"],
])
def test_a_narrow_terminal_keeps_the_words_and_drops_the_bars(runner, tiny_model, argv):
    result = runner.invoke(app, [*argv, "-m", str(tiny_model)], env={"COLUMNS": "20"})
    assert result.exit_code == 0, result.stderr
    assert "█" not in result.stdout
    assert any(word in result.stdout for word in ("prince", "queen", "king", "apple"))


@pytest.mark.parametrize(("variables", "colour"), [
    ({"NO_COLOR": "", "TERM": "xterm-256color"}, True),
    ({"NO_COLOR": "1", "TERM": "xterm-256color"}, False),
    ({"TERM": "dumb"}, False),
])
def test_colour_follows_no_color_and_term(monkeypatch, variables, colour):
    monkeypatch.delenv("NO_COLOR", raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert Environment(FakeTerminal(), io.StringIO()).colour is colour


def test_map_on_a_dumb_terminal_has_no_escapes(monkeypatch, tiny_model):
    from latentcli.entry import main

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "dumb")
    stdout = FakeTerminal()
    monkeypatch.setattr("sys.stdout", stdout)
    with pytest.raises(SystemExit) as exited:
        main(["map", "king", "queen", "apple", "banana", "-m", str(tiny_model)])
    assert exited.value.code == 0
    assert "\x1b[" not in stdout.getvalue()


@pytest.fixture
def laid_out(monkeypatch):
    """The row count of every table rich lays out (~0.7 ms a row: ~15 s for 20,000 rows)."""
    from rich.table import Table

    counts = []
    rich_layout = Table.__rich_console__

    def counted(self, console, options):  # type: ignore[no-untyped-def]
        counts.append(self.row_count)
        return rich_layout(self, console, options)

    monkeypatch.setattr(Table, "__rich_console__", counted)
    return counts


def test_a_long_table_renders_in_linear_time(runner, glove, default_cache, monkeypatch, laid_out):
    """A long table is written as plain aligned columns, so rich's layout must never run for it."""
    monkeypatch.setenv("LATENT_CACHE_DIR", str(default_cache))
    result = runner.invoke(app, ["neighbors", "king", "-n", "20000"])
    assert result.exit_code == 0
    assert laid_out == []
    assert len(result.stdout.splitlines()) == 20002
    assert runner.invoke(app, ["neighbors", "king", "-n", "5"]).exit_code == 0
    assert laid_out == [5]  # a short table is still rich's


def test_a_long_table_of_any_command_is_plain(runner, tiny_model, tmp_path, laid_out):
    """`evaluate` printed its table itself before `render.tables.emit`; now it is plain too."""
    questions = tmp_path / "sections.txt"
    questions.write_text("".join(f": part{n}\nman king woman queen\n" for n in range(250)))
    result = runner.invoke(app, ["evaluate", "analogies", str(questions), "-m", str(tiny_model)])
    assert result.exit_code == 0, result.stderr
    assert laid_out == []
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + 1 + 250 + 1 + 1  # title, heading, sections, total, caption
    assert lines[2].split() == ["part0", "1", "1", "1.0000", "0"]

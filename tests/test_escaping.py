"""Texts reach the terminal escaped: no control character (ESC, CSI, BEL, C1) or line separator
from a model's words, a user's text or a model's name is drawn raw, by any command (issue 16,
problem 10); and a long query is echoed clipped (problem 13)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from encoder_files import TINY_BERT
from latentcli.cli.app import app
from latentcli.render.escape import escape, printable
from latentcli.results import NeighborsResult, Scored, WeightedWord
from latentcli.store.entries import write_entry
from latentcli.store.paths import cache_root

NASTY = ["\x1b[31mred\x1b[0m", "bell\x07", "line\u2028sep", "para\u2029sep", "csi\x9b2J",
         "tab\tword", "back\x08space", "del\x7f"]
WORDS = ["king", "queen", *NASTY]


def raw_controls(text: str) -> list[str]:
    """The characters of ``text`` that are not printable, line ends aside."""
    return sorted({char for char in text if not char.isprintable() and char != "\n"})


@pytest.fixture
def nasty(tmp_path: Path) -> str:
    vectors = np.random.default_rng(7).normal(size=(len(WORDS), 5)).astype(np.float32)
    write_entry(tmp_path / "nasty", WORDS, vectors, {"name": "na\x1b]0;title\x07sty", "source": {}})
    return str(tmp_path / "nasty")


COMMANDS = [
    ["neighbors", "king", "bell\x07"], ["analogy", "king", "-", "queen", "+", "bell\x07"],
    ["similarity", "king", "queen", "del\x7f"], ["odd", "king", "queen", "bell\x07", "csi\x9b2J"],
    ["cluster", *WORDS], ["map", *WORDS, "--width", "70", "--height", "20"],
    ["axis", "king", "queen"], ["steer", "king", "--toward", "queen"], ["path", "king", "queen"],
    ["explain", "king"], ["explain", "king", "-", "queen", "+", "bell\x07"],
    ["explain", "--section", "vector"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: "-".join(argv[:2]))
def test_no_command_draws_a_control_character_raw(runner, nasty, argv):
    result = runner.invoke(app, [*argv, "-m", nasty])
    assert result.exit_code == 0, result.output
    assert raw_controls(result.stdout) == [] and raw_controls(result.stderr) == []
    if "--section" not in argv:  # a tour section does not name its model
        assert "na\\x1b]0;title\\x07sty" in result.stdout + result.stderr


def test_compare_escapes_both_models(runner, nasty):
    result = runner.invoke(app, ["compare", nasty, nasty, "--top", "10", "-k", "3"])
    assert result.exit_code == 0, result.output
    assert raw_controls(result.stdout) == []


def test_embed_escapes_the_texts_it_lists(runner):
    texts = ["hi \x1b[2J there", "one\u2028two", "bell\x07"]
    result = runner.invoke(app, ["embed", *texts, "-m", str(TINY_BERT)])
    assert result.exit_code == 0, result.output
    assert raw_controls(result.stdout) == []
    assert "hi \\x1b[2J there" in result.stdout and "one\\u2028two" in result.stdout
    assert len(result.stdout.splitlines()) == 2 + len(texts)  # title, heading, one row each
    as_json = runner.invoke(app, ["embed", *texts, "-m", str(TINY_BERT), "--json"])
    assert [json.loads(line)["text"] for line in as_json.stdout.split("\n")[:-1]] == texts


def test_errors_and_notes_are_escaped_too(runner, nasty):
    result = runner.invoke(app, ["neighbors", "bell", "-m", nasty])
    assert result.exit_code == 1
    assert raw_controls(result.stderr) == [] and "bell\\x07" in result.stderr


def test_escape_writes_what_repr_writes_and_keeps_printable_text():
    for word in NASTY:
        assert escape(word) == repr(word)[1:-1].replace("\\\\", "\\")
    for word in ("king", "café", "日本", "naïve 😀", "it's \\ fine"):
        assert escape(word) is word


def test_printable_copies_only_what_it_changes():
    clean = NeighborsResult(model="m", query="q", terms=(WeightedWord(word="king", weight=1.0),),
                            neighbors=(Scored(word="queen", similarity=0.5),), excluded=())
    assert printable(clean) is clean and printable([clean])[0] is clean
    dirty = NeighborsResult(model="m", query="q",
                            terms=(WeightedWord(word="ki\x1bng", weight=1.0),),
                            neighbors=(Scored(word="queen", similarity=0.5),), excluded=())
    shown = printable(dirty)
    assert shown.terms[0].word == "ki\\x1bng" and shown.neighbors is dirty.neighbors
    assert dirty.terms[0].word == "ki\x1bng"  # the result itself is untouched


@pytest.fixture
def glove_candidates(default_cache: Path) -> None:
    """A transformer space's candidates come from GloVe: the session's converted copy."""
    models = cache_root() / "models"
    models.mkdir(parents=True, exist_ok=True)
    (models / "glove-6b-50d").symlink_to(default_cache / "models" / "glove-6b-50d")


def test_a_long_query_is_clipped_in_the_title_and_the_note(runner, glove_candidates):
    query = "hello there " * 9000  # ~100 KB, encoded as one text
    result = runner.invoke(app, ["neighbors", query, "-n", "2", "-m", str(TINY_BERT),
                                 "--limit", "60"])
    assert result.exit_code == 0, result.output
    title = " ".join(result.stdout.split("\n#")[0].split())  # folded between words
    assert title.startswith("Nearest to hello there") and title.endswith("… in tiny-bert")
    assert len(title) < 120
    note = result.stderr.splitlines()[-1]  # after the one about embedding the candidates
    assert note.startswith("Note: 'hello there") and len(note) < 200
    assert "…' is not a candidate word" in note
    unknown = runner.invoke(app, ["neighbors", "x" * 100_000])
    assert unknown.exit_code == 1 and len(unknown.stderr) < 200

"""Input text: not UTF-8 is an error with its line, a BOM is never part of a word, and a word
typed in decomposed Unicode finds its composed form (issue 10)."""

import json
import unicodedata

import numpy as np
import pytest

import vectorfiles
from latentcli.cli.commands import app

WORDS = ["café", "king", "queen", "apple"]
VECTORS = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0.2], [0, 0, 1]], dtype=np.float32)


@pytest.fixture
def accented(tmp_path):
    return str(vectorfiles.glove(tmp_path / "accented.txt", WORDS, VECTORS))


@pytest.mark.parametrize("command", ["cluster", "map"])
def test_stdin_that_is_not_utf8_is_one_error(runner, accented, command):
    result = runner.invoke(app, [command, "king", "-", "-m", accented],
                           input=b"queen\n\xff\xfe apple\n")
    assert result.exit_code == 1
    assert result.stderr == "Error: stdin, line 2: not valid UTF-8\n"


@pytest.mark.parametrize("source", ["stdin", "from"])
def test_a_bom_is_not_part_of_the_first_word(runner, accented, tmp_path, source):
    data = "\ufeffqueen\napple\n".encode()
    if source == "stdin":
        argv, given = ["cluster", "king", "-"], data
    else:
        (tmp_path / "words.txt").write_bytes(data)
        argv, given = ["cluster", "king", "--from", str(tmp_path / "words.txt")], None
    result = runner.invoke(app, [*argv, "--json", "-m", accented], input=given)
    assert result.exit_code == 0, result.stderr
    members = {w for c in json.loads(result.stdout)["clusters"] for w in c["members"]}
    assert members == {"king", "queen", "apple"}


def test_a_bom_in_a_model_file_is_not_part_of_the_first_word(runner, tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + vectorfiles.text_lines(WORDS, VECTORS).encode())
    result = runner.invoke(app, ["neighbors", "café", "-n", "1", "--json", "-m", str(path)])
    assert result.exit_code == 0, result.stderr
    header = tmp_path / "bom-w2v.txt"
    header.write_bytes(b"\xef\xbb\xbf4 3\n" + vectorfiles.text_lines(WORDS, VECTORS).encode())
    result = runner.invoke(app, ["neighbors", "café", "-n", "1", "--json", "-m", str(header)])
    assert result.exit_code == 0, result.stderr


def test_decomposed_unicode_finds_the_composed_word(runner, accented):
    typed = unicodedata.normalize("NFD", "café")
    assert typed != "café"
    for argv in (["neighbors", typed], ["similarity", typed, "king"]):
        result = runner.invoke(app, [*argv, "--json", "-m", accented])
        assert result.exit_code == 0, result.stderr

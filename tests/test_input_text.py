"""Input text: not UTF-8 is an error with its line, a BOM is never part of a word, and a word
typed in decomposed Unicode finds its composed form (issue 10)."""

import json
import os
import subprocess
import sys
import unicodedata

import numpy as np
import pytest

import latentcli
import vectorfiles
from latentcli.cli.app import app
from latentcli.errors import LatentError

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


@pytest.mark.parametrize("header", [b"", b"4 3\n"])  # GloVe text, word2vec text
def test_a_bom_in_a_model_file_is_not_part_of_the_first_word(runner, tmp_path, header):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + header + vectorfiles.text_lines(WORDS, VECTORS).encode())
    result = runner.invoke(app, ["neighbors", "café", "-n", "1", "--json", "-m", str(path)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["terms"] == [{"word": "café", "weight": 1.0}]
    others = runner.invoke(app, ["neighbors", "king", "-n", "3", "--json", "-m", str(path)])
    assert sorted(n["word"] for n in json.loads(others.stdout)["neighbors"]) == sorted(
        set(WORDS) - {"king"})  # 'café' as it was written, no BOM


def test_decomposed_unicode_finds_the_composed_word(runner, accented):
    typed = unicodedata.normalize("NFD", "café")
    assert typed != "café"
    for argv, found in ((["neighbors", typed], lambda doc: doc["terms"][0]["word"]),
                        (["similarity", typed, "king"], lambda doc: doc["words"][0])):
        result = runner.invoke(app, [*argv, "--json", "-m", accented])
        assert result.exit_code == 0, result.stderr
        assert found(json.loads(result.stdout)) == "café"
        assert f"{typed!r} is not in the vocabulary; using 'café'" in result.stderr


# Bytes that are not UTF-8 reach Python's argv as lone surrogates (surrogateescape): every command
# that looks words up refuses them in one line, as embed and context do (issue 16, problem 3).
LOOKUPS = [
    ["neighbors", b"\xffking"], ["neighbors", b"king", b"\xffqueen"],
    ["analogy", b"\xffking", b"-", b"queen", b"+", b"apple"], ["similarity", b"\xffking", b"queen"],
    ["odd", b"king", b"queen", b"\xffapple"], ["cluster", b"king", b"queen", b"\xffapple"],
    ["map", b"king", b"queen", b"\xffapple"], ["axis", b"\xffking", b"queen"],
    ["steer", b"\xffking", b"--toward", b"queen"], ["path", b"king", b"\xffqueen"],
    ["explain", b"\xffking"], ["neighbors", b"caf\xe9"],  # Latin-1, not UTF-8
]


@pytest.mark.parametrize("argv", LOOKUPS, ids=lambda argv: argv[0])
def test_an_argument_that_is_not_utf8_is_one_error_in_every_command(accented, argv):
    done = subprocess.run([sys.executable, "-m", "latentcli", *argv, "-m", accented],
                          capture_output=True, check=False)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 1, stderr
    assert done.stdout == b"" and stderr.count("\n") == 1
    assert stderr.startswith("Error: the word '") and stderr.endswith("is not valid UTF-8\n")


def test_a_model_path_that_is_not_utf8_still_opens(tmp_path):
    path = os.fsencode(tmp_path) + b"/mod\xe8le.txt"
    with open(path, "w", encoding="utf-8") as file:
        file.write(vectorfiles.text_lines(WORDS, VECTORS))
    done = subprocess.run([sys.executable, "-m", "latentcli", "neighbors", "king", "-n", "1",
                           "-m", path], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert b"1  queen" in done.stdout


def test_a_word_no_model_can_hold_is_refused_not_looked_up(accented):
    space = latentcli.open(accented).space
    for word, problem in (("\udcffking", "is not valid UTF-8"), ("ki\x00ng", "contains a NUL")):
        assert word not in space.vocabulary
        with pytest.raises(LatentError, match=problem):
            space.lookup(word)


@pytest.mark.parametrize("content", [b"fine\nnul\x00here\n", b"fine\nbad \xff byte\n"])
def test_a_nul_byte_and_bad_utf8_in_a_file_are_the_same_kind_of_error(runner, tmp_path, content):
    """Both are bad data in the file (exit 1), wherever the check happens to catch them."""
    path = tmp_path / "texts.txt"
    path.write_bytes(content)
    result = runner.invoke(app, ["embed", "--from", str(path)])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("Error: ") and str(path) in result.stderr

"""Every supported file format, end to end through the CLI, and every way a file can be bad."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import os
from pathlib import Path

import numpy as np
import pytest

import vectorfiles
from conftest import TINY_VECTORS, TINY_WORDS
from latentcli.cli.app import app
from latentcli.store.paths import cache_root
from latentcli.store.readers import read_vectors


def neighbors(runner, model: Path, *extra: str, word: str = "king"):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["neighbors", word, "-n", "2", "--json", "-m", str(model), *extra])


def cached_entries() -> list[str]:
    models = cache_root() / "models"
    return sorted(p.name for p in models.iterdir()) if models.exists() else []


FORMATS = {
    "glove.txt": lambda p: vectorfiles.glove(p),
    "w2v.txt": lambda p: vectorfiles.word2vec_text(p),
    "fasttext.vec": lambda p: vectorfiles.word2vec_text(p, trailing=" "),
    "w2v.bin": lambda p: vectorfiles.word2vec_binary(p),
    "glove.txt.gz": lambda p: vectorfiles.compressed(
        p, vectorfiles.text_lines(TINY_WORDS, TINY_VECTORS).encode()),
    "w2v.bin.bz2": lambda p: vectorfiles.compressed(p, vectorfiles.word2vec_binary_bytes()),
    "vectors.npy": lambda p: vectorfiles.npy_with_vocab(p.parent / "npy"),
    "no-extension": lambda p: vectorfiles.word2vec_binary(p),
}


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_answers_through_the_cli(runner, tmp_path, name):
    path = FORMATS[name](tmp_path / name)
    result = neighbors(runner, path)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [n["word"] for n in doc["neighbors"]] == ["prince", "man"]
    assert doc["model"] == path.name
    np.testing.assert_array_equal(read_vectors(path).matrix, TINY_VECTORS)


@pytest.mark.parametrize("binary", [False, True])
def test_reader_matches_gensim(tmp_path, binary):
    from gensim.models import KeyedVectors

    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(300)]
    vectors = rng.standard_normal((300, 7)).astype(np.float32)
    path = (vectorfiles.word2vec_binary(tmp_path / "v.bin", words, vectors) if binary
            else vectorfiles.glove(tmp_path / "v.txt", words, vectors))
    ours = read_vectors(path)
    theirs = KeyedVectors.load_word2vec_format(path, binary=binary, no_header=not binary)
    assert ours.words == theirs.index_to_key
    np.testing.assert_array_equal(ours.matrix, theirs.vectors)


def test_limit_keeps_the_first_words_and_is_cached_apart(runner, tmp_path):
    path = vectorfiles.word2vec_binary(tmp_path / "v.bin")
    result = neighbors(runner, path, "--limit", "3")
    assert result.exit_code == 0, result.output
    assert [n["word"] for n in json.loads(result.stdout)["neighbors"]] == ["man", "queen"]
    beyond = neighbors(runner, path, "--limit", "3", word="prince")
    assert beyond.exit_code == 1
    assert "unknown word 'prince'" in beyond.stderr
    assert neighbors(runner, path).exit_code == 0
    assert len(cached_entries()) == 2


def test_limit_on_headerless_text(tmp_path):
    vectors = read_vectors(vectorfiles.glove(tmp_path / "g.txt"), limit=4)
    assert vectors.words == TINY_WORDS[:4]


def test_cache_is_rebuilt_when_the_file_changes(runner, tmp_path):
    path = vectorfiles.glove(tmp_path / "g.txt")
    assert json.loads(neighbors(runner, path).stdout)["neighbors"][0]["word"] == "prince"
    moved = TINY_VECTORS.copy()
    moved[TINY_WORDS.index("apple")] = moved[0] * 1.01
    vectorfiles.glove(path, TINY_WORDS, moved)
    os.utime(path, ns=(1, 1))  # a different mtime even on coarse clocks
    assert json.loads(neighbors(runner, path).stdout)["neighbors"][0]["word"] == "apple"
    assert len(cached_entries()) == 1


def test_duplicates_keep_the_first_and_warn_once(runner, tmp_path):
    words = [*TINY_WORDS, "king", "apple"]
    vectors = np.vstack([TINY_VECTORS, -TINY_VECTORS[:2]])
    path = vectorfiles.word2vec_text(tmp_path / "dup.txt", words, vectors)
    result = neighbors(runner, path)
    assert result.exit_code == 0
    assert result.stderr.count("2 duplicate word(s) skipped") == 1
    assert [n["word"] for n in json.loads(result.stdout)["neighbors"]] == ["prince", "man"]


def test_invalid_utf8_is_replaced_and_noted(runner, tmp_path):
    words: list[str | bytes] = [*TINY_WORDS[:-2], b"caf\xe9", "zero"]
    path = vectorfiles.word2vec_binary(tmp_path / "latin1.bin", words)
    result = neighbors(runner, path, word="caf\ufffd")
    assert result.exit_code == 0, result.output
    assert "1 word(s) had invalid UTF-8" in result.stderr
    assert "U+FFFD" in result.stderr


def test_zero_vectors_are_allowed(runner, tmp_path):
    path = vectorfiles.glove(tmp_path / "g.txt")
    result = runner.invoke(app, ["neighbors", "apple", "-n", "9", "--json", "-m", str(path)])
    assert result.exit_code == 0, result.output
    found = {n["word"]: n["similarity"] for n in json.loads(result.stdout)["neighbors"]}
    assert found["zero"] == 0
    alone = neighbors(runner, path, word="zero")
    assert alone.exit_code == 1
    assert "zero vector" in alone.stderr


def _text(header: str, *rows: str) -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode()


GOOD = ["king 1 1 0", "queen 1 -1 0", "man 0 1 0"]
BAD_FILES = {
    "empty": (b"", "is empty (0 bytes)"),
    "garbage": (bytes(range(256)) * 4, "line 1: "),
    "truncated text": (_text("5 3\n", *GOOD), "line 4: the header promises 5 words but the file "
                                              "ends after 3 (truncated?)"),
    "header dims disagree": (_text("3 2\n", *GOOD), "line 2: too many numbers: 3, expected 2"),
    "too few numbers": (_text("", *GOOD, "woman 0 -1"), "line 4: too few numbers: 2, expected 3"),
    "too many numbers": (_text("", *GOOD[:1], "woman 0 -1 0 7"),
                         "line 2: too many numbers: 4, expected 3"),
    "non-numeric": (_text("", *GOOD, "woman 0 one 0"), "line 4: non-numeric value 'one'"),
    "nan": (_text("3 3\n", GOOD[0], "queen nan 1 0", GOOD[2]), "line 3: NaN or infinite value"),
    "inf": (_text("", GOOD[0], "queen inf 1 0"), "line 2: NaN or infinite value"),
    "word without numbers": (b"king\nqueen 1 2\n", "line 1: the first line has a word but no "
                                                   "numbers"),
    "truncated binary": (vectorfiles.word2vec_binary_bytes(count=20),
                         "the header promises 20 words of 4 dimensions (at least 360 bytes) but "
                         "only 232 follow (truncated?)"),
    "binary nan": (vectorfiles.word2vec_binary_bytes(
        TINY_WORDS[:2], np.array([[1, 2, 3, 4], [1, np.nan, 3, 4]], np.float32)),
        "byte offset 32: NaN or infinite value"),
    "truncated compressed binary": (bz2.compress(vectorfiles.word2vec_binary_bytes(count=20)),
                                    "the header promises 20 words but the file ends after 10 "
                                    "(truncated?)"),
    "truncated gzip": (gzip.compress(_text("", *GOOD))[:-12], "corrupt gzip data"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_files_fail_cleanly_and_cache_nothing(runner, tmp_path, case):
    content, message = BAD_FILES[case]
    path = tmp_path / "bad.vec"
    path.write_bytes(content)
    result = neighbors(runner, path)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: {path}")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert [name for name in cached_entries() if not name.startswith(".")] == []


def test_missing_file(runner, tmp_path):
    result = neighbors(runner, tmp_path / "nope.txt")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope.txt'}: no such file\n"


def test_directory(runner, tmp_path):
    result = neighbors(runner, tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path}: is a directory")


def test_unreadable_file(runner, tmp_path, monkeypatch):
    path = vectorfiles.glove(tmp_path / "secret.txt")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads anything; make the check see what a user would
        monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    result = neighbors(runner, path)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: cannot be read (permission denied)\n"


def test_npy_without_vocab(runner, tmp_path):
    np.save(tmp_path / "m.npy", TINY_VECTORS)
    result = neighbors(runner, tmp_path / "m.npy")
    assert result.exit_code == 1
    assert "needs its words in vocab.txt beside it" in result.stderr


def test_npy_vocab_length_mismatch(runner, tmp_path):
    path = vectorfiles.npy_with_vocab(tmp_path, TINY_WORDS, TINY_VECTORS)
    (tmp_path / "vocab.txt").write_text("king\nqueen\n", "utf-8")
    result = neighbors(runner, path)
    assert result.exit_code == 1
    assert "vocab.txt: has 2 words but matrix.npy has 10 rows" in result.stderr


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_on_a_terminal_only(tmp_path):
    from latentcli.environment import Environment
    from latentcli.store.resolve import open_space

    path = vectorfiles.glove(tmp_path / "g.txt")
    terminal, pipe = FakeTerminal(), io.StringIO()
    open_space(str(path), Environment(stderr=terminal))
    open_space(str(path), Environment(stderr=pipe), limit=3)
    assert "Reading g.txt" in terminal.getvalue()
    assert pipe.getvalue() == ""

"""Property tests: whatever bytes a file holds, the readers give vectors or a LatentError."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import vectorfiles
from conftest import TINY_VECTORS, TINY_WORDS
from latentcli.errors import LatentError
from latentcli.store.readers import read_vectors

SETTINGS = settings(max_examples=150)
VALID = {
    "glove": vectorfiles.text_lines(TINY_WORDS, TINY_VECTORS).encode(),
    "word2vec-text": f"10 4\n{vectorfiles.text_lines(TINY_WORDS, TINY_VECTORS)}".encode(),
    "word2vec-binary": vectorfiles.word2vec_binary_bytes(),
}
VALID["gzip"] = gzip.compress(VALID["glove"], mtime=0)


def outcome(data: bytes, name: str = "vectors", vocab: bytes | None = None) -> None:
    """Read ``data`` as a file; anything but a result or a LatentError fails the test."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / name
        path.write_bytes(data)
        if vocab is not None:
            (path.parent / "vocab.txt").write_bytes(vocab)
        try:
            vectors = read_vectors(path)
        except LatentError as error:
            assert str(path.parent) in str(error)
            return
        assert vectors.matrix.dtype == np.float32
        assert vectors.matrix.shape[0] == len(vectors.words) == len(set(vectors.words)) > 0
        assert np.isfinite(vectors.matrix).all()
        assert all(word and "\n" not in word for word in vectors.words)


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    outcome(data)


@SETTINGS
@given(st.sampled_from(sorted(VALID)), st.binary(min_size=1, max_size=8),
       st.floats(0, 1), st.sampled_from(["replace", "insert", "delete", "truncate"]))
def test_mutated_valid_files(kind, patch, where, how):
    data = VALID[kind]
    at = int(where * (len(data) - 1))
    mutated = {
        "replace": data[:at] + patch + data[at + len(patch):],
        "insert": data[:at] + patch + data[at:],
        "delete": data[:at] + data[at + len(patch):],
        "truncate": data[:at],
    }[how]
    outcome(mutated)


@SETTINGS
@given(st.sampled_from([b"\x93NUMPY", b"\x80\x04", (793712314).to_bytes(4, "little"),
                        b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"3 2\n"]),
       st.binary(max_size=300))
def test_magic_prefixes_with_random_bodies(prefix, body):
    outcome(prefix + body, "vectors.npy")


def _npy_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as scratch:
        return vectorfiles.npy_with_vocab(Path(scratch)).read_bytes()


@SETTINGS
@given(st.integers(0, 10_000), st.binary(min_size=1, max_size=8), st.binary(max_size=40))
def test_mutated_npy_and_vocab(at, patch, vocab_tail):
    data = _npy_bytes()
    at %= len(data)
    vocab = "".join(word + "\n" for word in TINY_WORDS).encode() + vocab_tail
    outcome(data[:at] + patch + data[at + len(patch):], "matrix.npy", vocab)

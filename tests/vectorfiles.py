"""Writers for tiny vector files in every supported format (for the reader and CLI tests)."""

from __future__ import annotations

import bz2
import gzip
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from conftest import TINY_VECTORS, TINY_WORDS

SENTENCES = [["the", "king", "rules", "the", "kingdom"], ["the", "queen", "rules", "too"],
             ["a", "man", "and", "a", "woman", "walk"], ["apples", "and", "bananas"]] * 5


def text_lines(words: Sequence[str], vectors: np.ndarray, trailing: str = "") -> str:
    return "".join(w + " " + " ".join(f"{x:g}" for x in row) + trailing + "\n"
                   for w, row in zip(words, vectors, strict=True))


def glove(path: Path, words: Sequence[str] = TINY_WORDS,
          vectors: np.ndarray = TINY_VECTORS) -> Path:
    path.write_text(text_lines(words, vectors), "utf-8")
    return path


def word2vec_text(path: Path, words: Sequence[str] = TINY_WORDS,
                  vectors: np.ndarray = TINY_VECTORS, trailing: str = "") -> Path:
    header = f"{len(words)} {vectors.shape[1]}\n"
    path.write_text(header + text_lines(words, vectors, trailing), "utf-8")
    return path


def word2vec_binary_bytes(words: Sequence[str | bytes] = TINY_WORDS,
                          vectors: np.ndarray = TINY_VECTORS, count: int | None = None) -> bytes:
    body = b"".join((w.encode() if isinstance(w, str) else w) + b" "
                    + np.asarray(row, "<f4").tobytes() + b"\n"
                    for w, row in zip(words, vectors, strict=True))
    return f"{len(words) if count is None else count} {vectors.shape[1]}\n".encode() + body


def word2vec_binary(path: Path, words: Sequence[str | bytes] = TINY_WORDS,
                    vectors: np.ndarray = TINY_VECTORS) -> Path:
    path.write_bytes(word2vec_binary_bytes(words, vectors))
    return path


def compressed(path: Path, data: bytes) -> Path:
    packed = gzip.compress(data) if path.suffix == ".gz" else bz2.compress(data)
    path.write_bytes(packed)
    return path


def npy_with_vocab(directory: Path, words: Sequence[str] = TINY_WORDS,
                   vectors: np.ndarray = TINY_VECTORS) -> Path:
    directory.mkdir(exist_ok=True)
    np.save(directory / "matrix.npy", vectors)
    (directory / "vocab.txt").write_text("".join(w + "\n" for w in words), "utf-8")
    return directory / "matrix.npy"


def fasttext_bin(path: Path) -> Path:
    """A tiny fastText model trained on `SENTENCES`, saved as Facebook's ``.bin`` (subwords and
    all)."""
    from gensim.models import FastText
    from gensim.models.fasttext import save_facebook_model

    model = FastText(SENTENCES, vector_size=8, min_count=1, epochs=2, bucket=200, seed=1,
                     workers=1)
    save_facebook_model(model, str(path))
    return path

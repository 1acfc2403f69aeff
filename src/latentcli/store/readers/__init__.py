"""Readers for foreign embedding files, chosen by content (magic bytes, header), not by name.

`read_vectors` returns a `Vectors` (unique words in file order + a float32 matrix) built by
streaming: the matrix is allocated once, rows are parsed a block at a time, and the file is never
held whole in memory. Every way a file can be bad becomes a `BadVectorFile` naming the file and
the line (text) or byte offset (binary).
"""

from __future__ import annotations

from pathlib import Path

from latentcli.core.progress import Progress, no_progress
from latentcli.errors import BadVectorFile, UsageError
from latentcli.store.readers.collect import Vectors
from latentcli.store.readers.stream import Input
from latentcli.store.readers.table import ARROW_MAGIC, ARROW_STREAM_MAGIC, PARQUET_MAGIC
from latentcli.store.readers.text import parse_header

SNIFF_BYTES = 1 << 16
_TEXT_NUMBER_BYTES = frozenset(b"0123456789+-.eE \t\r\nnaifNAIF")
FASTTEXT_MAGIC = (793712314).to_bytes(4, "little")

__all__ = ["Vectors", "detect", "read_vectors"]


def detect(path: Path) -> str:
    """The file's format: word2vec-binary, text (word2vec/fastText/GloVe), npy, gensim, fasttext,
    parquet, arrow (Arrow IPC file, Feather v2), arrow-stream (Arrow IPC stream)."""
    with Input(path) as source:
        head = source.read(SNIFF_BYTES)
        compressed = source.compression is not None
    if not head:
        raise BadVectorFile(path, "is empty once decompressed")
    if head.startswith(b"\x93NUMPY") and not compressed:
        return "npy"
    if head.startswith(PARQUET_MAGIC) and not compressed:
        return "parquet"
    if head.startswith(ARROW_MAGIC) and not compressed:
        return "arrow"
    if head.startswith(ARROW_STREAM_MAGIC) and not compressed:
        return "arrow-stream"
    if head.startswith(FASTTEXT_MAGIC) and not compressed:
        return "fasttext"
    if head[0] == 0x80 and len(head) > 1 and 2 <= head[1] <= 5 and not compressed:
        return "gensim"
    end = head.find(b"\n")
    header = parse_header(head[:end]) if end > 0 else None
    if header is not None:
        space = head.find(b" ", end + 1)
        if space > 0:  # the bytes after the first word: numbers in text, raw floats in binary
            line_end = head.find(b"\n", space + 1)
            stop = min(space + 1 + 64, line_end if line_end > 0 else len(head))
            sample = head[space + 1 : stop]
            if not sample or not set(sample) <= _TEXT_NUMBER_BYTES:
                return "word2vec-binary"
    return "text"


def read_vectors(path: Path, limit: int | None = None, progress: Progress = no_progress,
                 trust: bool = False,
                 columns: tuple[str | None, str | None] = (None, None)) -> Vectors:
    """Read any supported vector file; gensim pickles only with ``trust``; ``columns`` (vector,
    label) choose a table's columns and are refused for any other format."""
    from latentcli.store.readers.binary import read_binary
    from latentcli.store.readers.gensim import read_fasttext, read_gensim
    from latentcli.store.readers.npy import read_npy
    from latentcli.store.readers.text import read_text

    kind = detect(path)
    if kind in ("parquet", "arrow", "arrow-stream"):
        from latentcli.store.readers.table import read_table

        return read_table(path, kind, limit, progress, columns)
    if columns != (None, None):
        raise UsageError(f"--vectors-column and --labels-column apply to Parquet and Arrow "
                         f"tables; {path.name} is a {kind} file")
    if kind == "gensim":
        return read_gensim(path, limit, trust)
    if kind == "fasttext":
        return read_fasttext(path, limit)
    if kind == "npy":
        return read_npy(path, limit, progress)
    if kind == "word2vec-binary":
        return read_binary(path, limit, progress)
    return read_text(path, limit, progress)

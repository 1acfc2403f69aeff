"""Readers for foreign embedding files, chosen by content (magic bytes, header), not by name.

`FORMATS` is the one registry: each `Format` says how a file's first bytes give it away and which
reader reads it; `detect` tries them in order. `read_vectors` returns a `Vectors` (unique words in
file order + a float32 matrix) built by streaming: the matrix is allocated once, rows are parsed a
block at a time, and the file is never held whole in memory. Every way a file can be bad becomes
a `BadVectorFile` naming the file and the line (text) or byte offset (binary).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
NPY_MAGIC = b"\x93NUMPY"

__all__ = ["FORMATS", "Format", "Vectors", "detect", "read_vectors"]


@dataclass(frozen=True)
class Wanted:
    """What the caller asks of a reader: the first ``limit`` words, progress, whether code in
    the file may run (``trust``) and a table's (vector, label) ``columns``."""

    limit: int | None
    progress: Progress
    trust: bool
    columns: tuple[str | None, str | None]


@dataclass(frozen=True)
class Format:
    """A file format: its name (in errors), how its first bytes give it away (``recognise``; for
    ``compressed`` formats, once decompressed) and its reader; ``table``: it has columns to
    choose (``--vectors-column``, ``--labels-column``)."""

    name: str
    recognise: Callable[[bytes], bool]
    read: Callable[[Path, Wanted], Vectors]
    compressed: bool = False
    table: bool = False


def _starts(magic: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(magic)


def _is_pickle(head: bytes) -> bool:
    """A pickle (gensim's native files) opens with PROTO 2 to 5."""
    return head[0] == 0x80 and len(head) > 1 and 2 <= head[1] <= 5


def _is_word2vec_binary(head: bytes) -> bool:
    """A ``count dims`` header line, then raw floats after the first word (numbers in text)."""
    end = head.find(b"\n")
    if end <= 0 or parse_header(head[:end]) is None:
        return False
    space = head.find(b" ", end + 1)
    if space <= 0:
        return False
    line_end = head.find(b"\n", space + 1)
    stop = min(space + 1 + 64, line_end if line_end > 0 else len(head))
    sample = head[space + 1 : stop]
    return not sample or not set(sample) <= _TEXT_NUMBER_BYTES


def _npy(path: Path, wanted: Wanted) -> Vectors:
    from latentcli.store.readers.npy import read_npy

    return read_npy(path, wanted.limit, wanted.progress)


def _table(name: str) -> Callable[[Path, Wanted], Vectors]:
    def read(path: Path, wanted: Wanted) -> Vectors:
        from latentcli.store.readers.table import read_table

        return read_table(path, name, wanted.limit, wanted.progress, wanted.columns)

    return read


def _fasttext(path: Path, wanted: Wanted) -> Vectors:
    from latentcli.store.readers.gensim import read_fasttext

    return read_fasttext(path, wanted.limit)


def _gensim(path: Path, wanted: Wanted) -> Vectors:
    from latentcli.store.readers.gensim import read_gensim

    return read_gensim(path, wanted.limit, wanted.trust)


def _word2vec_binary(path: Path, wanted: Wanted) -> Vectors:
    from latentcli.store.readers.binary import read_binary

    return read_binary(path, wanted.limit, wanted.progress)


def _text(path: Path, wanted: Wanted) -> Vectors:
    from latentcli.store.readers.text import read_text

    return read_text(path, wanted.limit, wanted.progress)


FORMATS: tuple[Format, ...] = (  # tried in this order; text (word2vec, fastText, GloVe) last
    Format("npy", _starts(NPY_MAGIC), _npy),
    Format("parquet", _starts(PARQUET_MAGIC), _table("parquet"), table=True),
    Format("arrow", _starts(ARROW_MAGIC), _table("arrow"), table=True),  # IPC file, Feather v2
    Format("arrow-stream", _starts(ARROW_STREAM_MAGIC), _table("arrow-stream"), table=True),
    Format("fasttext", _starts(FASTTEXT_MAGIC), _fasttext),
    Format("gensim", _is_pickle, _gensim),
    Format("word2vec-binary", _is_word2vec_binary, _word2vec_binary, compressed=True),
    Format("text", lambda head: True, _text, compressed=True),
)


def detect(path: Path) -> Format:
    """The file's `Format`: the first of `FORMATS` its first `SNIFF_BYTES` (decompressed) fit."""
    with Input(path) as source:
        head = source.read(SNIFF_BYTES)
        compressed = source.compression is not None
    if not head:
        raise BadVectorFile(path, "is empty once decompressed")
    return next(found for found in FORMATS
                if (found.compressed or not compressed) and found.recognise(head))


def read_vectors(path: Path, limit: int | None = None, progress: Progress = no_progress,
                 trust: bool = False,
                 columns: tuple[str | None, str | None] = (None, None)) -> Vectors:
    """Read any supported vector file; gensim pickles only with ``trust``; ``columns`` (vector,
    label) choose a table's columns and are refused for any other format."""
    found = detect(path)
    if columns != (None, None) and not found.table:
        raise UsageError(f"--vectors-column and --labels-column apply to Parquet and Arrow "
                         f"tables; {path.name} is a {found.name} file")
    return found.read(path, Wanted(limit, progress, trust, columns))

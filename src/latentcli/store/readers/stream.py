"""Opening a vector file for streaming: the bad-path checks, and transparent decompression.

Compression is recognised by its magic bytes, not the file name. Read errors inside compressed
data (a truncated .gz, a corrupt .bz2) surface as `BadVectorFile`, like every other bad file.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import zlib
from collections.abc import Callable
from io import BufferedIOBase
from pathlib import Path
from types import TracebackType
from typing import Any

from latentcli.errors import BadVectorFile

CHUNK_BYTES = 1 << 23
BOM = b"\xef\xbb\xbf"  # a UTF-8 byte-order mark: never part of a text file's first word
_DECOMPRESSORS: dict[bytes, tuple[str, Callable[[Any], BufferedIOBase]]] = {
    b"\x1f\x8b": ("gzip", lambda raw: gzip.GzipFile(fileobj=raw)),
    b"BZh": ("bz2", bz2.BZ2File),
    b"\xfd7zXZ\x00": ("xz", lzma.LZMAFile),
}


def check_readable(path: Path) -> int:
    """The file's size, after turning every reason it cannot be read into `BadVectorFile`."""
    if path.is_dir():
        raise BadVectorFile(path, "is a directory, not a vector file (a latent model directory "
                                  "holds meta.json)")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise BadVectorFile(path, "no such file") from None
    except OSError as error:
        raise BadVectorFile(path, f"cannot be read ({error.strerror})") from None
    if not os.access(path, os.R_OK):
        raise BadVectorFile(path, "cannot be read (permission denied)")
    if size == 0:
        raise BadVectorFile(path, "is empty (0 bytes)")
    return size


class Input:
    """A vector file's bytes, decompressed if needed; knows how much of the file it has consumed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = check_readable(path)
        try:
            self._raw: BufferedIOBase = open(path, "rb")  # noqa: SIM115  (closed by close())
        except OSError as error:
            raise BadVectorFile(path, f"cannot be read ({error.strerror})") from None
        magic = self._raw.read(6)
        self._raw.seek(0)
        self.compression = None
        self._stream: BufferedIOBase = self._raw
        for prefix, (name, opener) in _DECOMPRESSORS.items():
            if magic.startswith(prefix):
                self.compression = name
                self._stream = opener(self._raw)
                break
        self._pending = b""
        start = self.read(len(BOM))
        self._pending = start.removeprefix(BOM)  # binary formats never begin with these bytes

    def read(self, size: int = CHUNK_BYTES) -> bytes:
        if self._pending:
            head, self._pending = self._pending[:size], self._pending[size:]
            return head + self.read(size - len(head)) if size > len(head) else head
        try:
            return self._stream.read(size)
        except (OSError, EOFError, zlib.error, lzma.LZMAError) as error:
            raise BadVectorFile(self.path, f"corrupt {self.compression or 'file'} data "
                                           f"({error})") from None

    def kind(self, format_name: str) -> str:
        """The format's name, with the compression if any: ``word2vec-binary+gzip``."""
        return f"{format_name}+{self.compression}" if self.compression else format_name

    def consumed(self) -> int:
        """Bytes of the file on disk read so far (compressed bytes for a compressed file)."""
        return self._raw.tell()

    def close(self) -> None:
        self._stream.close()
        self._raw.close()

    def __enter__(self) -> Input:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

"""Text vector files: word2vec text and fastText .vec (header ``count dims``), GloVe (no header).

One line per word: the word, then its numbers, separated by whitespace. Lines are parsed a block
at a time: the numbers of a whole block go through one `np.fromstring` call; only when a block does
not parse cleanly is it re-read line by line, to name the line that is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt

from latentcli.core.progress import Progress
from latentcli.errors import BadVectorFile
from latentcli.store.readers.collect import Collector, Vectors
from latentcli.store.readers.stream import Input

MAX_LINE_BYTES = 1 << 20


def parse_header(line: bytes) -> tuple[int, int] | None:
    """``(count, dims)`` if ``line`` is a word2vec header, else None."""
    parts = line.split()
    if len(parts) == 2 and all(part.isdigit() for part in parts):
        return int(parts[0]), int(parts[1])
    return None


def _blocks(source: Input, path: Path) -> Iterator[tuple[int, list[bytes]]]:
    """(number of the first line, lines) for successive blocks of whole lines."""
    carry = b""
    first = 1
    while True:
        chunk = source.read()
        if not chunk:
            break
        data = carry + chunk
        cut = data.rfind(b"\n") + 1
        carry = data[cut:]
        if len(carry) > MAX_LINE_BYTES:
            raise BadVectorFile(path, "line longer than 1 MB: not a text vector file",
                                line=first + data.count(b"\n", 0, cut))
        if cut:
            lines = data[: cut - 1].split(b"\n")
            yield first, lines
            first += len(lines)
    if carry:
        yield first, [carry]


def count_lines(path: Path, stop: int | None) -> int:
    """Lines in the file (a last line without newline counts), stopping early past ``stop``."""
    total = 0
    tail = b"\n"
    with Input(path) as source:
        while stop is None or total <= stop:
            chunk = source.read()
            if not chunk:
                break
            total += chunk.count(b"\n")
            tail = chunk[-1:]
    return total + (tail != b"\n")


def _shape(path: Path, line: bytes, number: int) -> tuple[int | None, int]:
    """(declared word count or None, dims) from the first line: a header, or a GloVe row."""
    header = parse_header(line)
    if header is not None:
        if min(header) < 1:
            raise BadVectorFile(path, f"the header declares {header[0]} words of {header[1]} "
                                      "dimensions", line=number)
        return header
    parts = line.split()
    if not parts:
        raise BadVectorFile(path, "the first line is blank", line=number)
    if len(parts) < 2:
        raise BadVectorFile(path, "the first line has a word but no numbers: not a vector file",
                            line=number)
    return None, len(parts) - 1


def read_text(path: Path, limit: int | None, progress: Progress) -> Vectors:
    """Read a word2vec/fastText text file (with header) or a GloVe file (without)."""
    with Input(path) as source:
        collector: Collector | None = None
        declared: int | None = None
        rows = 0
        for first, lines in _blocks(source, path):
            if collector is None:
                declared, dims = _shape(path, lines[0], first)
                if declared is not None:
                    lines, first = lines[1:], first + 1
                capacity = count_lines(path, limit) if declared is None else declared
                collector = Collector(path, min(capacity, limit) if limit else capacity, dims,
                                      unit="line")
            if declared is not None:
                lines = lines[: declared - rows]
            rows += _parse_block(collector, lines, first)
            progress(source.consumed())
            if collector.full or rows == declared:
                break
        if collector is None:
            raise BadVectorFile(path, "holds no vectors")
        if declared is not None and rows < declared and not collector.full:
            raise BadVectorFile(path, f"the header promises {declared} words but the file ends "
                                      f"after {rows} (truncated?)", line=1 + rows)
        return collector.result(source.kind("glove-text" if declared is None
                                             else "word2vec-text"))


def _parse_block(collector: Collector, lines: list[bytes], first: int) -> int:
    """Parse the block's non-blank lines into the collector; returns how many rows it held."""
    dims = collector.dims
    words: list[bytes] = []
    rests: list[bytes] = []
    numbers: list[int] = []
    for offset, line in enumerate(lines):
        parts = line.split(None, 1)
        if not parts:
            continue
        words.append(parts[0])
        rests.append(parts[1].rstrip() if len(parts) > 1 else b"")
        numbers.append(first + offset)
    if not words:
        return 0
    block = _fast_parse(rests, dims)
    if block is None:
        block = _slow_parse(collector, rests, numbers)
    collector.add(words, block, numbers)
    return len(words)


def _fast_parse(rests: list[bytes], dims: int) -> npt.NDArray[np.float32] | None:
    """The block's numbers in one call, or None if any line is not exactly ``dims`` numbers."""
    spaces = dims - 1
    if any(rest.count(b" ") != spaces for rest in rests):
        return None
    try:
        values = np.fromstring(b" ".join(rests), dtype=np.float32, sep=" ")
    except ValueError:
        return None
    if values.size != len(rests) * dims:
        return None
    return values.reshape(len(rests), dims)


def _slow_parse(collector: Collector, rests: list[bytes],
                numbers: list[int]) -> npt.NDArray[np.float32]:
    """Line by line, to report the first bad line exactly."""
    dims = collector.dims
    block = np.empty((len(rests), dims), dtype=np.float32)
    for index, rest in enumerate(rests):
        try:
            values = np.fromstring(rest, dtype=np.float32, sep=" ") if rest else np.empty(0)
        except ValueError:
            bad = next((token for token in rest.split() if not _is_number(token)), rest[:20])
            raise collector.error(f"non-numeric value {bad.decode('utf-8', 'replace')!r}",
                                  numbers[index]) from None
        if values.size != dims:
            many = "many" if values.size > dims else "few"
            raise collector.error(f"too {many} numbers: {values.size}, expected {dims}",
                                  numbers[index])
        block[index] = values
    return block


def _is_number(token: bytes) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True

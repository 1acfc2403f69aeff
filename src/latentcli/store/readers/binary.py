"""word2vec binary files: a text header ``count dims``, then per word ``word<space>`` + float32s.

Rows are located with one ``bytes.find`` each and their floats gathered with one join per chunk,
so the per-row Python work is a few attribute lookups; the floats are never parsed one by one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from latentcli.core.progress import Progress
from latentcli.errors import BadVectorFile
from latentcli.store.readers.collect import Collector, Vectors
from latentcli.store.readers.stream import Input
from latentcli.store.readers.text import parse_header

MAX_WORD_BYTES = 1 << 16


def read_binary(path: Path, limit: int | None, progress: Progress) -> Vectors:
    with Input(path) as source:
        data = source.read()
        end = data.find(b"\n")
        header = parse_header(data[:end]) if end > 0 else None
        if header is None or header[0] < 1 or header[1] < 1:
            raise BadVectorFile(path, "not a word2vec binary header", offset=0)
        declared, dims = header
        row_bytes = dims * 4
        needed = declared * (row_bytes + 2)  # each row: a word, a space, the floats
        if source.compression is None and needed > source.size - end - 1:
            raise BadVectorFile(path, f"the header promises {declared} words of {dims} "
                                      f"dimensions (at least {needed} bytes) but only "
                                      f"{source.size - end - 1} follow (truncated?)",
                                offset=source.size)
        collector = Collector(path, min(declared, limit) if limit else declared, dims,
                              unit="offset")
        base = 0  # file offset of data[0]
        pos = end + 1
        rows = 0
        while rows < declared and not collector.full:
            words: list[bytes] = []
            starts: list[int] = []
            add_word, add_start, find, size = words.append, starts.append, data.find, len(data)
            wanted = declared - rows
            while wanted:
                space = find(b" ", pos, pos + MAX_WORD_BYTES)
                if space < 0 or space + 1 + row_bytes > size:
                    if space < 0 and size - pos >= MAX_WORD_BYTES:
                        raise BadVectorFile(path, "no word separator within 64 KiB: "
                                                  "not a word2vec binary row",
                                            offset=base + pos)
                    break
                add_word(data[pos:space].lstrip(b"\n"))
                pos = space + 1
                add_start(pos)
                pos += row_bytes
                wanted -= 1
            if words:
                view = memoryview(data)
                raw = b"".join([view[start : start + row_bytes] for start in starts])
                block = np.frombuffer(raw, dtype="<f4").reshape(len(words), dims)
                collector.add(words, block, (np.array(starts) + base).tolist())
                rows += len(words)
                progress(source.consumed())
                if collector.full or rows == declared:
                    break
            more = source.read()
            if not more:
                raise BadVectorFile(path, f"the header promises {declared} words but the file "
                                          f"ends after {rows} (truncated?)",
                                    offset=base + len(data))
            base += pos
            data = data[pos:] + more
            pos = 0
        return collector.result(source.kind("word2vec-binary"))

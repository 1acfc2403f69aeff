"""GGUF files byte by byte, for headers no writer would produce: counts and lengths that claim more
than the file holds (header bombs), unknown types, text that is not UTF-8.

`header` assembles a file from parts written with `string`, `pair`, `array` and `tensor`; a count
given explicitly is written as given, whatever follows it. `grown` makes a model of gigabytes that
takes no disk (a sparse file), for running out of memory and for killing a long conversion. Files
that are well formed but hold wrong settings, shapes or values are written with
`decoder_files.write_gguf` instead.
"""

from __future__ import annotations

import math
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np

U32, I32, F32, BOOL, STRING, ARRAY = 4, 5, 6, 7, 8, 9  # value types
F32_TENSOR, F16_TENSOR, Q8_0_TENSOR = 0, 1, 8  # tensor types
SIZES = {F32_TENSOR: 4, F16_TENSOR: 2}  # bytes a value (unquantized types)


def string(text: str | bytes, length: int | None = None) -> bytes:
    """A GGUF string: its byte length (``length`` if given) and its bytes."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return struct.pack("<Q", len(data) if length is None else length) + data


def pair(key: str | bytes, kind: int, value: bytes) -> bytes:
    """A key/value pair: the key, the value's type and its bytes as given."""
    return string(key) + struct.pack("<I", kind) + value


def array(kind: int, items: bytes, count: int) -> bytes:
    """An array's type, count (as declared) and items (as given)."""
    return struct.pack("<IQ", kind, count) + items


def tensor(name: str, dims: tuple[int, ...], kind: int = F32_TENSOR, offset: int = 0,
           dimensions: int | None = None) -> bytes:
    """A tensor info: name, dimension count (``dimensions`` if given), dimensions (innermost
    first), type and offset."""
    count = len(dims) if dimensions is None else dimensions
    return (string(name) + struct.pack("<I", count) + struct.pack(f"<{len(dims)}Q", *dims)
            + struct.pack("<IQ", kind, offset))


def header(pairs: list[bytes], tensors: list[bytes] | None = None, data: bytes = b"", *,
           counts: tuple[int, int] | None = None, version: int = 3, magic: bytes = b"GGUF",
           alignment: int = 32) -> bytes:
    """A whole file: magic, version, the tensor and pair counts (``counts`` if given, else
    those of the parts), the pairs, the tensor infos, padding to ``alignment``, the data."""
    tensors = tensors or []
    tensor_count, pair_count = counts or (len(tensors), len(pairs))
    head = (magic + struct.pack("<IQQ", version, tensor_count, pair_count) + b"".join(pairs)
            + b"".join(tensors))
    return head + b"\0" * (-len(head) % alignment) + data


def text_pair(key: str, value: str | bytes) -> bytes:
    return pair(key, STRING, string(value))


def u32_pair(key: str, value: int) -> bytes:
    return pair(key, U32, struct.pack("<I", value))


LLAMA = text_pair("general.architecture", "llama")


def typed(value: Any) -> tuple[int, bytes]:
    """A value as `gguf_file.read_gguf` gives it, as its type and bytes again."""
    if isinstance(value, bool):
        return BOOL, struct.pack("<?", value)
    if isinstance(value, int):
        return (U32, struct.pack("<I", value)) if value >= 0 else (I32, struct.pack("<i", value))
    if isinstance(value, float):
        return F32, struct.pack("<f", value)
    if isinstance(value, str):
        return STRING, string(value)
    if isinstance(value, list):
        return ARRAY, array(STRING, b"".join(map(string, value)), len(value))
    kinds = {np.dtype("<i4"): I32, np.dtype("<u4"): U32, np.dtype("<f4"): F32}
    return ARRAY, array(kinds[value.dtype], value.astype(value.dtype.newbyteorder("<"))
                        .tobytes(), len(value))


def grown(source: Path, target: Path, name: str, rows: int, kind: int = F16_TENSOR) -> Path:
    """A copy of the GGUF file ``source`` whose tensor ``name`` has ``rows`` rows of zeros of
    type ``kind``, written last as a hole in the file: a file of gigabytes that takes no disk."""
    from latentcli.networks.decoder.convert import ggml_types
    from latentcli.networks.decoder.gguf_file import read_gguf

    gguf = read_gguf(source, ggml_types())
    infos, data = [], bytearray()
    for info in gguf.tensors.values():
        if info.name != name:
            data += b"\0" * (-len(data) % 32)
            infos.append(tensor(info.name, info.shape[::-1], info.kind, len(data)))
            data += gguf.raw(info).tobytes()
    shape = (*gguf.tensors[name].shape[1:][::-1], rows)
    data += b"\0" * (-len(data) % 32)
    infos.append(tensor(name, shape, kind, len(data)))
    content = header([pair(key, *typed(value)) for key, value in gguf.fields.items()], infos,
                     bytes(data))
    target.write_bytes(content)
    os.truncate(target, len(content) + math.prod(shape) * SIZES[kind])
    return target

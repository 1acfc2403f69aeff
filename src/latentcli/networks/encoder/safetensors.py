"""Read a ``.safetensors`` file with numpy alone: no pickle, no torch, nothing executed.

The format is an 8-byte little-endian header length, a JSON header mapping tensor names to
``{"dtype", "shape", "data_offsets"}`` (offsets relative to the end of the header), then the raw
little-endian bytes. The file is memory-mapped; float tensors come back as float32 (F16 and BF16
are widened), integer tensors keep their type. Every header field is checked against the file
before any byte is interpreted, so a garbled file fails with one line naming it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from latentcli.errors import BadVectorFile

# safetensors dtype name -> numpy dtype of the stored bytes (little-endian); BF16 is read as uint16.
STORED_DTYPES: dict[str, str] = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2",
    "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?",
}
FLOAT_DTYPES = frozenset({"F64", "F32", "F16", "BF16"})
MAX_HEADER_BYTES = 100 << 20  # the reference implementation's own limit


@dataclass(frozen=True)
class Stored:
    """One tensor as the file holds it: its dtype name and its bytes, memory-mapped."""

    dtype: str
    raw: np.ndarray[Any, Any]  # viewed as the stored type (BF16 as uint16), in its shape

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.raw.shape)

    def array(self) -> np.ndarray[Any, Any]:
        """The tensor: floats as float32 (widened, or the memory map itself for F32)."""
        return _as_float32(self.raw, self.dtype) if self.dtype in FLOAT_DTYPES else self.raw


def read_safetensors(path: Path) -> dict[str, np.ndarray[Any, Any]]:
    """Every tensor in ``path`` by name; floats as float32 (F32 ones are read-only memory maps)."""
    return {name: stored.array() for name, stored in stored_tensors(path).items()}


def stored_tensors(path: Path) -> dict[str, Stored]:
    """Every tensor in ``path`` by name, as stored (nothing is read until it is used: a
    converter widens one tensor at a time)."""
    header, data = _open(path)
    tensors: dict[str, Stored] = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype, shape, begin, end = _entry(path, name, entry, data.size)
        tensors[name] = Stored(dtype, data[begin:end].view(STORED_DTYPES[dtype]).reshape(shape))
    return tensors


def _open(path: Path) -> tuple[dict[str, Any], np.ndarray[Any, Any]]:
    """The parsed header and the data section as a uint8 memory map."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            prefix = handle.read(8)
            if len(prefix) < 8:
                raise BadVectorFile(path, "not a safetensors file: shorter than its 8-byte header")
            length = int.from_bytes(prefix, "little")
            if length > min(size - 8, MAX_HEADER_BYTES):
                raise BadVectorFile(path, f"not a safetensors file: header length {length} "
                                          f"does not fit in a {size}-byte file")
            text = handle.read(length)
    except OSError as error:
        raise BadVectorFile(path, f"cannot read: {error.strerror or error}") from error
    try:
        header = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadVectorFile(path, f"not a safetensors file: header is not JSON ({error})",
                            offset=8) from error
    if not isinstance(header, dict):
        raise BadVectorFile(path, "not a safetensors file: header is not a JSON object", offset=8)
    if size - 8 - length == 0:
        return header, np.zeros(0, dtype=np.uint8)
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + length)
    return header, data


def _entry(path: Path, name: str, entry: Any, available: int) -> tuple[str, list[int], int, int]:
    """A header entry's dtype, shape and byte range, each checked against the file."""
    def bad(problem: str) -> BadVectorFile:
        return BadVectorFile(path, f"corrupt safetensors header: tensor {name!r} {problem}")

    if not isinstance(entry, dict):
        raise bad("is not described by an object")
    dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if dtype not in STORED_DTYPES:
        raise bad(f"has unsupported dtype {dtype!r} (supported: {', '.join(STORED_DTYPES)})")
    if not (isinstance(shape, list)
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)):
        raise bad(f"has an invalid shape {shape!r}")
    if not (isinstance(offsets, list) and len(offsets) == 2
            and all(isinstance(n, int) and not isinstance(n, bool) for n in offsets)):
        raise bad(f"has invalid data_offsets {offsets!r}")
    begin, end = offsets
    if not 0 <= begin <= end <= available:
        raise bad(f"has data_offsets {offsets} outside the {available}-byte data section")
    expected = math.prod(shape) * np.dtype(STORED_DTYPES[dtype]).itemsize
    if end - begin != expected:
        raise bad(f"of shape {shape} and dtype {dtype} needs {expected} bytes, "
                  f"its offsets span {end - begin}")
    return dtype, shape, begin, end


def _as_float32(raw: np.ndarray[Any, Any], dtype: str) -> np.ndarray[Any, Any]:
    """The stored floats widened (or kept, for F32) to float32."""
    if dtype == "F32":
        return raw
    if dtype == "BF16":
        return (raw.astype(np.uint32) << 16).view(np.float32)
    return raw.astype(np.float32)

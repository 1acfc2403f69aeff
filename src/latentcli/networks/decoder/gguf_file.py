"""A GGUF file's header, read with every count it declares checked against the file's size first.

A GGUF header is counts and lengths, each followed by what it counts (key/value pairs, strings,
array elements, tensor infos), then the tensors' data. A crafted file can declare anything: a
396-byte file a 2⁴⁰-element array. The ``gguf`` package's reader believes the counts (it loops
over a declared array, allocating a part per element, until memory is gone), so latent reads the
header itself: before anything is read or allocated, the count times the least each element
takes is held against the bytes left, and each tensor's shape times its type's size against the
data the file holds. What is read is then at most a few times the file's own size, and anything
off is one `GGUFError` saying what and where. The ``gguf`` package still knows the quantization
types (handed in as `TensorType`s) and dequantizes the blocks (`decoder.convert`).

The format (versions 2 and 3, little-endian): ``GGUF``, the version (u32), the tensor and
key/value counts (u64), the key/value pairs (a string key, a u32 type, the value), the tensor
infos (a string name, a u32 dimension count, u64 dimensions innermost first, a u32 type, a u64
offset), then the data, from the next multiple of ``general.alignment`` (32 unless given) on.
A string is a u64 byte length and UTF-8 bytes; an array a u32 element type, a u64 count, the
elements.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from latentcli.errors import clip
from latentcli.networks.arrays import Array

STRING, ARRAY = 8, 9
# value type → its struct format (numpy reads the same codes): u8 i8 u16 i16 u32 i32 f32 bool
# u64 i64 f64
SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q",
           11: "<q", 12: "<d"}
U32, U64 = 4, 10
VERSIONS = (2, 3)
MAX_DIMS = 4  # ggml's
DEFAULT_ALIGNMENT = 32
SMALLEST_PAIR = 8 + 4 + 1  # an empty key, its type, a one-byte value
SMALLEST_TENSOR = 8 + 4 + 8 + 4 + 8  # an empty name, one dimension, its type and offset


class GGUFError(Exception):
    """A file that is not a GGUF file latent can read; the message says what is wrong where."""


class TensorType(NamedTuple):
    """A ggml tensor type: its values come in blocks of ``block`` taking ``size`` bytes."""

    name: str
    block: int
    size: int


@dataclass(frozen=True)
class TensorInfo:
    """One tensor as the header declares it, checked to lie within the file."""

    name: str
    shape: tuple[int, ...]  # outermost first, as numpy has it (the file lists them innermost)
    kind: int  # the ggml type (F32, Q8_0…)
    start: int  # where its data begins in the file
    size: int  # its data's bytes


@dataclass(frozen=True)
class GGUF:
    """A GGUF file's key/value pairs (a number, a bool, a string, a numpy array of numbers or a
    list of strings) and its tensors, whose data is memory-mapped."""

    fields: dict[str, Any]
    tensors: dict[str, TensorInfo]
    data: np.memmap[Any, np.dtype[np.uint8]]

    def raw(self, tensor: TensorInfo) -> Array:
        """The tensor's bytes, as the file holds them."""
        return np.asarray(self.data[tensor.start : tensor.start + tensor.size])


def read_gguf(path: Path, types: Mapping[int, TensorType]) -> GGUF:
    """The header of the GGUF file at ``path``, whose tensors are of ``types`` (by their ggml
    number); `GGUFError` if it is not one or declares more than it holds. Only the header is
    read: the data is mapped."""
    size = path.stat().st_size
    if size < 24:
        raise GGUFError(f"it is too short to be a GGUF file ({size} bytes)")
    data = np.memmap(path, dtype=np.uint8, mode="r")
    cursor = _Cursor(memoryview(data.data), size)
    if cursor.take(4) != b"GGUF":
        raise GGUFError("it is not a GGUF file (it does not begin with 'GGUF')")
    version = cursor.scalar(U32, "version")
    if version not in VERSIONS:
        swapped = int.from_bytes(version.to_bytes(4, "little"), "big")
        raise GGUFError("it is a big-endian GGUF file; latent reads little-endian ones"
                        if swapped in VERSIONS else
                        f"it is GGUF version {version}; latent reads versions 2 and 3")
    tensor_count = cursor.scalar(U64, "the tensor count")
    pair_count = cursor.scalar(U64, "the key/value count")
    cursor.need(pair_count * SMALLEST_PAIR + tensor_count * SMALLEST_TENSOR,
                f"{pair_count:,} key/value pairs and {tensor_count:,} tensors (at least)")
    fields: dict[str, Any] = {}
    for _ in range(pair_count):
        key = cursor.string("a key")
        label = clip(key)  # a name in the file can be any length
        if key in fields:
            raise GGUFError(f"the key {label} appears twice")
        fields[key] = cursor.value(cursor.scalar(U32, f"{label}'s type"), label)
    declared = [_tensor_info(cursor, types) for _ in range(tensor_count)]
    alignment = fields.get("general.alignment", DEFAULT_ALIGNMENT)
    if (isinstance(alignment, bool) or not isinstance(alignment, int) or alignment < 1
            or alignment & (alignment - 1)):
        raise GGUFError(f"general.alignment is {alignment!r}, not a power of two")
    start = -(-cursor.position // alignment) * alignment
    tensors: dict[str, TensorInfo] = {}
    for name, shape, kind, offset, nbytes in declared:
        if name in tensors:
            raise GGUFError(f"the tensor {clip(name)} appears twice")
        if start + offset + nbytes > size:
            raise GGUFError(f"the tensor {clip(name)}'s {nbytes:,} bytes at offset {offset:,} "
                            f"run past the end of the file ({size - start:,} bytes of data)")
        tensors[name] = TensorInfo(name, shape, kind, start + offset, nbytes)
    return GGUF(fields, tensors, data)


def _tensor_info(cursor: _Cursor, types: Mapping[int, TensorType]
                 ) -> tuple[str, tuple[int, ...], int, int, int]:
    """One tensor info: name, shape (outermost first), type, offset and data bytes, its
    dimensions and type checked."""
    name = cursor.string("a tensor name")
    label = clip(name)
    dimensions = cursor.scalar(U32, f"the tensor {label}'s dimension count")
    if not 1 <= dimensions <= MAX_DIMS:
        raise GGUFError(f"the tensor {label} has {dimensions:,} dimensions (1 to {MAX_DIMS})")
    shape = tuple(cursor.scalar(U64, f"the tensor {label}'s shape") for _ in range(dimensions))
    kind = cursor.scalar(U32, f"the tensor {label}'s type")
    offset = cursor.scalar(U64, f"the tensor {label}'s offset")
    if min(shape) < 1:
        raise GGUFError(f"the tensor {label} has a dimension of 0")
    if kind not in types:
        raise GGUFError(f"the tensor {label} is of type {kind}, which ggml does not know")
    tensor_type = types[kind]
    if shape[0] % tensor_type.block:
        raise GGUFError(f"the tensor {label}'s rows of {shape[0]:,} values do not divide into "
                        f"blocks of {tensor_type.block} (its type is {tensor_type.name})")
    nbytes = math.prod(shape) // tensor_type.block * tensor_type.size
    return name, shape[::-1], kind, offset, nbytes


class _Cursor:
    """Reads a GGUF header front to back, refusing any count that would read past its end."""

    def __init__(self, buffer: memoryview, size: int) -> None:
        self.buffer = buffer
        self.size = size
        self.position = 0

    def need(self, count: int, what: str) -> None:
        left = self.size - self.position
        if count > left:
            raise GGUFError(f"{what}: {count:,} bytes declared, only {left:,} left in the file "
                            f"(at byte {self.position:,})")

    def take(self, count: int) -> bytes:
        self.need(count, "the header")
        start = self.position
        self.position += count
        return self.buffer[start : self.position].tobytes()

    def scalar(self, kind: int, what: str) -> Any:
        """One value of the scalar type ``kind``."""
        code = SCALARS[kind]
        size = struct.calcsize(code)
        self.need(size, what)
        (value,) = struct.unpack_from(code, self.buffer, self.position)
        self.position += size
        return value

    def string(self, what: str) -> str:
        length = self.scalar(U64, what)
        self.need(length, what)
        start = self.position
        self.position += length
        try:
            return str(self.buffer[start : self.position], "utf-8")
        except UnicodeDecodeError:
            raise GGUFError(f"{what} is not valid UTF-8 (at byte {start:,})") from None

    def value(self, kind: int, key: str) -> Any:
        """The value of the key ``key``, of type ``kind``."""
        if kind in SCALARS:
            return self.scalar(kind, key)
        if kind == STRING:
            return self.string(key)
        if kind != ARRAY:
            raise GGUFError(f"{key} has the value type {kind}, which GGUF does not define")
        element = self.scalar(U32, f"{key}'s element type")
        count = self.scalar(U64, f"{key}'s length")
        if element == STRING:
            self.need(count * 8, f"{key} ({count:,} strings of 8 bytes or more)")
            return [self.string(f"{key}[{i}]") for i in range(count)]
        if element not in SCALARS:
            raise GGUFError(f"{key} is an array of value type {element}, which latent does not "
                            "read (GGUF arrays hold numbers or strings)")
        code = SCALARS[element]
        size = struct.calcsize(code)
        self.need(count * size, f"{key} ({count:,} elements of {size} bytes)")
        array = np.frombuffer(self.buffer, dtype=code, count=count, offset=self.position).copy()
        self.position += count * size
        return array

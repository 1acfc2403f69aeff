"""The safetensors reader: every float dtype widened exactly, and garbled files named in one line.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from encoder_files import TINY_BERT, write_safetensors
from latentcli.errors import BadVectorFile, LatentError
from latentcli.networks.encoder.safetensors import read_safetensors


def test_reads_f32_f16_bf16_and_integers(tmp_path: Path) -> None:
    values = np.array([[0.5, -1.25, 3.0], [2.0**-7, 65280.0, -0.0]], dtype=np.float32)
    bf16 = (values.view(np.uint32) >> 16).astype(np.uint16)  # exact: these values fit in bf16
    path = tmp_path / "m.safetensors"
    write_safetensors(path, {"f32": ("F32", values), "f16": ("F16", values.astype(np.float16)),
                             "bf16": ("BF16", bf16), "i64": ("I64", np.arange(4)),
                             "empty": ("F32", np.zeros((0, 3), np.float32))})
    tensors = read_safetensors(path)
    assert tensors["f32"].dtype == np.float32
    np.testing.assert_array_equal(tensors["f32"], values)
    np.testing.assert_array_equal(tensors["f16"], values.astype(np.float16).astype(np.float32))
    np.testing.assert_array_equal(tensors["bf16"], values)
    assert tensors["bf16"].dtype == tensors["f16"].dtype == np.float32
    np.testing.assert_array_equal(tensors["i64"], np.arange(4))
    assert tensors["empty"].shape == (0, 3)
    assert "__metadata__" not in tensors


def test_reads_the_fixture_model() -> None:
    tensors = read_safetensors(TINY_BERT / "model.safetensors")
    assert tensors["embeddings.word_embeddings.weight"].shape[1] == 8


def _header(entries: object) -> bytes:
    text = json.dumps(entries).encode()
    return struct.pack("<Q", len(text)) + text


@pytest.mark.parametrize(("content", "problem"), [
    (b"", "shorter than its 8-byte header"),
    (b"\x01\x02", "shorter than its 8-byte header"),
    (struct.pack("<Q", 1 << 40) + b"{}", "does not fit"),
    (struct.pack("<Q", 4) + b"\xff\xfe{}", "header is not JSON"),
    (_header([1, 2]), "not a JSON object"),
    (_header({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}) + b"\0" * 4,
     "outside the 4-byte data section"),
    (_header({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}) + b"\0" * 8,
     "needs 12 bytes"),
    (_header({"w": {"dtype": "Q4", "shape": [1], "data_offsets": [0, 1]}}) + b"\0",
     "unsupported dtype"),
    (_header({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}}), "invalid shape"),
    (_header({"w": {"dtype": "F32", "shape": [1], "data_offsets": [4]}}), "invalid data_offsets"),
    (_header({"w": "F32"}), "is not described by an object"),
], ids=["empty", "short", "huge-header", "not-utf8", "not-object", "offsets-out-of-range",
        "size-mismatch", "unknown-dtype", "negative-shape", "bad-offsets", "bad-entry"])
def test_garbled_file_is_one_line_naming_it(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "broken.safetensors"
    path.write_bytes(content)
    with pytest.raises(BadVectorFile) as caught:
        read_safetensors(path)
    message = str(caught.value)
    assert isinstance(caught.value, LatentError)
    assert str(path) in message and problem in message and "\n" not in message


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BadVectorFile, match=r"nowhere\.safetensors"):
        read_safetensors(tmp_path / "nowhere.safetensors")

"""Shared helpers for the transformer tests: the tiny model fixtures and a safetensors writer."""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data" / "encoder"
TINY_BERT = DATA / "tiny-bert"
TINY_MPNET = DATA / "tiny-mpnet"
TEXTS: list[str] = json.loads((DATA / "texts.json").read_text(encoding="utf-8"))


def copy_model(source: Path, target: Path) -> Path:
    """A writable copy of a fixture model, to break in a test."""
    shutil.copytree(source, target)
    return target


def fetched_builtin(source: Path = TINY_BERT) -> Path:
    """``source``'s files in the cache as the fetched built-in encoder (as if from its wheel)."""
    from latentcli.store.artifacts import install
    from latentcli.store.builtins import MINILM
    from latentcli.store.encoders import EncoderChoice, wheel_artifact
    from latentcli.store.paths import cache_root

    choice = EncoderChoice(MINILM.name, cache_root() / "encoders" / MINILM.name, MINILM)
    install(wheel_artifact(choice), lambda directory: (
        shutil.copytree(source, directory, dirs_exist_ok=True), {"record": {}})[1])
    return choice.directory


def choice_of(path: Path):  # type: ignore[no-untyped-def]
    """The `EncoderChoice` ``-m PATH`` makes of a model directory."""
    from latentcli.store.encoder_spaces import EncoderReference
    from latentcli.store.resolve import resolve

    reference = resolve(str(path))
    assert isinstance(reference, EncoderReference)
    return reference.choice


def write_safetensors(path: Path, tensors: dict[str, tuple[str, np.ndarray]]) -> None:
    """Write ``name -> (dtype name, array of the stored bytes)`` in the safetensors layout."""
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name, (dtype, array) in tensors.items():
        raw = np.ascontiguousarray(array).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))

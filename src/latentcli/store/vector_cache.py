"""The per-text vector cache: each of your texts embedded once per encoder (`latent embed`).

Every vector an encoder makes for a text is kept under ``<cache>/embeddings/<encoder>/`` in
append-only chunks (``.npz``: the texts' SHA-256 keys as an (n, 32) uint8 array, and their float32
rows), each written to a temporary file and renamed into place, so a run that is interrupted adds
nothing and the next run embeds only the texts no chunk holds yet.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from latentcli.core.text_checks import check_text
from latentcli.errors import UsageError
from latentcli.failures import os_message
from latentcli.store.artifacts import atomic_file
from latentcli.store.paths import EMBEDDINGS, cache_root

if TYPE_CHECKING:
    import numpy.typing as npt

    from latentcli.core.progress import Reporter
    from latentcli.store.encoders import EncoderChoice



@dataclass(frozen=True)
class Embedded:
    """The rows of some texts, in their order, and how many the encoder had to compute."""

    matrix: npt.NDArray[np.float32]
    encoded: int


def check_texts(texts: list[str], what: str) -> None:
    """One-line errors for texts latent cannot store: empty (usage), or what `check_text`
    refuses (NUL bytes, not valid UTF-8: bad data, as a file that does not decode)."""
    if not texts:
        raise UsageError(f"{what} holds no texts")
    for number, text in enumerate(texts, 1):
        if not text.strip():
            raise UsageError(f"{what}: text {number} is empty")
        check_text(text, f"{what}: text {number}")


def encoder_identity(choice: EncoderChoice) -> dict[str, Any]:
    """What makes two encoders the same for caching: the built-in by name, else the weights file
    (path, size, modification time), so a changed model is never served old vectors."""
    if choice.builtin is not None:
        return {"builtin": choice.name}
    weights = choice.directory / "model.safetensors"
    stat = weights.stat() if weights.is_file() else None
    return {"directory": str(choice.directory.resolve()),
            "size": stat.st_size if stat else None, "mtime_ns": stat.st_mtime_ns if stat else None}


def _store(choice: EncoderChoice) -> tuple[Path, str]:
    identity = json.dumps(encoder_identity(choice), sort_keys=True)
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:12]
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", choice.name)[:40]
    return cache_root() / EMBEDDINGS / f"{name}-{digest}", identity


def text_key(identity: str, text: str) -> bytes:
    """A text's key in the store: the SHA-256 of the encoder's identity and the text."""
    return hashlib.sha256(f"{identity}\0{text}".encode()).digest()


KEY_BYTES = 32  # a SHA-256 digest


def _chunk_keys(stored: npt.NDArray[Any]) -> list[bytes]:
    """A chunk's keys as bytes. Chunks are written with a (n, 32) uint8 array; older ones hold
    numpy ``S32`` strings, which drop trailing NUL bytes: every key is 32 bytes long, so padding
    them back restores them exactly."""
    if stored.dtype == np.uint8 and stored.ndim == 2 and stored.shape[1] == KEY_BYTES:
        return [row.tobytes() for row in stored]
    if stored.dtype == np.dtype(f"S{KEY_BYTES}") and stored.ndim == 1:
        return [key.ljust(KEY_BYTES, b"\0") for key in stored.tolist()]
    raise ValueError("keys")


def _read_chunks(store: Path, dims: int) -> dict[bytes, npt.NDArray[np.float32]]:
    """Every stored row by key; a chunk that does not read back (damaged) is removed."""
    found: dict[bytes, npt.NDArray[np.float32]] = {}
    for chunk in sorted(store.glob("*.npz")) if store.is_dir() else []:
        try:
            with np.load(chunk, allow_pickle=False) as data:
                keys, rows = _chunk_keys(data["keys"]), data["vectors"]
            if rows.dtype != np.float32 or rows.shape != (len(keys), dims):
                raise ValueError("shape")
        except (OSError, ValueError, KeyError, EOFError):
            with contextlib.suppress(OSError):
                chunk.unlink()
            continue
        found.update(zip(keys, rows, strict=True))
    return found


def _write_chunk(store: Path, keys: list[bytes], rows: npt.NDArray[np.float32]) -> None:
    """Add one chunk, atomically: written aside, then renamed in."""
    store.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(b"".join(keys)).hexdigest()[:16]
    with atomic_file(store / f"{name}.npz") as temporary, temporary.open("wb") as out:
        stored = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), KEY_BYTES)
        np.savez(out, keys=stored, vectors=rows)


def embed_texts(choice: EncoderChoice, texts: list[str], reporter: Reporter) -> Embedded:
    """The encoder's rows for ``texts``: stored ones read back, the others encoded and stored."""
    from latentcli.store.encoders import open_encoder

    encoder = open_encoder(choice, reporter)
    store, identity = _store(choice)
    keys = [text_key(identity, text) for text in texts]
    known = _read_chunks(store, encoder.dims)
    missing = list(dict.fromkeys(key for key in keys if key not in known))
    if missing:
        order = {key: text for key, text in zip(keys, texts, strict=True)}
        with reporter.working(f"Embedding {len(missing)} text(s) with {choice.name}"):
            rows = encoder.encode([order[key] for key in missing])
        known.update(zip(missing, rows, strict=True))
        try:
            _write_chunk(store, missing, rows)
        except OSError as error:
            reporter.note(f"could not store the vectors in {store}: {os_message(error)}")
    matrix = np.empty((len(texts), encoder.dims), dtype=np.float32)
    for row, key in enumerate(keys):
        matrix[row] = known[key]
    return Embedded(matrix, len(missing))

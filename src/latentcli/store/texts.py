"""Your own texts: embedded once per (encoder, text), and named spaces made of them.

Every vector an encoder makes for a text is kept under ``<cache>/embeddings/<encoder>/`` in
append-only chunks (``.npz``: the texts' SHA-256 keys as an (n, 32) uint8 array, and their float32
rows), each written to a
temporary file and renamed into place, so a run that is interrupted adds nothing and the next run
embeds only the texts no chunk holds yet. A named space (``--name faq``) is an ordinary cache
entry under ``<cache>/spaces/NAME/`` whose vocabulary is the texts; its ``meta.json`` records the
encoder that made it (``encoder``), so a query can be encoded the same way.
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

from latentcli.core.text import check_text
from latentcli.errors import ModelError, UsageError
from latentcli.failures import os_message
from latentcli.store.cache import (
    META_FILE,
    LostRace,
    Seen,
    atomic_file,
    cache_root,
    seen,
    write_entry,
)

if TYPE_CHECKING:
    import numpy.typing as npt

    from latentcli.results.models import CachedModel, RemovedModels
    from latentcli.store.encoders import EncoderChoice
    from latentcli.store.resolve import Reporter

SPACES = "spaces"
EMBEDDINGS = "embeddings"
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


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
    if choice.builtin:
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


def space_directory(name: str) -> Path:
    """Where the named space ``name`` lives (whether or not it exists)."""
    return cache_root() / SPACES / name


def named_space(spec: str) -> Path | None:
    """The directory of the named text space ``spec``, if there is one."""
    if _SAFE_NAME.fullmatch(spec) is None:
        return None
    directory = space_directory(spec)
    return directory if (directory / META_FILE).is_file() else None


def check_name(name: str) -> None:
    """A space name must be a safe file name and not a name ``-m`` resolves before spaces
    (`resolve.reserved_name`, compared ignoring case): else the space would shadow a model, or
    never open."""
    from latentcli.store.resolve import reserved_name

    if _SAFE_NAME.fullmatch(name) is None or name in (".", ".."):
        raise UsageError(f"--name {name!r} is not a safe name: use letters, digits, '.', '_' "
                         "and '-' (at most 64, starting with a letter or digit)")
    taken = reserved_name(name, fold=True)
    if taken is not None:
        raise UsageError(f"--name {name!r} is reserved: it names {taken}; choose another")


def space_state(name: str) -> Seen:
    """The space ``name`` as it is now; `save_space` replaces only this."""
    return seen(space_directory(name))


def save_space(name: str, texts: list[str], matrix: npt.NDArray[np.float32],
               choice: EncoderChoice, before: Seen) -> Path:
    """Write the named space atomically, replacing the one there was ``before`` (`space_state`,
    taken before embedding); if another run saved the space meanwhile, its texts are kept and
    this run fails, so that only the run whose texts are kept reports success."""
    target = space_directory(name)
    encoder = {"name": choice.name, "builtin": choice.builtin,
               "directory": None if choice.builtin else str(choice.directory.resolve())}
    digest = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()
    meta = {"name": name, "encoder": encoder,
            "source": {"kind": "texts", "encoder": choice.name, "texts": len(texts),
                       "sha256": digest}}
    try:
        write_entry(target, texts, matrix, meta, replace=before)
    except LostRace:
        raise ModelError(f"another run saved the space {name!r} while this one was embedding: "
                         "its texts were kept and these were not saved (their vectors are "
                         "stored, so running again to replace them is quick)") from None
    except OSError as error:
        raise ModelError(f"cannot write the space {name!r} in {target.parent}: "
                         f"{os_message(error)}") from None
    return target



def listed_spaces() -> list[CachedModel]:
    """The named spaces, for `latent models` (from each meta.json: no matrix is opened)."""
    from latentcli.results.models import CachedModel
    from latentcli.store.cache import InvalidEntry, read_meta

    root = cache_root() / SPACES
    found = []
    for directory in sorted(root.iterdir()) if root.is_dir() else []:
        if directory.name.startswith(".") or not directory.is_dir():
            continue
        try:
            meta = read_meta(directory)
        except (InvalidEntry, OSError):
            continue
        encoder = (meta.get("encoder") or {}).get("name", "an encoder")
        size = sum(meta["files"].values()) + (directory / META_FILE).stat().st_size
        found.append(CachedModel(name=directory.name, key=f"{SPACES}/{directory.name}",
                                 source=f"your texts, embedded with {encoder}",
                                 words=int(meta["count"]), dims=int(meta["dims"]), size=size))
    return found


def remove_space(name: str) -> RemovedModels | None:
    """Delete the named space ``name`` (or its key, ``spaces/NAME``) for `latent models rm`;
    None if there is none."""
    from latentcli.results.models import RemovedModels
    from latentcli.store.cache import discard

    for space in listed_spaces():
        if name in (space.name, space.key):
            discard(space_directory(space.name))
            return RemovedModels(name=name, removed=(space.key,), freed=space.size)
    return None

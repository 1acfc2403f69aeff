"""The on-disk cache format: one directory per model, written atomically, validated on every open.

A model directory holds ``vectors.npy`` (float32, rows L2-normalised), ``norms.npy`` (the original
row norms), the vocabulary files of `latentcli.core.vocabulary`, and ``meta.json``, written last,
which records the format version, the source it came from and the byte size of every other file.

Writers build into a temporary sibling and rename it into place, so readers and racing writers
never see half a model. Opening checks the version and every file's size (cheap: no hashing of the
matrix); anything off makes the entry invalid, and the caller rebuilds it.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from latentcli.core.space import normalise_rows
from latentcli.core.vocabulary import OFFSETS_FILE, SORTED_FILE, WORDS_FILE, write_vocabulary
from latentcli.errors import ModelError

if TYPE_CHECKING:
    import numpy.typing as npt

FORMAT_VERSION = 1
VECTORS_FILE = "vectors.npy"
NORMS_FILE = "norms.npy"
META_FILE = "meta.json"
DATA_FILES = (VECTORS_FILE, NORMS_FILE, WORDS_FILE, OFFSETS_FILE, SORTED_FILE)
CHUNK_BYTES = 1 << 23  # rows are normalised this much at a time: the temporaries stay small


def chunk_rows(dims: int) -> int:
    """How many rows of ``dims`` float32s make about `CHUNK_BYTES`."""
    return max(1, CHUNK_BYTES // (4 * max(1, dims)))


class InvalidEntry(Exception):
    """A cache entry that must not be trusted; the message says why (for the rebuild notice)."""


def user_path(text: str) -> Path:
    """``text`` as a path with ``~`` expanded; a ``~user`` with no home is a `ModelError`."""
    try:
        return Path(text).expanduser()
    except RuntimeError:  # pathlib's way of saying the user or $HOME is unknown
        raise ModelError(f"cannot expand {text!r}: that user's home directory is unknown") from None


def cache_root() -> Path:
    """``$LATENT_CACHE_DIR``, else the platform's user cache directory for latent."""
    configured = os.environ.get("LATENT_CACHE_DIR")
    if configured:
        return user_path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("latent"))


def read_meta(directory: Path) -> dict[str, Any]:
    """The entry's metadata if every file is present with its recorded size; else `InvalidEntry`."""
    try:
        meta = json.loads((directory / META_FILE).read_text("utf-8"))
    except FileNotFoundError:
        raise InvalidEntry("meta.json is missing") from None
    except (OSError, ValueError) as error:
        raise InvalidEntry(f"meta.json is unreadable ({error})") from None
    if not isinstance(meta, dict) or meta.get("format_version") != FORMAT_VERSION:
        found = meta.get("format_version") if isinstance(meta, dict) else None
        raise InvalidEntry(f"format version {found!r} is not {FORMAT_VERSION}")
    sizes = meta.get("files")
    if not isinstance(sizes, dict):
        raise InvalidEntry("meta.json lists no files")
    for name in dict.fromkeys([*DATA_FILES, *sizes]):
        try:
            actual = (directory / name).stat().st_size
        except OSError:
            raise InvalidEntry(f"{name} is missing") from None
        if actual != sizes.get(name):
            raise InvalidEntry(f"{name} has {actual} bytes, expected {sizes.get(name)}")
    return meta


def write_entry(target: Path, words: list[str], matrix: npt.NDArray[np.floating],
                meta: dict[str, Any],
                extras: Mapping[str, npt.NDArray[np.floating]] | None = None) -> None:
    """Convert ``matrix`` (rows in ``words`` order) into a cache entry at ``target``, atomically.

    The matrix is normalised in chunks straight into the memory-mapped output, so a memory-mapped
    source is never loaded whole. If another process installs a valid entry first, ours is dropped.
    ``extras`` are further arrays (such as fastText's n-gram vectors) saved under their names.
    """
    import shutil
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        for name, array in (extras or {}).items():
            np.save(building / name, array)
        _write_files(building, words, matrix, meta, list(extras or {}))
        _install(building, target)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _write_files(directory: Path, words: list[str], matrix: npt.NDArray[np.floating],
                 meta: dict[str, Any], extras: list[str]) -> None:
    count, dims = matrix.shape
    norms = np.empty(count, dtype=np.float32)
    # Plain writes, not a memory map: mapped output pages would count against the process's
    # memory on top of the source matrix (a 3.6 GB model would need twice that resident).
    with open(directory / VECTORS_FILE, "wb") as out:
        np.lib.format.write_array_header_1_0(out, {
            "descr": np.lib.format.dtype_to_descr(np.dtype(np.float32)),
            "fortran_order": False, "shape": (int(count), int(dims))})
        step = chunk_rows(dims)
        for start in range(0, count, step):
            chunk = np.asarray(matrix[start : start + step], dtype=np.float32)
            unit, norms[start : start + len(chunk)] = normalise_rows(chunk)
            out.write(np.ascontiguousarray(unit).data)
    np.save(directory / NORMS_FILE, norms)
    write_vocabulary(directory, words)
    full = {**meta, "format_version": FORMAT_VERSION, "count": int(count), "dims": int(dims),
            "files": {name: (directory / name).stat().st_size
                      for name in [*DATA_FILES, *extras]}}
    (directory / META_FILE).write_text(json.dumps(full, indent=2) + "\n", "utf-8")


def _install(building: Path, target: Path) -> None:
    """Rename ``building`` to ``target``; an invalid entry already there is moved aside first."""
    for _ in range(5):
        try:
            building.rename(target)
            return
        except OSError:
            if not target.exists():
                continue
        try:
            read_meta(target)
            return  # another process won the race with a valid entry: use theirs
        except InvalidEntry:
            discard(target)
    raise OSError(f"could not install the cache entry at {target}")


def discard(entry: Path) -> None:
    """Remove an entry: renamed away first (atomic), so no reader sees it half-deleted."""
    import shutil
    import tempfile

    trash = Path(tempfile.mkdtemp(prefix=f".{entry.name}.trash-", dir=entry.parent))
    with contextlib.suppress(OSError):
        entry.rename(trash / entry.name)
    shutil.rmtree(trash, ignore_errors=True)


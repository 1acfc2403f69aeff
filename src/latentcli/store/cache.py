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
import errno
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Seen:
    """The entry a writer found in place when it began (its meta's ``source``; None: there was
    none, or an invalid one). Writing with ``replace=Seen(...)`` replaces that entry only: if
    another writer installed a different one meanwhile, `LostRace` — both must not report
    success when only one of them is kept."""

    source: dict[str, Any] | None


class LostRace(Exception):
    """Another process installed a different entry while ours was being built."""


def seen(entry: Path) -> Seen:
    """What is at ``entry`` now, for a later ``write_entry(..., replace=seen(entry))``."""
    try:
        return Seen(read_meta(entry)["source"])
    except InvalidEntry:
        return Seen(None)


class InvalidEntry(Exception):
    """A cache entry that must not be trusted; the message says why (for the rebuild notice)."""


class UnusableRow(ValueError):
    """A row whose norm is not finite (its values' squares overflow float32): refused at
    conversion, so no cache entry holds a vector without a direction or a length."""

    def __init__(self, row: int) -> None:
        self.row = row
        super().__init__("is too long: its length overflows float32 (values near 1e19 or more)")


def user_path(text: str) -> Path:
    """``text`` as a path with ``~`` expanded; a ``~user`` with no home is a `ModelError`."""
    try:
        return Path(text).expanduser()
    except RuntimeError:  # pathlib's way of saying the user or $HOME is unknown
        raise ModelError(f"cannot expand {text!r}: that user's home directory is unknown") from None


def directory_size(directory: Path) -> int:
    """Bytes the files under ``directory`` take."""
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


def cache_root() -> Path:
    """``$LATENT_CACHE_DIR``, else the platform's user cache directory for latent."""
    configured = os.environ.get("LATENT_CACHE_DIR")
    if configured:
        return user_path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("latent"))


# What meta.json must hold, by key and type; anything else makes the entry invalid.
META_TYPES: dict[str, type | tuple[type, ...]] = {
    "format_version": int, "count": int, "dims": int, "files": dict, "source": dict, "name": str}
DAMAGED_FILE = "DAMAGED"  # written beside an entry found to hold values that are not numbers


def read_meta(directory: Path) -> dict[str, Any]:
    """The entry's metadata if it is well formed and every file is present with its recorded
    size; else `InvalidEntry`.

    Only content makes an entry invalid. A file that cannot be read for another reason
    (permission, I/O) raises its `OSError`: the entry may be fine, and must not be thrown away.
    """
    try:
        meta = json.loads((directory / META_FILE).read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise InvalidEntry("meta.json is missing") from None
    except (ValueError, RecursionError) as error:  # RecursionError: absurdly nested JSON
        raise InvalidEntry(f"meta.json is unreadable ({type(error).__name__})") from None
    if not isinstance(meta, dict) or meta.get("format_version") != FORMAT_VERSION:
        found = meta.get("format_version") if isinstance(meta, dict) else None
        raise InvalidEntry(f"format version {found!r} is not {FORMAT_VERSION}")
    for key, kind in META_TYPES.items():
        if not isinstance(meta.get(key), kind) or isinstance(meta.get(key), bool):
            raise InvalidEntry(f"meta.json has no valid {key!r}")
    sizes = meta["files"]
    if meta["count"] < 1 or meta["dims"] < 1 or (directory / DAMAGED_FILE).exists():
        raise InvalidEntry("it is marked as damaged or holds no vectors")
    for name in dict.fromkeys([*DATA_FILES, *sizes]):
        try:
            actual = (directory / name).stat().st_size
        except FileNotFoundError:
            raise InvalidEntry(f"{name} is missing") from None
        if actual != sizes.get(name) or isinstance(sizes.get(name), bool):
            raise InvalidEntry(f"{name} has {actual} bytes, expected {sizes.get(name)}")
    return meta


def mark_damaged(directory: Path) -> None:
    """Flag an entry whose content turned out bad at query time, so the next open rebuilds it."""
    with contextlib.suppress(OSError):
        (directory / DAMAGED_FILE).touch()


def write_entry(target: Path, words: list[str], matrix: npt.NDArray[np.floating],
                meta: dict[str, Any],
                extras: Mapping[str, npt.NDArray[np.floating]] | None = None,
                replace: bool | Seen = False) -> None:
    """Convert ``matrix`` (rows in ``words`` order) into a cache entry at ``target``, atomically.

    The matrix is normalised in chunks straight into the memory-mapped output, so a memory-mapped
    source is never loaded whole. If another process installs a valid entry from the same source
    first, ours is dropped — unless ``replace`` (the caller found the entry in place damaged): it
    is replaced, but only once ours is complete. With ``replace=Seen(...)`` (a named space: the
    user's latest texts replace the old ones) only the entry seen at the start is replaced; one
    another process installed meanwhile is kept, and `LostRace` raised, unless it is the same
    as ours.
    ``extras`` are further arrays (such as fastText's n-gram vectors) saved under their names.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep(target.parent)
    with scratch(target, "building") as building:
        for name, array in (extras or {}).items():
            np.save(building / name, array)
        _write_files(building, words, matrix, meta, list(extras or {}))
        _install(building, target, replace)


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
            with np.errstate(over="ignore", invalid="ignore"):  # refused just below
                unit, norms[start : start + len(chunk)] = normalise_rows(chunk)
            finite = np.isfinite(norms[start : start + len(chunk)])
            if not finite.all():
                raise UnusableRow(start + int(np.argmin(finite)))
            out.write(np.ascontiguousarray(unit).data)
    np.save(directory / NORMS_FILE, norms)
    write_vocabulary(directory, words)
    full = {**meta, "format_version": FORMAT_VERSION, "count": int(count), "dims": int(dims),
            "files": {name: (directory / name).stat().st_size
                      for name in [*DATA_FILES, *extras]}}
    (directory / META_FILE).write_text(json.dumps(full, indent=2) + "\n", "utf-8")


def _install(building: Path, target: Path, replace: bool | Seen) -> None:
    """Rename ``building`` to ``target``. An entry already there is kept if it is valid and from
    the same source (another process won the race) and not to be replaced; otherwise it is moved
    aside, now that its replacement exists (for `Seen`: only if it is the entry seen at the
    start). Failures keep their real cause (permission, full disk, long name)."""
    source = json.loads((building / META_FILE).read_text("utf-8")).get("source")
    for _ in range(5):
        try:
            building.rename(target)
            return
        except OSError as error:
            if not target.exists():
                raise error from None
        present = seen(target).source
        if isinstance(replace, Seen):
            if present == source:
                return  # the same entry is in place: ours adds nothing
            if present != replace.source:
                raise LostRace(str(target))
        elif not replace and present == source:
            return
        discard(target)
        # from now on, an entry in place was put there by another process
        replace = Seen(None) if isinstance(replace, Seen) else False
    raise OSError(errno.EEXIST, "another process keeps replacing the cache entry", str(target))


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary sibling of ``path`` to write: renamed onto ``path`` when the block ends
    normally, removed however it ends, so no reader ever sees half a file (the file-sized
    `scratch`; the name is only chosen here, the writer creates it inside the guard).

    A symbolic link is written through: the file it points to is replaced and the link kept.
    An `OSError` about the temporary file is raised about ``path`` instead: the hidden name
    means nothing to the user (a missing folder, ``path`` being a directory)."""
    import secrets

    if path.is_symlink():
        path = path.resolve()
    temporary = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.partial"
    try:
        yield temporary
        os.replace(temporary, path)
    except OSError as error:
        if temporary.name not in f"{error.filename} {error.filename2} {error}":
            raise
        if error.errno is None:
            raise OSError(str(error).replace(str(temporary), str(path))) from None
        raise OSError(error.errno, os.strerror(error.errno), str(path)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


@contextlib.contextmanager
def scratch(entry: Path, purpose: str) -> Iterator[Path]:
    """A new hidden sibling of ``entry`` for building or trashing, removed on the way out however
    the way out comes (a signal too: the directory is created inside the guarded region, so no
    moment exists where it is there but unguarded). Named with our process id so that `sweep`
    can tell whether its owner is still alive."""
    import secrets
    import shutil

    path = entry.parent / f".{entry.name}.{purpose}-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        path.mkdir()
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def check_writable(entry: Path) -> None:
    """Raise the `OSError` that writing ``entry`` would meet (read-only cache, permissions)
    before any work is spent on its content: a scratch directory is made beside it and removed."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    with scratch(entry, "building"):
        pass


def discard(entry: Path) -> None:
    """Remove an entry: renamed away first (atomic), so no reader sees it half-deleted."""
    with scratch(entry, "trash") as trash, contextlib.suppress(OSError):
        entry.rename(trash / entry.name)


_SCRATCH = re.compile(r"\.(?P<entry>.+)\.(?P<purpose>building|trash)-(?P<pid>[0-9]+)-[^.]*")
STALE_SECONDS = 3600


def leftovers(models: Path) -> list[tuple[Path, str, int]]:
    """Scratch directories under ``models``: (path, purpose, owner pid; 0 if unknown)."""
    found = []
    for path in models.iterdir() if models.is_dir() else []:
        match = _SCRATCH.fullmatch(path.name)
        if match is not None:
            found.append((path, match["purpose"], int(match["pid"])))
        elif re.fullmatch(r"\..+\.(building|trash)-[^.]*", path.name):  # from older versions
            found.append((path, "building" if ".building-" in path.name else "trash", 0))
    return found


def sweep(models: Path) -> None:
    """Remove scratch directories whose owner is gone (killed mid-build) or that are over an
    hour old; a live process's build is left alone."""
    import shutil
    import time

    for path, _, pid in leftovers(models):
        with contextlib.suppress(OSError):
            if not _alive(pid) or time.time() - path.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours
        return True
    return True


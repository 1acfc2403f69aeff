"""Cache entries: a model's words and unit vectors in latent's own format, built once per source.

A `Source` says where a model's vectors come from (a fingerprint) and how to read them (``load``,
into a `Loaded`); its entry, ``<cache>/models/<key>/``, is opened if it is valid and was built
from the same fingerprint, else (re)built: written aside and renamed into place, so a failed or
killed conversion leaves no entry. Opening checks what is cheap enough for every run
(`_checked_space`); `Space.damaged` reports what it finds later.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from latentcli.core.space import Space
from latentcli.core.subwords import NGRAMS_FILE, Subwords
from latentcli.core.vocabulary import Vocabulary
from latentcli.errors import BadVectorFile, ModelError
from latentcli.failures import os_message
from latentcli.store.cache import (
    NORMS_FILE,
    VECTORS_FILE,
    InvalidEntry,
    UnusableRow,
    cache_root,
    check_writable,
    mark_damaged,
    read_meta,
    write_entry,
)

if TYPE_CHECKING:
    import numpy.typing as npt

    from latentcli.core.progress import Reporter
    from latentcli.core.text_encoder import TextEncoder


@dataclass(frozen=True)
class Loaded:
    """A model's words and raw rows, ready for conversion, and anything the user should hear."""

    words: list[str]
    matrix: npt.NDArray[np.floating]
    notes: tuple[str, ...] = ()
    subwords: Subwords | None = None
    complete: bool = True  # False: --limit cut the model short (else the limit changed nothing)

    def limited(self, limit: int | None) -> Loaded:
        """The first ``limit`` words, noting whether that left any out."""
        if limit is None or len(self.words) <= limit:
            return self
        return Loaded(self.words[:limit], self.matrix[:limit], self.notes, self.subwords, False)


@dataclass(frozen=True)
class Source:
    """Where a model's vectors come from, and how to read them into memory for conversion.

    ``load`` reports its own progress (downloading, reading) through the reporter it is given;
    ``encoder``: what the opened space can do with other texts (a transformer's space).
    """

    name: str
    key: str
    load: Callable[[Reporter], Loaded]
    fingerprint: dict[str, Any] = field(default_factory=dict)
    encoder: TextEncoder | None = None


def file_fingerprint(path: Path) -> dict[str, Any]:
    """What tells a changed file from the one an entry was built from, without reading it."""
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def limited_key(key: str, limit: int | None) -> str:
    """The entry key of a model cut to its first ``limit`` words."""
    return f"{key}-first{limit}" if limit else key


def sanitised(name: str) -> str:
    """``name`` as part of an entry's directory name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:60]


def writable(source: Source) -> Source:
    """``source``, once its cache entry is known to be writable: a read-only cache is reported
    before the model is read or embedded, not after."""
    entry = cache_root() / "models" / source.key
    try:
        check_writable(entry)
    except OSError as error:
        raise _unwritable(entry, error) from None
    return source


def _unwritable(entry: Path, error: OSError) -> ModelError:
    return ModelError(f"cannot write the model cache in {entry.parent}: {os_message(error)}")


def build_entry(source: Source, loaded: Loaded, reporter: Reporter) -> Space:
    """Write ``loaded`` as the cache entry of ``source`` (aside, then renamed) and open it."""
    entry = cache_root() / "models" / source.key
    meta: dict[str, Any] = {"name": source.name, "source": source.fingerprint}
    extras = {}
    if loaded.subwords is not None:
        meta["subwords"] = {"min_n": loaded.subwords.min_n, "max_n": loaded.subwords.max_n}
        extras[NGRAMS_FILE] = loaded.subwords.vectors
    with reporter.working(f"Writing {source.name} into the cache (once)"):
        try:
            write_entry(entry, loaded.words, loaded.matrix, meta, extras,
                        replace=entry.exists())
        except OSError as error:
            raise _unwritable(entry, error) from None
        except UnusableRow as bad:
            raise BadVectorFile(source.name, f"the vector of {loaded.words[bad.row]!r} (row "
                                f"{bad.row + 1}) {bad}") from None
    for note in loaded.notes:
        reporter.note(note)
    try:
        return _open_entry(source, entry)
    except InvalidEntry as why:
        raise ModelError(f"the cache entry {entry} is unusable after building: {why}") from None


def valid_entry(source: Source, reporter: Reporter) -> Space | None:
    """The cache entry of ``source`` if it is valid; None (with a note if it was damaged) if it
    must be built. The damaged entry stays until its replacement is installed."""
    entry = cache_root() / "models" / source.key
    try:
        return _open_entry(source, entry)
    except InvalidEntry as why:
        if entry.exists():
            reporter.note(f"the cached copy of {source.name} is invalid ({why}); rebuilding it")
        return None


def opened_entry(source: Source, reporter: Reporter) -> Space:
    """The cache entry of ``source``, built first if it is missing or invalid."""
    return valid_entry(source, reporter) or build_entry(source, writable(source).load(reporter),
                                                        reporter)


def open_directory(directory: Path, encoder: TextEncoder | None = None,
                   of_texts: bool = False) -> Space:
    """A directory in latent's format (``-m DIR``, a named space) as it is: nothing rebuilds
    it, so a problem is a `ModelError`."""
    try:
        return _checked_space(directory, read_meta(directory), encoder, of_texts)
    except InvalidEntry as why:
        raise ModelError(f"{directory} is not a usable latent model directory: {why}") from None


def _open_entry(source: Source, entry: Path) -> Space:
    meta = read_meta(entry)
    if meta.get("source") != source.fingerprint:
        raise InvalidEntry("its source has changed")
    return _checked_space(entry, {**meta, "name": source.name}, source.encoder)


def _checked_space(directory: Path, meta: dict[str, Any], encoder: TextEncoder | None = None,
                   of_texts: bool = False) -> Space:
    """The entry as a `Space`, after the checks that are cheap enough for every open: shapes,
    dtypes, the vocabulary files (`Vocabulary.problem`) and finite norms (a NaN row in the matrix
    has a NaN norm). Bad content is `InvalidEntry`; an `OSError` other than a missing file
    (permission, I/O) propagates, so the entry is not thrown away for it."""
    shape = meta.get("subwords")
    try:
        vocabulary = Vocabulary.open(directory)
        vectors = np.load(directory / VECTORS_FILE, mmap_mode="r")
        norms = np.load(directory / NORMS_FILE, mmap_mode="r")
        subwords = (Subwords(np.load(directory / NGRAMS_FILE, mmap_mode="r"),
                             int(shape["min_n"]), int(shape["max_n"]))
                    if isinstance(shape, dict) else None)
    except FileNotFoundError as error:
        raise InvalidEntry(f"a file is missing: {error.filename}") from None
    except (ValueError, KeyError, TypeError, EOFError) as error:
        raise InvalidEntry(f"a file does not open: {error}") from None
    space = Space(str(meta.get("name", directory.name)), vocabulary, vectors, norms, subwords,
                  on_damage=lambda: mark_damaged(directory), encoder=encoder, of_texts=of_texts)
    if (space.vectors.shape != (meta["count"], meta["dims"]) or len(space) != meta["count"]
            or space.norms.shape != (meta["count"],) or space.vectors.dtype != np.float32
            or space.norms.dtype != np.float32):
        raise InvalidEntry("the files disagree on the model's size")
    problem = space.vocabulary.problem()
    if problem is None and not np.isfinite(space.norms).all():
        problem = "norms.npy holds values that are not finite"
    if space.subwords is not None and (space.subwords.vectors.ndim != 2
                                       or space.subwords.vectors.shape[1] != meta["dims"]):
        problem = "the subword vectors do not match the model"
    if problem is not None:
        raise InvalidEntry(problem)
    return space

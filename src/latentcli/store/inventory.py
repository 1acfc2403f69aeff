"""What is in the cache and the catalogue, one model in detail, and removing cache entries.

Listing reads only each entry's ``meta.json`` and file sizes: it never opens a matrix.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from latentcli import DEFAULT_MODEL
from latentcli.errors import LatentError, ModelError, UsageError
from latentcli.results.models import (
    CachedModel,
    CatalogueListing,
    EncoderInfo,
    FetchedModel,
    LanguageModelInfo,
    Leftover,
    ModelInfo,
    ModelsListing,
    NormStats,
    RemovedModels,
)
from latentcli.store.cache import (
    InvalidEntry,
    cache_root,
    directory_size,
    discard,
    leftovers,
    read_meta,
    sweep,
)
from latentcli.store.catalogue import CATALOGUE
from latentcli.store.encoders import choose_encoder, encoder_info, encoder_listing, fetch_builtin
from latentcli.store.resolve import open_space
from latentcli.store.sources import BUILTIN, resolve

if TYPE_CHECKING:
    from latentcli.core.progress import Reporter


def describe_source(source: dict[str, Any]) -> str:
    """A fingerprint from meta.json in words: ``file /path``, ``catalogue``, ``package …``."""
    kind = source.get("kind")
    text = {"file": f"file {source.get('path')}", "catalogue": "gensim-data catalogue",
            "builtin": f"package {source.get('package')}",
            "encoder": f"encoder over {source.get('candidates')} candidate words"
            }.get(str(kind), "unknown")
    if kind == "encoder":
        return text
    return f"{text} (first {source['limit']} words)" if source.get("limit") else text


def _entries() -> Iterator[tuple[Path, dict[str, Any]]]:
    """Valid entries of the cache with their meta.json (half-built and trashed directories are
    skipped, and so are invalid ones: rebuilt on next use; unreadable: listed by neither)."""
    models = cache_root() / "models"
    for entry in sorted(models.iterdir()) if models.is_dir() else []:
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        try:
            yield entry, read_meta(entry)
        except (InvalidEntry, OSError):
            continue


def cached_models() -> list[CachedModel]:
    """Valid entries of the cache, by name."""
    found = [CachedModel(name=str(meta.get("name", entry.name)), key=entry.name,
                         source=describe_source(meta.get("source") or {}),
                         words=int(meta["count"]), dims=int(meta["dims"]),
                         size=directory_size(entry)) for entry, meta in _entries()]
    return sorted(found, key=lambda model: (model.name, model.key))


def list_models() -> ModelsListing:
    """Everything in the cache, after sweeping the scratch directories of ended processes (the
    rest are listed: a build in progress, or one whose process is still alive)."""
    models = cache_root() / "models"
    sweep(models)
    cached = cached_models()
    keys = {model.key for model in cached}
    from latentcli.store.named_spaces import listed_spaces

    cached += listed_spaces()
    catalogue = tuple(CatalogueListing(name=model.name, download_size=model.size,
                                       words=model.words, dims=model.dims,
                                       cached=model.name in keys) for model in CATALOGUE.values())
    left = tuple(Leftover(directory=path.name, purpose=purpose, pid=pid, size=directory_size(path))
                 for path, purpose, pid in leftovers(models))
    from latentcli.store.languages import language_listing

    return ModelsListing(default=DEFAULT_MODEL, builtin=tuple(BUILTIN), cached=tuple(cached),
                         catalogue=catalogue, leftovers=left, encoders=encoder_listing(),
                         language_models=language_listing())


def get_model(spec: str, reporter: Reporter) -> FetchedModel:
    """Make ``spec`` ready ahead of time: fetch the built-in encoder or language model, or
    download and convert a catalogue (or built-in) model into the cache."""
    from latentcli.store.languages import choose_language_model, open_language_model

    language = choose_language_model(spec)
    if language is not None:
        open_language_model(language, reporter)
        return FetchedModel(name=language.name, path=str(language.directory),
                            size=directory_size(language.directory))
    choice = choose_encoder(spec)
    if choice is not None and choice.builtin:
        directory = fetch_builtin(reporter, repair=True)
        return FetchedModel(name=choice.name, path=str(directory), size=directory_size(directory))
    if spec not in BUILTIN and spec not in CATALOGUE:
        raise UsageError(f"'latent models get' fetches the built-in models and the catalogue's; "
                         f"{spec!r} is none of them ('latent models' lists them)")
    space = open_space(spec, reporter)
    entry = cache_root() / "models" / resolve(spec).key
    return FetchedModel(name=space.name, path=str(entry), size=directory_size(entry))


def model_info(spec: str, reporter: Reporter, limit: int | None = None,
               trust: bool = False, sample: int = 10
               ) -> ModelInfo | EncoderInfo | LanguageModelInfo:
    """Open ``spec`` (converting it if needed: the open time includes that) and describe it; a
    sentence encoder is described by what it computes, without embedding its candidates, a
    language model by its shape and license."""
    from latentcli.store.languages import choose_language_model, language_info

    language = choose_language_model(spec)
    if language is not None:
        return language_info(language, reporter)
    choice = choose_encoder(spec)
    if choice is not None and not (Path(spec) / "meta.json").is_file():
        return encoder_info(choice, reporter)
    started = time.perf_counter()
    space = open_space(spec, reporter, limit, trust)
    seconds = time.perf_counter() - started
    norms = np.asarray(space.norms, dtype=np.float64)
    stats = NormStats(minimum=float(norms.min()), mean=float(norms.mean()),
                      median=float(np.median(norms)), maximum=float(norms.max()),
                      zero_vectors=int(np.count_nonzero(norms == 0)))
    entry = _entry_for(spec, limit, trust)
    source = describe_source(read_meta(entry).get("source") or {}) if entry else f"directory {spec}"
    shown = range(min(sample, len(space)))
    return ModelInfo(model=space.name, source=source, words=len(space), dims=space.dims,
                     norms=stats, sample=tuple(space.vocabulary.word(row) for row in shown),
                     subwords=space.subwords is not None, open_seconds=seconds,
                     cache_path=str(entry) if entry else None,
                     size=directory_size(entry) if entry else None)


def _entry_for(spec: str, limit: int | None, trust: bool) -> Path | None:
    """The cache entry ``spec`` converts into, or None for a model directory opened in place."""
    try:
        key = resolve(spec, limit, trust).key
    except LatentError:
        return None
    entry = cache_root() / "models" / key
    return entry if entry.is_dir() else None


def remove_model(name: str) -> RemovedModels:
    """Delete the cache entries ``name`` means: the built-in encoder (by name or alias), a cache
    key, the file it names (or the built-in or catalogue model), else a display name — which, if
    several different sources share it (two files called ``vectors.txt``), is refused with the
    list, rather than guessed — else a named space (by name or ``spaces/NAME``).

    A file's or a name's ``--limit`` variants go too. The source file itself is never touched.
    """
    choice = choose_encoder(name)
    if choice is not None and choice.builtin:
        return _remove_builtin_encoder(name)
    cached = cached_models()
    key = None
    with suppress(LatentError):
        key = resolve(name).key
    matching = ([model for model in cached if model.key == name]
                or [model for model in cached if key is not None
                    and (model.key == key or model.key.startswith(f"{key}-first"))]
                or [model for model in cached if model.name == name])
    if not matching:
        from latentcli.store.languages import remove_language_model
        from latentcli.store.named_spaces import remove_space

        if (language := remove_language_model(name)) is not None:
            return language
        if (space := remove_space(name)) is not None:
            return space
        raise ModelError(f"no cached model called {name!r} (see 'latent models')")
    sources = {re.sub(r"-first[0-9]+$", "", model.key) for model in matching}
    if len(sources) > 1:
        listed = "; ".join(f"{model.key} ({model.source})" for model in matching)
        raise UsageError(f"{name!r} names {len(sources)} different models: {listed}. Give a "
                         "cache key or the file's path")
    for model in matching:
        discard(cache_root() / "models" / model.key)
    return RemovedModels(name=name, removed=tuple(model.key for model in matching),
                         freed=sum(model.size for model in matching))


def _remove_builtin_encoder(name: str) -> RemovedModels:
    """Delete the fetched built-in encoder and the candidate entries embedded with it (they are
    derived from it); the per-text vectors of `latent embed` stay."""
    from latentcli.store.encoders import BUILTIN_ENCODER, builtin_directory
    from latentcli.store.wheels import PACKAGE

    removed: list[str] = []
    freed = 0
    directory = builtin_directory()
    if directory.is_dir():
        freed += directory_size(directory)
        discard(directory)
        removed.append(f"{directory.parent.name}/{directory.name}")
    for entry, meta in _entries():
        source = meta.get("source") or {}
        if source.get("kind") == "encoder" and source.get("package") == PACKAGE:
            freed += directory_size(entry)
            discard(entry)
            removed.append(entry.name)
    if not removed:
        raise ModelError(f"{BUILTIN_ENCODER} is not in the cache: nothing to remove")
    return RemovedModels(name=name, removed=tuple(removed), freed=freed)

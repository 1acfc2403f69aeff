"""What is in the cache and the catalogue, one model in detail, and removing cache entries.

Listing reads only each entry's ``meta.json`` and file sizes: it never opens a matrix.
"""

from __future__ import annotations

import time
from contextlib import suppress
from pathlib import Path
from typing import Any

import numpy as np

from latentcli import DEFAULT_MODEL
from latentcli.errors import LatentError, ModelError
from latentcli.results.models import (
    CachedModel,
    CatalogueListing,
    ModelInfo,
    ModelsListing,
    NormStats,
    RemovedModels,
)
from latentcli.store.cache import InvalidEntry, cache_root, discard, read_meta
from latentcli.store.catalogue import CATALOGUE
from latentcli.store.resolve import BUILTIN, Reporter, open_space, resolve


def describe_source(source: dict[str, Any]) -> str:
    """A fingerprint from meta.json in words: ``file /path``, ``catalogue``, ``package …``."""
    kind = source.get("kind")
    text = {"file": f"file {source.get('path')}", "catalogue": "gensim-data catalogue",
            "builtin": f"package {source.get('package')}"}.get(str(kind), "unknown")
    return f"{text} (first {source['limit']} words)" if source.get("limit") else text


def _size(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.iterdir() if path.is_file())


def cached_models() -> list[CachedModel]:
    """Valid entries of the cache, by name (half-built and trashed directories are skipped)."""
    models = cache_root() / "models"
    found = []
    for entry in sorted(models.iterdir()) if models.is_dir() else []:
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        try:
            meta = read_meta(entry)
        except InvalidEntry:
            continue
        found.append(CachedModel(str(meta.get("name", entry.name)), entry.name,
                                 describe_source(meta.get("source") or {}), int(meta["count"]),
                                 int(meta["dims"]), _size(entry)))
    return sorted(found, key=lambda model: (model.name, model.key))


def list_models() -> ModelsListing:
    cached = cached_models()
    keys = {model.key for model in cached}
    catalogue = tuple(CatalogueListing(model.name, model.size, model.words, model.dims,
                                       model.name in keys) for model in CATALOGUE.values())
    return ModelsListing(DEFAULT_MODEL, tuple(BUILTIN), tuple(cached), catalogue)


def model_info(spec: str, reporter: Reporter, limit: int | None = None,
               trust: bool = False, sample: int = 10) -> ModelInfo:
    """Open ``spec`` (converting it if needed: the open time includes that) and describe it."""
    started = time.perf_counter()
    space = open_space(spec, reporter, limit, trust)
    seconds = time.perf_counter() - started
    norms = np.asarray(space.norms, dtype=np.float64)
    stats = NormStats(float(norms.min()), float(norms.mean()), float(np.median(norms)),
                      float(norms.max()), int(np.count_nonzero(norms == 0)))
    entry = _entry_for(spec, limit, trust)
    source = describe_source(read_meta(entry).get("source") or {}) if entry else f"directory {spec}"
    return ModelInfo(space.name, source, len(space), space.dims, stats,
                     tuple(space.vocabulary.word(row) for row in range(min(sample, len(space)))),
                     space.subwords is not None, seconds, str(entry) if entry else None,
                     _size(entry) if entry else None)


def _entry_for(spec: str, limit: int | None, trust: bool) -> Path | None:
    """The cache entry ``spec`` converts into, or None for a model directory opened in place."""
    try:
        key = resolve(spec, limit, trust).key
    except LatentError:
        return None
    entry = cache_root() / "models" / key
    return entry if entry.is_dir() else None


def remove_model(name: str) -> RemovedModels:
    """Delete every cache entry called ``name``: by display name, cache key, or the file it names.

    A file's or a name's ``--limit`` variants go too. The source file itself is never touched.
    """
    keys = set()
    with suppress(LatentError):
        keys.add(resolve(name).key)
    matching = [model for model in cached_models()
                if model.name == name or model.key == name
                or any(model.key == key or model.key.startswith(f"{key}-first") for key in keys)]
    if not matching:
        raise ModelError(f"no cached model called {name!r} (see 'latent models')")
    for model in matching:
        discard(cache_root() / "models" / model.key)
    return RemovedModels(name, tuple(model.key for model in matching),
                         sum(model.size for model in matching))

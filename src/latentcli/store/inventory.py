"""``latent models``: what is in the cache and the catalogue, one model in detail, fetching a
model ahead of time, and removing what the cache holds.

Every name is what `store.resolve` says it is; listing reads only each artifact's ``meta.json``
and file sizes: it never opens a matrix.
"""

from __future__ import annotations

import re
import time
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from latentcli import DEFAULT_MODEL
from latentcli.errors import LatentError, ModelError, UsageError
from latentcli.results.models import (
    CachedModel,
    CatalogueListing,
    ConvertedModel,
    EncoderInfo,
    EncoderListing,
    FetchedModel,
    LanguageModelInfo,
    LanguageModelListing,
    Leftover,
    ModelInfo,
    ModelsListing,
    NormStats,
    RemovedModels,
)
from latentcli.store.artifacts import (
    InvalidArtifact,
    describe_source,
    directory_size,
    discard,
    every_leftover,
    read_meta,
    sweep_all,
)
from latentcli.store.builtins import BUILTINS, Kind
from latentcli.store.encoder_spaces import EncoderReference
from latentcli.store.language_models import LanguageModelReference, tokens_key
from latentcli.store.paths import LANGUAGE, MODELS, SPACES, cache_root
from latentcli.store.reference import Reference
from latentcli.store.resolve import builtin_reference, resolve
from latentcli.store.sources import entries_of

if TYPE_CHECKING:
    from latentcli.core.progress import Reporter


def _entries(models: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Valid entries under ``models`` with their meta.json (scratch directories are skipped, and
    so are invalid entries: rebuilt on next use; unreadable: listed by neither)."""
    found = []
    for entry in sorted(models.iterdir()) if models.is_dir() else []:
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        with suppress(InvalidArtifact, OSError):
            found.append((entry, read_meta(entry, "vectors")))
    return found


def cached_models(root: Path) -> list[CachedModel]:
    """The vector entries and named spaces of the cache at ``root``, by name."""
    found = [CachedModel(name=str(meta["name"]), key=entry.name,
                         source=describe_source(meta["source"]), words=int(meta["count"]),
                         dims=int(meta["dims"]), size=directory_size(entry))
             for entry, meta in _entries(root / MODELS)]
    spaces = [CachedModel(name=entry.name, key=f"{SPACES}/{entry.name}",
                          source=describe_source(meta["source"]), words=int(meta["count"]),
                          dims=int(meta["dims"]), size=directory_size(entry))
              for entry, meta in _entries(root / SPACES)]
    return sorted(found, key=lambda model: (model.name, model.key)) + spaces


def list_models() -> ModelsListing:
    """Everything in the cache, after sweeping the leftovers of ended processes from every
    folder (the rest are listed: a build in progress, or one whose process is still alive)."""
    from latentcli.store.catalogue import CATALOGUE
    from latentcli.store.language_models import conversions

    root = cache_root()
    sweep_all(root)
    cached = cached_models(root)
    keys = {model.key for model in cached}
    catalogue = tuple(CatalogueListing(name=model.name, download_size=model.size,
                                       words=model.words, dims=model.dims,
                                       cached=model.name in keys) for model in CATALOGUE.values())
    left = tuple(Leftover(directory=str(leftover.path.relative_to(root)),
                          purpose=leftover.purpose, pid=leftover.pid,
                          size=(directory_size(leftover.path) if leftover.path.is_dir()
                                else leftover.path.stat().st_size))
                 for leftover in every_leftover(root))
    encoders, language_models = [], []
    for builtin in BUILTINS:
        reference = builtin_reference(builtin, root)
        fetched = reference.cached()
        if isinstance(reference, EncoderReference):
            directory = reference.choice.directory
            encoders.append(EncoderListing(
                name=builtin.name, aliases=builtin.aliases, fetched=fetched, path=str(directory),
                size=directory_size(directory) if fetched else None))
        elif isinstance(reference, LanguageModelReference):
            directory = root / LANGUAGE / reference.key
            terms = (str(directory / builtin.terms) if fetched else builtin.terms_url
                     ) if builtin.terms else None
            language_models.append(LanguageModelListing(
                name=builtin.name, aliases=builtin.aliases, fetched=fetched, path=str(directory),
                size=directory_size(directory) if fetched else None, license=builtin.licence,
                base=builtin.base, terms=terms))
    return ModelsListing(default=DEFAULT_MODEL,
                         builtin=tuple(b.name for b in BUILTINS if b.kind is Kind.WORDS),
                         cached=tuple(cached), catalogue=catalogue, leftovers=left,
                         encoders=tuple(encoders), language_models=tuple(language_models),
                         conversions=conversions(root / LANGUAGE))


def get_model(spec: str, reporter: Reporter) -> FetchedModel:
    """Make ``spec`` ready ahead of time: fetch a built-in model (checking and repairing a
    fetched one), download and convert a catalogue model, convert a GGUF or vector file."""
    reference = resolve(spec)
    directory = reference.get(reporter)
    builtin = reference.builtin if isinstance(reference, LanguageModelReference) else None
    terms = builtin if builtin is not None and builtin.terms else None
    return FetchedModel(name=reference.name, path=str(directory),
                        size=directory_size(directory),
                        license=terms.licence_name if terms is not None else None,
                        terms=str(directory / terms.terms) if terms is not None else None)


def model_info(spec: str, reporter: Reporter, limit: int | None = None,
               trust: bool = False, sample: int = 10
               ) -> ModelInfo | EncoderInfo | LanguageModelInfo:
    """Open ``spec`` (fetching and converting it if needed: the open time includes that) and
    describe it; a sentence encoder is described by what it computes, without embedding its
    candidates, a language model by its shape and licence."""
    reference = resolve(spec)
    if isinstance(reference, EncoderReference | LanguageModelReference) and limit is not None:
        raise UsageError(f"--limit applies to a model's words; 'latent models info' describes "
                         f"the {reference.kind} {reference.name} itself")
    if isinstance(reference, EncoderReference):
        from latentcli.store.encoders import encoder_info

        return encoder_info(reference.choice, reporter)
    if isinstance(reference, LanguageModelReference):
        from latentcli.store.language_models import language_info

        return language_info(reference.open_decoder(reporter), reference.root / LANGUAGE /
                             reference.key, reference.builtin, reference.path)
    started = time.perf_counter()
    space = reference.open_space(reporter, limit, trust)
    seconds = time.perf_counter() - started
    norms = np.asarray(space.norms, dtype=np.float64)
    stats = NormStats(minimum=float(norms.min()), mean=float(norms.mean()),
                      median=float(np.median(norms)), maximum=float(norms.max()),
                      zero_vectors=int(np.count_nonzero(norms == 0)))
    entry = reference.location(limit)
    source = (describe_source(read_meta(entry)["source"]) if entry is not None
              else f"directory {spec}")
    shown = range(min(sample, len(space)))
    return ModelInfo(model=space.name, source=source, words=len(space), dims=space.dims,
                     norms=stats, sample=tuple(space.vocabulary.word(row) for row in shown),
                     subwords=space.subwords is not None, open_seconds=seconds,
                     cache_path=str(entry) if entry else None,
                     size=directory_size(entry) if entry else None)


def _listed_key(directory: Path) -> str:
    """How `latent models` names an artifact: a vector entry by its key, anything else as
    FOLDER/KEY."""
    folder = directory.parent.name
    return directory.name if folder == MODELS else f"{folder}/{directory.name}"


def remove_model(name: str) -> RemovedModels:
    """Delete what ``name`` means (`store.resolve`) in the cache, and what is derived from it
    (an encoder's candidate entries, a language model's token spaces); else the artifacts
    `latent models` lists under that key or name — so a conversion or an entry goes even once
    its source file is gone. A name several different sources share (two files called
    ``vectors.txt``) is refused with the list, rather than guessed. The source file itself is
    never touched."""
    root = cache_root()
    reference: Reference | None = None
    with suppress(LatentError):
        reference = resolve(name)
    found = reference.stored() if reference is not None else []
    shown = reference.name if found and reference is not None else name
    if not found:
        found = _listed(root, name)
    if not found:
        if reference is not None and reference.spec in {b.name for b in BUILTINS}:
            raise ModelError(f"{reference.name} is not in the cache: nothing to remove")
        raise ModelError(f"no cached model called {name!r} (see 'latent models')")
    freed = sum(directory_size(directory) for directory in found)
    for directory in found:
        discard(directory)
    return RemovedModels(name=shown, freed=freed,
                         removed=tuple(_listed_key(directory) for directory in found))

def _listed(root: Path, name: str) -> list[Path]:
    """The artifacts listed under ``name``: as a key (``spaces/NAME``, ``language/KEY``, an
    entry's key), else as a display name, with an entry's ``--limit`` variants."""
    from latentcli.store.language_models import conversions

    listing: list[CachedModel | ConvertedModel] = [*cached_models(root),
                                                   *conversions(root / LANGUAGE)]
    matching = ([model for model in listing if model.key == name]
                or [model for model in listing if model.name == name])
    sources = {re.sub(r"-first[0-9]+$", "", model.key) for model in matching}
    if len(sources) > 1:
        listed = "; ".join(f"{model.key} ({model.source})" for model in matching)
        raise UsageError(f"{name!r} names {len(sources)} different models: {listed}. Give a "
                         "cache key or the file's path")
    found = [root / (model.key if "/" in model.key else f"{MODELS}/{model.key}")
             for model in matching]
    for model in matching:  # a conversion's token spaces are derived from it: they go too
        if isinstance(model, ConvertedModel):
            found += entries_of(root / MODELS, tokens_key(Path(model.key).name))
    return found

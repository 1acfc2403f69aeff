"""Frozen result dataclasses: the contract between the core and the renderers.

`to_dict()` is the JSON shape documented in docs/json.md; renderers read the attributes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Scored:
    word: str
    similarity: float


@dataclass(frozen=True)
class WeightedWord:
    word: str
    weight: float


@dataclass(frozen=True)
class NeighborsResult:
    """The nearest words to one query (a word or an expression)."""

    model: str
    query: str
    terms: tuple[WeightedWord, ...]
    neighbors: tuple[Scored, ...]
    excluded: tuple[str, ...]
    subword_words: tuple[str, ...] = ()  # query words built from fastText character n-grams
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AnalogyResult:
    """The answers to an analogy expression under 3CosAdd or 3CosMul."""

    model: str
    expression: str
    method: str
    terms: tuple[WeightedWord, ...]
    results: tuple[Scored, ...]
    excluded: tuple[str, ...]
    subword_words: tuple[str, ...] = ()  # query words built from fastText character n-grams
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def positive(self) -> list[str]:
        return [term.word for term in self.terms if term.weight > 0]

    @property
    def negative(self) -> list[str]:
        return [term.word for term in self.terms if term.weight < 0]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "positive": self.positive, "negative": self.negative}


@dataclass(frozen=True)
class CachedModel:
    """A converted model in the cache: what it is called, where it came from, how big it is."""

    name: str
    key: str
    source: str
    words: int
    dims: int
    size: int  # bytes on disk


@dataclass(frozen=True)
class CatalogueListing:
    """A gensim-data model that can be named with --model, and whether it is converted already."""

    name: str
    download_size: int
    words: int
    dims: int
    cached: bool


@dataclass(frozen=True)
class ModelsListing:
    """Everything ``latent models`` shows: the default, the cache and the catalogue."""

    default: str
    builtin: tuple[str, ...]
    cached: tuple[CachedModel, ...]
    catalogue: tuple[CatalogueListing, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class NormStats:
    minimum: float
    mean: float
    median: float
    maximum: float
    zero_vectors: int


@dataclass(frozen=True)
class ModelInfo:
    """One model in detail: size, norms, a few words, and how long opening it took."""

    model: str
    source: str
    words: int
    dims: int
    norms: NormStats
    sample: tuple[str, ...]
    subwords: bool
    open_seconds: float
    cache_path: str | None
    size: int | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RemovedModels:
    """The cache entries ``latent models rm`` deleted."""

    name: str
    removed: tuple[str, ...]
    freed: int  # bytes

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

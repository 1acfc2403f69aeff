"""Results of `axis`, `steer`, `path`, `odd` and `similarity`."""

from __future__ import annotations

from dataclasses import dataclass, field

from latentcli.results import Scored
from latentcli.results.jsonform import Result


@dataclass(frozen=True, kw_only=True)
class Projection(Result):
    word: str
    projection: float


@dataclass(frozen=True, kw_only=True)
class AxisResult(Result):
    """Words ranked by their projection on a direction (from ``start`` to ``end``, or pairs)."""

    model: str
    start: str
    end: str
    pairs: tuple[tuple[str, str], ...]
    candidates: int
    words: tuple[Projection, ...]
    omitted: int
    notes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, kw_only=True)
class SteerStep(Result):
    strength: float
    neighbors: tuple[Scored, ...]


@dataclass(frozen=True, kw_only=True)
class SteerResult(Result):
    """A word's nearest neighbours as its vector moves along a direction."""

    model: str
    word: str
    toward: str
    away: str | None
    steps: tuple[SteerStep, ...]
    excluded: tuple[str, ...]
    notes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, kw_only=True)
class PathStep(Result):
    t: float
    word: str
    similarity: float
    to_start: float
    to_end: float


@dataclass(frozen=True, kw_only=True)
class PathResult(Result):
    """The nearest word at each point of the straight walk between two words."""

    model: str
    start: str
    end: str
    steps: tuple[PathStep, ...]
    notes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, kw_only=True)
class OddResult(Result):
    """The word that does not belong (gensim ``doesnt_match``), and everyone's centrality."""

    model: str
    words: tuple[str, ...]
    odd: str
    ranked: tuple[Scored, ...]
    notes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, kw_only=True)
class SimilarityResult(Result):
    """Cosine similarity of every pair of the given words."""

    json_derived = ("similarity",)

    model: str
    words: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def similarity(self) -> float | None:
        """The one similarity, when exactly two words were given."""
        return self.matrix[0][1] if len(self.words) == 2 else None

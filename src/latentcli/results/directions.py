"""Results of `axis`, `steer`, `path`, `odd`, `similarity`, `compare` and `evaluate`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from latentcli.results import Scored


@dataclass(frozen=True)
class SectionScore:
    """One section of an analogy benchmark: questions answered right out of those evaluated."""

    section: str
    correct: int
    total: int
    skipped: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "accuracy": self.accuracy}


@dataclass(frozen=True)
class AnalogyEvaluation:
    """Analogy accuracy per section and overall (gensim ``evaluate_word_analogies``)."""

    model: str
    file: str
    method: str
    restrict: int
    sections: tuple[SectionScore, ...]
    total: SectionScore

    @property
    def accuracy(self) -> float:
        return self.total.accuracy

    @property
    def oov_percent(self) -> float:
        questions = self.total.total + self.total.skipped
        return 100.0 * self.total.skipped / questions if questions else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "file": self.file, "method": self.method,
                "restrict": self.restrict, "accuracy": self.accuracy,
                "correct": self.total.correct, "total": self.total.total,
                "skipped": self.total.skipped, "oov_percent": self.oov_percent,
                "sections": [section.to_dict() for section in self.sections]}


@dataclass(frozen=True)
class PairEvaluation:
    """Correlation of model similarities with human judgements (gensim ``evaluate_word_pairs``)."""

    model: str
    file: str
    restrict: int
    pairs: int
    skipped: int
    pearson: float
    pearson_p: float
    spearman: float
    spearman_p: float

    @property
    def oov_percent(self) -> float:
        return 100.0 * self.skipped / (self.pairs + self.skipped)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "oov_percent": self.oov_percent}


@dataclass(frozen=True)
class Projection:
    word: str
    projection: float


@dataclass(frozen=True)
class AxisResult:
    """Words ranked by their projection on a direction (from ``start`` to ``end``, or pairs)."""

    model: str
    start: str
    end: str
    pairs: tuple[tuple[str, str], ...]
    candidates: int
    words: tuple[Projection, ...]
    omitted: int
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SteerStep:
    strength: float
    neighbors: tuple[Scored, ...]


@dataclass(frozen=True)
class SteerResult:
    """A word's nearest neighbours as its vector moves along a direction."""

    model: str
    word: str
    toward: str
    away: str | None
    steps: tuple[SteerStep, ...]
    excluded: tuple[str, ...]
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PathStep:
    t: float
    word: str
    similarity: float
    to_start: float
    to_end: float


@dataclass(frozen=True)
class PathResult:
    """The nearest word at each point of the straight walk between two words."""

    model: str
    start: str
    end: str
    steps: tuple[PathStep, ...]
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class OddResult:
    """The word that does not belong (gensim ``doesnt_match``), and everyone's centrality."""

    model: str
    words: tuple[str, ...]
    odd: str
    ranked: tuple[Scored, ...]
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SimilarityResult:
    """Cosine similarity of every pair of the given words."""

    model: str
    words: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def similarity(self) -> float | None:
        """The one similarity, when exactly two words were given."""
        return self.matrix[0][1] if len(self.words) == 2 else None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "similarity": self.similarity}


@dataclass(frozen=True)
class WordOverlap:
    word: str
    overlap: float
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]


@dataclass(frozen=True)
class CompareResult:
    """How alike two models' neighbourhoods are over words both know."""

    model_a: str
    model_b: str
    k: int
    shared: int
    compared: int
    mean_overlap: float
    words: tuple[WordOverlap, ...]
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

"""Results of `evaluate analogies` and `evaluate similarity`, and the benchmarks' defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from latentcli.results.jsonform import HIDDEN, Result

DEFAULT_RESTRICT = 300_000  # gensim's restrict_vocab default
ANALOGY_FILE = "questions-words.txt"
PAIR_FILES = ("wordsim353.tsv", "simlex999.txt")


@dataclass(frozen=True, kw_only=True)
class SectionScore(Result):
    """One section of an analogy benchmark: questions answered right out of those evaluated."""

    json_derived = ("accuracy",)

    section: str
    correct: int
    total: int
    skipped: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True, kw_only=True)
class AnalogyEvaluation(Result):
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

    @property
    def notes(self) -> tuple[str, ...]:
        return ()

    def to_dict(self) -> dict[str, Any]:
        """Written out: the overall score's counts are top-level keys (``total`` the number of
        questions, not the `SectionScore`), between the settings and the sections."""
        return {"model": self.model, "file": self.file, "method": self.method,
                "restrict": self.restrict, "accuracy": self.accuracy,
                "correct": self.total.correct, "total": self.total.total,
                "skipped": self.total.skipped, "oov_percent": self.oov_percent,
                "sections": [section.to_dict() for section in self.sections]}


@dataclass(frozen=True, kw_only=True)
class PairEvaluation(Result):
    """Correlation of model similarities with human judgements (gensim ``evaluate_word_pairs``)."""

    model: str
    file: str
    restrict: int
    pairs: int
    skipped: int
    pearson: float | None  # None: undefined (constant scores, fewer than two pairs)
    pearson_p: float | None
    spearman: float | None
    spearman_p: float | None
    notes: tuple[str, ...] = field(default=(), metadata=HIDDEN)

    json_derived = ("oov_percent",)

    @property
    def oov_percent(self) -> float:
        return 100.0 * self.skipped / (self.pairs + self.skipped)

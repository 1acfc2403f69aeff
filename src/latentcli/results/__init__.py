"""Frozen result dataclasses: the contract between the core and the renderers.

`to_dict()` is the JSON shape documented in docs/json.md; renderers read the attributes. This
package's top level holds the results of the query commands (the start-up path imports nothing
else); each command family's results live in a submodule beside it.
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

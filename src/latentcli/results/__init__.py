"""Frozen result dataclasses: the contract between the core and the renderers.

Renderers read the attributes; ``to_dict()``, declared by field metadata (`jsonform`), is the
JSON shape documented in docs/json.md. This package's top level holds the results of the query
commands (the start-up path imports nothing else); each command family's results live in a
submodule beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from latentcli.results.jsonform import Result


@dataclass(frozen=True, kw_only=True)
class Scored(Result):
    word: str
    similarity: float


@dataclass(frozen=True, kw_only=True)
class WeightedWord(Result):
    word: str
    weight: float


@dataclass(frozen=True, kw_only=True)
class NeighborsResult(Result):
    """The nearest words to one query (a word or an expression)."""

    model: str
    query: str
    terms: tuple[WeightedWord, ...]
    neighbors: tuple[Scored, ...]
    excluded: tuple[str, ...]
    subword_words: tuple[str, ...] = ()  # query words built from fastText character n-grams
    notes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, kw_only=True)
class AnalogyResult(Result):
    """The answers to an analogy expression under 3CosAdd or 3CosMul."""

    json_derived = ("positive", "negative")

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

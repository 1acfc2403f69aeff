"""The result of `compare`: how alike two models' neighbourhoods are."""

from __future__ import annotations

from dataclasses import dataclass, field

from latentcli.results.jsonform import Result


@dataclass(frozen=True, kw_only=True)
class WordOverlap(Result):
    word: str
    overlap: float
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class CompareResult(Result):
    """How alike two models' neighbourhoods are over words both know."""

    model_a: str
    model_b: str
    k: int
    shared: int
    compared: int
    mean_overlap: float
    words: tuple[WordOverlap, ...]
    notes: tuple[str, ...] = field(default=(), compare=False)

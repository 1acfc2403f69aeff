"""The result of `compare`: how alike two models' neighbourhoods are."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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

"""Results of `latent context`: one word's vectors in several sentences."""

from __future__ import annotations

from dataclasses import dataclass, field

from latentcli.results import Scored
from latentcli.results.jsonform import Result


@dataclass(frozen=True, kw_only=True)
class WordUse(Result):
    """The word in one sentence: where it is, its word pieces and the candidates nearest to it."""

    sentence: str
    start: int
    end: int
    pieces: tuple[str, ...]
    neighbors: tuple[Scored, ...]


@dataclass(frozen=True, kw_only=True)
class ContextResult(Result):
    """A word's contextual vectors compared across sentences, beside its one static vector."""

    model: str
    word: str
    contexts: tuple[WordUse, ...]
    similarity: tuple[tuple[float, ...], ...]  # cosine between contexts, row i column j
    static_model: str
    static_neighbors: tuple[Scored, ...]  # empty when the static model lacks the word
    notes: tuple[str, ...] = field(default=(), compare=False)

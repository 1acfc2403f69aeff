"""Nearest neighbours and analogies: the two queries everything else builds on.

Both follow gensim's `KeyedVectors` exactly, so their answers can be checked against it:
``neighbors`` and ``analogy --method add`` are ``most_similar`` (3CosAdd: the weighted sum of the
terms' unit vectors, renormalised, scored by cosine), ``--method mul`` is ``most_similar_cosmul``
(3CosMul, Levy & Goldberg 2014: the product of shifted cosines, positive terms over negative ones;
a term's weight becomes its exponent). Input words are left out of the answers unless asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from latentcli.core.counts import fit
from latentcli.core.expressions import parse_query
from latentcli.core.space import Space, Vector, WordRow, lookup_notes
from latentcli.errors import LatentError, UsageError
from latentcli.results import AnalogyResult, NeighborsResult, Scored, WeightedWord

if TYPE_CHECKING:
    import numpy.typing as npt

METHODS = ("add", "mul")
COSMUL_EPSILON = 1e-6  # as gensim: keeps a zero denominator finite


class ResolvedExpression:
    """An expression whose words have been found in a space."""

    def __init__(self, space: Space, text: str) -> None:
        expression = parse_query(text, space.encoder is not None or bool(space.known([text])))
        self.text = text
        self.rows: list[WordRow] = [space.lookup(term.word) for term in expression.terms]
        self.weights = [term.weight for term in expression.terms]

    @property
    def terms(self) -> tuple[WeightedWord, ...]:
        return tuple(WeightedWord(word=row.word, weight=weight)
                     for row, weight in zip(self.rows, self.weights, strict=True))

    @property
    def notes(self) -> tuple[str, ...]:
        return lookup_notes(self.rows)

    @property
    def input_rows(self) -> list[int]:
        """The vocabulary rows of the expression's words (words built from subwords have none)."""
        return list(dict.fromkeys(row.row for row in self.rows if row.row is not None))

    @property
    def units(self) -> list[Vector]:
        return [row.unit for row in self.rows]

    @property
    def subword_words(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(row.word for row in self.rows if row.subword))

    def excluded_words(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(row.word for row in self.rows))


def fit_top(space: Space, top: int) -> int:
    """``top`` checked against the model (a default is clamped to its size)."""
    return fit(top, len(space), "top", f"words in {space.name}")


def weighted_sum(units: Sequence[Vector], weights: Sequence[float]) -> npt.NDArray[np.float64]:
    """The weighted sum of the rows' unit vectors, in float64: with weights up to
    `expressions.MAX_WEIGHT` its norm cannot overflow (float32 would turn it into inf, and the
    query into the zero vector)."""
    total = np.zeros(len(units[0]), dtype=np.float64)
    for unit, weight in zip(units, weights, strict=True):
        total += weight * unit.astype(np.float64)
    return total


def combined_vector(units: Sequence[Vector], weights: Sequence[float]) -> Vector:
    """The unit-length weighted sum of unit vectors (gensim's ``get_mean_vector``)."""
    total = weighted_sum(units, weights)
    length = float(np.linalg.norm(total))
    if not length > 0.0 or not np.isfinite(length):
        raise LatentError("the expression adds up to the zero vector, which has no direction")
    return (total / length).astype(np.float32)


def cosadd_scores(space: Space, query: ResolvedExpression) -> npt.NDArray[np.float32]:
    return space.similarities(combined_vector(query.units, query.weights))


def cosmul_scores(space: Space, query: ResolvedExpression) -> npt.NDArray[np.float64]:
    if all(weight < 0 for weight in query.weights):
        raise UsageError("3CosMul needs at least one word with a positive sign")
    numerator: npt.NDArray[np.float64] | float = 1.0
    denominator: npt.NDArray[np.float64] | float = 1.0
    for row, weight in zip(query.rows, query.weights, strict=True):
        shifted = ((1 + space.similarities(row.unit)) / 2).astype(np.float64)
        if weight > 0:
            numerator = numerator * shifted ** weight
        else:
            denominator = denominator * shifted ** -weight
    return np.asarray(numerator / (denominator + COSMUL_EPSILON))


def neighbors(space: Space, text: str, top: int = 10) -> NeighborsResult:
    """The ``top`` nearest words to a word or expression, its own words excluded."""
    top = fit_top(space, top)
    query = ResolvedExpression(space, text)
    scores = cosadd_scores(space, query)
    best = space.top(scores, top, exclude=query.input_rows)
    return NeighborsResult(
        model=space.name, query=text, terms=query.terms,
        neighbors=tuple(Scored(word=space.vocabulary.word(row), similarity=score)
                        for row, score in best),
        excluded=query.excluded_words(), subword_words=query.subword_words,
        notes=query.notes)


def word_neighbors(space: Space, word: str, top: int = 10) -> NeighborsResult:
    """`neighbors` of one vocabulary entry taken as it is, not parsed: ``-lrb-`` or ``+`` (which
    GloVe has) are words here, where as an expression they would be a sign and a word."""
    top = fit_top(space, top)
    found = space.lookup(word)
    best = space.top(space.similarities(found.unit), top,
                     exclude=[] if found.row is None else [found.row])
    return NeighborsResult(
        model=space.name, query=word, terms=(WeightedWord(word=found.word, weight=1.0),),
        neighbors=tuple(Scored(word=space.vocabulary.word(row), similarity=score)
                        for row, score in best),
        excluded=(found.word,), subword_words=(found.word,) if found.subword else (),
        notes=(found.note,) if found.note else ())


def analogy(space: Space, text: str, top: int = 10, method: str = "add",
            allow_inputs: bool = False) -> AnalogyResult:
    """Solve an analogy expression by 3CosAdd (``add``) or 3CosMul (``mul``)."""
    top = fit_top(space, top)
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}: choose from {', '.join(METHODS)}")
    query = ResolvedExpression(space, text)
    scores = cosadd_scores(space, query) if method == "add" else cosmul_scores(space, query)
    excluded = () if allow_inputs else query.input_rows
    best = space.top(scores, top, exclude=excluded)
    return AnalogyResult(
        model=space.name, expression=text, method=method, terms=query.terms,
        results=tuple(Scored(word=space.vocabulary.word(row), similarity=score)
                      for row, score in best),
        excluded=() if allow_inputs else query.excluded_words(),
        subword_words=query.subword_words, notes=query.notes)

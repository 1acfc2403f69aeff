"""Nearest neighbours and analogies: the two queries everything else builds on.

Both follow gensim's `KeyedVectors` exactly, so their answers can be checked against it:
``neighbors`` and ``analogy --method add`` are ``most_similar`` (3CosAdd: the weighted sum of the
terms' unit vectors, renormalised, scored by cosine), ``--method mul`` is ``most_similar_cosmul``
(3CosMul, Levy & Goldberg 2014: the product of shifted cosines, positive terms over negative ones;
a term's weight becomes its exponent). Input words are left out of the answers unless asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from latentcli.core.expressions import parse
from latentcli.core.space import Space, Vector, WordRow
from latentcli.errors import LatentError, UsageError
from latentcli.results import AnalogyResult, NeighborsResult, Scored, WeightedWord

if TYPE_CHECKING:
    import numpy.typing as npt

METHODS = ("add", "mul")
COSMUL_EPSILON = 1e-6  # as gensim: keeps a zero denominator finite


class ResolvedExpression:
    """An expression whose words have been found in a space."""

    def __init__(self, space: Space, text: str) -> None:
        expression = parse(text)
        self.text = text
        self.rows: list[WordRow] = [space.lookup(term.word) for term in expression.terms]
        self.weights = [term.weight for term in expression.terms]

    @property
    def terms(self) -> tuple[WeightedWord, ...]:
        return tuple(WeightedWord(row.word, weight) for row, weight in zip(self.rows, self.weights,
                                                                           strict=True))

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(row.note for row in self.rows if row.note))

    @property
    def input_rows(self) -> list[int]:
        return list(dict.fromkeys(row.row for row in self.rows))

    @property
    def subword_words(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(row.word for row in self.rows if row.subword))

    def excluded_words(self, space: Space) -> tuple[str, ...]:
        return tuple(space.word(row) for row in self.input_rows)


def check_top(space: Space, top: int) -> None:
    if top < 1:
        raise UsageError(f"-n/--top must be at least 1, not {top}")
    if top > len(space):
        raise UsageError(f"-n/--top {top} is more than the {len(space)} words in {space.name}")


def weighted_sum(space: Space, rows: list[int], weights: list[float]) -> Vector:
    """The weighted sum of the rows' unit vectors."""
    total = np.zeros(space.dims, dtype=np.float32)
    for row, weight in zip(rows, weights, strict=True):
        total += np.float32(weight) * space.unit(row)
    return total


def combined_vector(space: Space, rows: list[int], weights: list[float]) -> Vector:
    """The unit-length weighted sum of the rows' unit vectors (gensim's ``get_mean_vector``)."""
    total = weighted_sum(space, rows, weights)
    length = float(np.linalg.norm(total))
    if length == 0.0:
        raise LatentError("the expression adds up to the zero vector, which has no direction")
    return (total / np.float32(length)).astype(np.float32)


def cosadd_scores(space: Space, query: ResolvedExpression) -> npt.NDArray[np.float32]:
    rows = [row.row for row in query.rows]
    return space.similarities(combined_vector(space, rows, query.weights))


def cosmul_scores(space: Space, query: ResolvedExpression) -> npt.NDArray[np.float64]:
    if all(weight < 0 for weight in query.weights):
        raise UsageError("3CosMul needs at least one word with a positive sign")
    numerator: npt.NDArray[np.float64] | float = 1.0
    denominator: npt.NDArray[np.float64] | float = 1.0
    for row, weight in zip(query.rows, query.weights, strict=True):
        shifted = ((1 + space.similarities(space.unit(row.row))) / 2).astype(np.float64)
        if weight > 0:
            numerator = numerator * shifted ** weight
        else:
            denominator = denominator * shifted ** -weight
    return np.asarray(numerator / (denominator + COSMUL_EPSILON))


def neighbors(space: Space, text: str, top: int = 10) -> NeighborsResult:
    """The ``top`` nearest words to a word or expression, its own words excluded."""
    check_top(space, top)
    query = ResolvedExpression(space, text)
    scores = cosadd_scores(space, query)
    best = space.top(scores, top, exclude=query.input_rows)
    return NeighborsResult(
        model=space.name, query=text, terms=query.terms,
        neighbors=tuple(Scored(space.vocabulary.word(row), score) for row, score in best),
        excluded=query.excluded_words(space), subword_words=query.subword_words,
        notes=query.notes)


def word_neighbors(space: Space, word: str, top: int = 10) -> NeighborsResult:
    """`neighbors` of one vocabulary entry taken as it is, not parsed: ``-lrb-`` or ``+`` (which
    GloVe has) are words here, where as an expression they would be a sign and a word."""
    check_top(space, top)
    found = space.lookup(word)
    best = space.top(space.similarities(space.unit(found.row)), top, exclude=[found.row])
    return NeighborsResult(
        model=space.name, query=word, terms=(WeightedWord(found.word, 1.0),),
        neighbors=tuple(Scored(space.vocabulary.word(row), score) for row, score in best),
        excluded=(found.word,), subword_words=(found.word,) if found.subword else (),
        notes=(found.note,) if found.note else ())


def analogy(space: Space, text: str, top: int = 10, method: str = "add",
            allow_inputs: bool = False) -> AnalogyResult:
    """Solve an analogy expression by 3CosAdd (``add``) or 3CosMul (``mul``)."""
    check_top(space, top)
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}: choose from {', '.join(METHODS)}")
    query = ResolvedExpression(space, text)
    scores = cosadd_scores(space, query) if method == "add" else cosmul_scores(space, query)
    excluded = () if allow_inputs else query.input_rows
    best = space.top(scores, top, exclude=excluded)
    return AnalogyResult(
        model=space.name, expression=text, method=method, terms=query.terms,
        results=tuple(Scored(space.vocabulary.word(row), score) for row, score in best),
        excluded=() if allow_inputs else query.excluded_words(space),
        subword_words=query.subword_words, notes=query.notes)

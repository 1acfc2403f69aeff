"""Directions and relations between words: axis, steer, path, odd one out, similarity.

Everything works on the unit vectors, as gensim does: a direction is a difference of unit vectors
(or the mean of several), a projection is a word's cosine with the unit direction, and a moved or
interpolated point is renormalised before its neighbours are looked up.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from latentcli.core.expressions import parse_pair
from latentcli.core.queries import combined_vector, fit_top
from latentcli.core.ranking import ranked_rows
from latentcli.core.space import Matrix, Space, Vector, WordRow, lookup_notes
from latentcli.errors import LatentError, UsageError
from latentcli.results import Scored
from latentcli.results.directions import (
    AxisResult,
    OddResult,
    PathResult,
    PathStep,
    Projection,
    SimilarityResult,
    SteerResult,
    SteerStep,
)

MAX_STEPS = 100
MAX_STRENGTH = 100.0  # in whole offsets: far beyond this every point is the offset itself


class Lookups:
    """Words looked up in a space, remembering the notes their lookups produced."""

    def __init__(self, space: Space) -> None:
        self.space = space
        self.rows: list[WordRow] = []

    def __call__(self, word: str) -> WordRow:
        found = self.space.lookup(word)
        self.rows.append(found)
        return found

    @property
    def notes(self) -> tuple[str, ...]:
        return lookup_notes(self.rows)

    @property
    def own_rows(self) -> list[int]:
        """The vocabulary rows of every word looked up (left out of answers)."""
        return list(dict.fromkeys(row.row for row in self.rows if row.row is not None))


def _check_steps(steps: int) -> None:
    """Each step is a column of scores over the whole vocabulary, so their number is capped."""
    if not 1 <= steps <= MAX_STEPS:
        raise UsageError(f"--steps must be between 1 and {MAX_STEPS}, not {steps}")


def _distinct(first: WordRow, second: WordRow) -> None:
    if first.word == second.word:
        raise UsageError(f"{first.typed!r} and {second.typed!r} are the same word: a direction "
                         "needs two different words")


def _unit(vector: npt.NDArray[np.floating], what: str) -> Vector:
    length = float(np.linalg.norm(vector))
    if length == 0.0:
        raise LatentError(f"{what} has zero length, so it points nowhere")
    return (vector / length).astype(np.float32)


def direction(space: Space, pairs: Sequence[tuple[WordRow, WordRow]]) -> Vector:
    """The unit mean of the pairs' differences ``unit(to) - unit(from)``."""
    for start, end in pairs:
        _distinct(start, end)
    total = sum((end.unit.astype(np.float64) - start.unit for start, end in pairs),
                np.zeros(space.dims, dtype=np.float64))
    names = ", ".join(f"{start.word}→{end.word}" for start, end in pairs)
    return _unit(total, f"the direction {names}")


def axis(space: Space, start: str, end: str, pairs: Sequence[str] = (),
         words: Sequence[str] = (), top: int = 1000, show: int = 10) -> AxisResult:
    """Words ranked by projection on the direction start→end (averaged with any ``pairs``).

    Given ``words`` are all ranked; otherwise the ``top`` most frequent words (the direction's
    own words left out) are, and the ``show`` at each end are kept.
    """
    look = Lookups(space)
    ends = [(look(start), look(end))]
    for pair in pairs:
        first, second = parse_pair(pair, "a pair", "FROM:TO (man:woman)")
        ends.append((look(first), look(second)))
    unit_direction = direction(space, ends)
    if words:
        found = [look(word) for word in words]
        names = [row.word for row in found]
        units = np.stack([row.unit for row in found])
        keep = len(found)
    else:
        top = fit_top(space, top)
        if show < 1:
            raise UsageError(f"--show must be at least 1, not {show}")
        own = set(look.own_rows)
        rows = [row for row in range(min(len(space), top + len(own))) if row not in own][:top]
        names = [space.word(row) for row in rows]
        units = np.asarray(space.vectors[rows])
        keep = show
    projections = units @ unit_direction
    order = ranked_rows(projections)
    if len(order) > 2 * keep:
        order = np.concatenate([order[:keep], order[-keep:]])
    ranked = tuple(Projection(word=names[i], projection=float(projections[i])) for i in order)
    return AxisResult(model=space.name, start=ends[0][0].word, end=ends[0][1].word,
                      pairs=tuple((a.word, b.word) for a, b in ends[1:]), candidates=len(names),
                      words=ranked, omitted=len(names) - len(ranked), notes=look.notes)


def _nearest(space: Space, points: Matrix, k: int,
             exclude: Sequence[int]) -> list[list[tuple[int, float]]]:
    """The ``k`` nearest rows to each unit row of ``points`` (one matrix product)."""
    scores = space.cosines(points)
    return [space.top(scores[:, column], k, exclude) for column in range(points.shape[0])]


def _scored(space: Space, found: Sequence[tuple[int, float]]) -> tuple[Scored, ...]:
    return tuple(Scored(word=space.vocabulary.word(row), similarity=score) for row, score in found)


def _renormalised(points: Matrix, what: str) -> Matrix:
    lengths = np.linalg.norm(points, axis=1, keepdims=True)
    if not np.all(lengths > 0):
        raise LatentError(f"{what} passes through the origin, where no direction is defined")
    return np.asarray(points / lengths, dtype=np.float32)


def steer(space: Space, word: str, toward: str, away: str | None = None, strength: float = 1.0,
          steps: int = 4, top: int = 5) -> SteerResult:
    """Nearest words to ``unit(word) + s·offset`` for s from 0 to ``strength`` in ``steps`` steps.

    The offset is ``unit(toward) - unit(away)``, or ``unit(toward) - unit(word)`` without
    ``away``, so strength 1 is the whole offset: ``word - away + toward`` is exactly the 3CosAdd
    query of that analogy (same sum, same exclusions, same scores), and ``toward`` alone arrives
    at ``toward`` itself.
    """
    top = fit_top(space, top)
    _check_steps(steps)
    if not -MAX_STRENGTH <= strength <= MAX_STRENGTH:  # also refuses nan
        raise UsageError(f"--strength must be between {-MAX_STRENGTH:g} and {MAX_STRENGTH:g}, "
                         f"not {strength:g}")
    look = Lookups(space)
    origin, target = look(word), look(toward)
    source = look(away) if away is not None else None
    _distinct(source or origin, target)
    _unit(target.unit, f"the vector of {target.word!r}")
    strengths = np.linspace(0.0, strength, steps + 1, dtype=np.float32)
    found = []
    for s in strengths:
        units, weights = ([origin.unit, source.unit, target.unit], [1.0, -float(s), float(s)]) \
            if source else ([origin.unit, target.unit], [1.0 - float(s), float(s)])
        try:
            query = combined_vector(units, weights)
        except LatentError:
            raise LatentError(f"steering {origin.word!r} passes through the origin, where no "
                              "direction is defined") from None
        found.append(space.top(space.similarities(query), top, look.own_rows))
    return SteerResult(
        model=space.name, word=origin.word, toward=target.word,
        away=source.word if source else None,
        steps=tuple(SteerStep(strength=float(s), neighbors=_scored(space, near))
              for s, near in zip(strengths, found, strict=True)),
        excluded=tuple(dict.fromkeys(row.word for row in look.rows)), notes=look.notes)


def path(space: Space, start: str, end: str, steps: int = 8) -> PathResult:
    """The nearest word at ``steps + 1`` evenly spaced points from ``start`` to ``end``."""
    _check_steps(steps)
    look = Lookups(space)
    first, last = look(start), look(end)
    _distinct(first, last)
    a, b = first.unit, last.unit
    t = np.linspace(0.0, 1.0, steps + 1, dtype=np.float32)[:, np.newaxis]
    points = _renormalised((1 - t) * a + t * b, f"the path from {first.word!r} to {last.word!r}")
    result = []
    for fraction, found in zip(t[:, 0], _nearest(space, points, 1, ()), strict=True):
        row, score = found[0]
        vector = space.unit(row)
        result.append(PathStep(t=float(fraction), word=space.vocabulary.word(row), similarity=score,
                               to_start=float(vector @ a), to_end=float(vector @ b)))
    return PathResult(model=space.name, start=first.word, end=last.word, steps=tuple(result),
                      notes=look.notes)


def odd_one_out(space: Space, words: Sequence[str]) -> OddResult:
    """gensim ``doesnt_match``: the word least similar to the unit mean of all the words."""
    if len(words) < 3:
        raise UsageError("give at least three words to find the odd one out")
    look = Lookups(space)
    rows = [look(word) for word in words]
    mean = combined_vector([row.unit for row in rows], [1.0] * len(rows))
    similarities = [float(row.unit @ mean) for row in rows]
    ranked = sorted(zip(similarities, [row.word for row in rows], strict=True), reverse=True)
    return OddResult(model=space.name, words=tuple(row.word for row in rows), odd=ranked[-1][1],
                     ranked=tuple(Scored(word=word, similarity=score) for score, word in ranked),
                     notes=look.notes)


def similarity(space: Space, words: Sequence[str]) -> SimilarityResult:
    """The cosine similarity matrix of two or more words."""
    if len(words) < 2:
        raise UsageError("give at least two words to compare")
    look = Lookups(space)
    vectors = np.stack([look(word).unit for word in words])
    matrix = np.clip(vectors @ vectors.T, -1.0, 1.0)  # rounding can step past ±1
    return SimilarityResult(model=space.name, words=tuple(row.word for row in look.rows),
                            matrix=tuple(tuple(float(x) for x in line) for line in matrix),
                            notes=look.notes)

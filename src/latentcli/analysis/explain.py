"""Explanations of one word or one analogy, every figure computed from the model.

A word: its raw vector, length, frequency rank, neighbours, where it falls on a few named
directions (each the mean of word-pair differences), and the group of its neighbourhood it belongs
to. Candidate words come from the ``restrict`` most frequent words (gensim's ``restrict_vocab``):
rare strings (names, typos, transliterations) crowd the far end of a 400,000-word vocabulary and
explain nothing to a reader. An analogy: the answers, each top answer's score split
by term, the rank of an expected answer, what wins if input words are allowed, 3CosAdd beside
3CosMul, the offset the expression adds and how consistent that offset is across the other pairs
of the same relation in gensim's analogy benchmark.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from latentcli.analysis.contributions import decompose
from latentcli.core.space import Space, WordRow
from latentcli.errors import LatentError, UsageError
from latentcli.results import Scored
from latentcli.results.explain import (
    AxisPosition,
    ExpressionExplanation,
    Neighborhood,
    OffsetExplanation,
    PairSimilarity,
    WordExplanation,
)

if TYPE_CHECKING:
    from latentcli.core.queries import ResolvedExpression

NAMED_AXES: dict[str, tuple[tuple[str, str], ...]] = {
    "gender": (("man", "woman"), ("he", "she"), ("boy", "girl"), ("king", "queen")),
    "sentiment": (("bad", "good"), ("sad", "happy"), ("terrible", "wonderful")),
    "size": (("small", "big"), ("little", "large"), ("tiny", "huge")),
    "age": (("old", "new"), ("ancient", "modern"), ("elderly", "young")),
    "temperature": (("cold", "hot"), ("cool", "warm")),
}
COMMON_WORDS = 10_000  # by default, explanations draw their candidate words from this many
NEIGHBORHOOD = 30
DECOMPOSED = 3


def named_axis(space: Space, pairs: tuple[tuple[str, str], ...]) -> np.ndarray | None:
    """The unit mean of the pairs' differences, from the pairs this model has; None if none."""
    from latentcli.analysis.directions import direction

    present = [(space.lookup(a), space.lookup(b)) for a, b in pairs
               if len(space.known((a, b))) == 2]
    return direction(space, present) if present else None


def restriction(space: Space, restrict: int | None) -> int:
    """How many of the most frequent words an explanation draws from (at most the vocabulary)."""
    if restrict is not None and restrict < 1:
        raise UsageError(f"--restrict must be at least 1, not {restrict}")
    return min(COMMON_WORDS if restrict is None else restrict, len(space))


def _nearest(space: Space, unit: np.ndarray, count: int, restrict: int,
             exclude: list[int]) -> list[tuple[int, float]]:
    """The ``count`` words nearest ``unit`` among the ``restrict`` most frequent."""
    return space.top(np.asarray(space.vectors[:restrict] @ unit.astype(np.float32)), count,
                     exclude)


def explain_word(space: Space, word: str, top: int = 8,
                 restrict: int | None = None) -> WordExplanation:
    found = space.lookup(word)
    values = np.asarray(found.unit, dtype=np.float64) * found.norm
    restrict = restriction(space, restrict)
    own = [] if found.row is None else [found.row]
    near = tuple(Scored(word=space.word(r), similarity=s)
                 for r, s in _nearest(space, found.unit, top, restrict, own))
    common = np.asarray(space.vectors[:restrict], dtype=np.float32)
    axes = []
    for name, pairs in NAMED_AXES.items():
        direction = named_axis(space, pairs)
        if direction is None:
            continue
        position = float(found.unit @ direction)
        share = float(np.mean(common @ direction < position))
        axes.append(AxisPosition(axis=name, low=pairs[0][0], high=pairs[0][1], position=position,
                                 share=share))
    return WordExplanation(
        model=space.name, word=found.word, typed=word, values=tuple(float(v) for v in values),
        norm=found.norm, rank=None if found.row is None else found.row + 1,
        vocabulary_size=len(space), restrict=restrict, neighbors=near, axes=tuple(axes),
        neighborhood=_neighborhood(space, found, restrict), encoded=found.from_text,
        notes=(found.note,) if found.note else ())


def _neighborhood(space: Space, found: WordRow, restrict: int) -> Neighborhood | None:
    """Cluster the word with its nearest words; report the group it lands in."""
    from latentcli.analysis.clustering import fit_clusters
    from latentcli.analysis.words import WordSelection

    inside = found.row is not None and found.row < restrict
    count = min(NEIGHBORHOOD, restrict - inside)
    if count < 3 or not found.norm > 0:
        return None
    own = [] if found.row is None else [found.row]
    nearest = [r for r, _ in _nearest(space, found.unit, count, restrict, own)]
    selection = WordSelection((found, *(space.at(row) for row in nearest)), 1)
    clustering = fit_clusters(space, selection, None, "kmeans", 0)
    mine = clustering.result.clusters[clustering.assignment[0]]
    return Neighborhood(size=len(selection), k=clustering.result.k, label=mine.label,
                        members=mine.members, label_method=mine.label_method,
                        furthest=_furthest(mine.members, found.word))


def _furthest(members: tuple[str, ...], word: str) -> str:
    """The member besides ``word`` furthest from the middle of the group's arrows (members come
    most central first): the one most likely there for sharing the others' sentences rather
    than their kind. Empty for a group of fewer than three."""
    if len(members) < 3:
        return ""
    return next(member for member in reversed(members) if member != word)


def explain_expression(space: Space, text: str, expect: str | None = None,
                       top: int = 5, restrict: int | None = None) -> ExpressionExplanation:
    from latentcli.core.queries import ResolvedExpression, analogy, cosadd_scores, cosmul_scores

    query = ResolvedExpression(space, text)
    common = restriction(space, restrict)
    if len(query.rows) < 2:
        raise UsageError("an expression to explain needs at least two words, like "
                         "'king - man + woman' (for one word, use: latent explain WORD)")
    add = analogy(space, text, top, "add")
    mul = analogy(space, text, top, "mul") if any(w > 0 for w in query.weights) else None
    with_inputs = analogy(space, text, 1, "add", allow_inputs=True).results[0]
    decompositions = tuple(decompose(query.rows, query.weights, space.lookup(answer.word))
                           for answer in add.results[:DECOMPOSED])
    expect_rank = expect_rank_mul = None
    expected = space.lookup(expect).word if expect else None
    if expect:
        target = space.lookup(expect).row
        if target is None:
            raise UsageError(f"--expect {expect!r} is not in the vocabulary of {space.name}, so "
                             "it cannot be an answer")
        if target in query.input_rows:
            raise UsageError(f"--expect {expect!r} is one of the expression's own words")
        expect_rank = _rank(cosadd_scores(space, query), target, query.input_rows)
        if mul is not None:
            expect_rank_mul = _rank(cosmul_scores(space, query), target, query.input_rows)
    return ExpressionExplanation(
        model=space.name, expression=text, add=add, mul=mul, with_inputs=with_inputs,
        decompositions=decompositions, expect=expected, expect_rank=expect_rank,
        expect_rank_mul=expect_rank_mul, restrict=common,
        offset=_offset(space, query, common), notes=add.notes)


def _rank(scores: np.ndarray, target: int, inputs: list[int]) -> int:
    """1 + how many non-input words score higher than ``target``."""
    higher = scores > scores[target]
    higher[inputs] = False
    return int(np.count_nonzero(higher)) + 1


def _offset(space: Space, query: ResolvedExpression, restrict: int) -> OffsetExplanation | None:
    """What the expression adds to its first word, and whether that offset is a consistent
    relation: its cosine with the offsets of other pairs of the same benchmark section."""
    from latentcli.analysis.directions import direction
    from latentcli.core.queries import weighted_sum

    positives = [i for i, w in enumerate(query.weights) if w > 0]
    negatives = [i for i, w in enumerate(query.weights) if w < 0]
    if len(positives) < 2 or not negatives:
        return None
    base = positives[0]
    others = [i for i in range(len(query.rows)) if i != base]
    own = [row for i in others if (row := query.rows[i].row) is not None]
    total = weighted_sum([query.rows[i].unit for i in others], [query.weights[i] for i in others])
    length = float(np.linalg.norm(total))
    if length == 0.0:
        return None
    unit = (total / length).astype(np.float32)
    nearest = tuple(Scored(word=space.word(r), similarity=s)
                    for r, s in _nearest(space, unit, 5, restrict, own))
    start, end = query.rows[negatives[0]].word, query.rows[positives[1]].word
    section, pairs = _relation_pairs(space, start, end)
    offsets = [(a, b, direction(space, [(space.lookup(a), space.lookup(b))])) for a, b in pairs]
    consistency = tuple(sorted((PairSimilarity(a=a, b=b, similarity=float(unit @ offset))
                                for a, b, offset in offsets), key=lambda pair: -pair.similarity))
    return OffsetExplanation(start=start, end=end, length=length, nearest=nearest,
                             relation=section, consistency=consistency)


def _relation_pairs(space: Space, start: str, end: str) -> tuple[str | None, list[tuple[str, str]]]:
    """The benchmark section holding the pair ``start : end``, and its other pairs in the model."""
    from latentcli.analysis.evaluation import ANALOGY_FILE, default_benchmark, read_analogies

    try:
        sections = read_analogies(default_benchmark(ANALOGY_FILE))
    except LatentError:
        return None, []
    wanted = (start.upper(), end.upper())
    for section in sections:
        pairs = {pair for q in section.questions for pair in ((q[0], q[1]), (q[2], q[3]))}
        if wanted in pairs:
            found = sorted({(a.lower(), b.lower()) for a, b in pairs if (a, b) != wanted})
            usable = [(a, b) for a, b in found
                      if a != b and len(space.known((a, b))) == 2]
            return section.name, usable
    return None, []


def explain(space: Space, text: str, expect: str | None = None, top: int = 5,
            restrict: int | None = None,
            literal: bool = False) -> WordExplanation | ExpressionExplanation:
    """One word explained, or an expression of several (``--expect`` belongs to expressions);
    ``literal``: ``text`` is one vocabulary entry, not parsed (``-`` is a word here)."""
    from latentcli.core.expressions import parse_query
    from latentcli.core.queries import fit_top

    single = literal or parse_query(text, space.encoder is not None).is_single_word
    if single and expect is not None:
        raise UsageError("--expect needs an expression, like: latent explain king - man + woman "
                         "--expect queen")
    top = fit_top(space, top)
    if single:
        return explain_word(space, text, top, restrict)
    return explain_expression(space, text, expect, top, restrict)

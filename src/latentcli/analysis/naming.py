"""Naming a group of words: the candidate word that stands for all of them, not one of them.

The nearest word to a group's centre is usually a co-member (animals named "pig", colours "pink").
A good name is close to *every* member, so the in-space methods score a candidate by how its
cosines to the members hold up at their weakest: the minimum, a soft minimum, or the mean less a
multiple of their spread; CSLS optionally discounts "hub" words that are near everything. Frequent
words make better names (hypernyms are common words), so callers should offer the most frequent
`IN_SPACE_CANDIDATES` plain words (`is_plain_word`) of the space as candidates. The
phrase method is for sentence encoders: the members joined by ", " are embedded as one phrase and
candidates are ranked by cosine to that phrase vector (candidates embedded by the same encoder).

Every method excludes the members and their inflections (`is_inflection`) from the names. Inputs
are unit rows (zero rows are allowed and score as cosine 0); numpy only, no model, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from latentcli.core.ranking import ranked_rows

Vectors = npt.NDArray[np.floating]
Mask = npt.NDArray[np.bool_]
Names = list[tuple[str, float]]

CENTRE = "centre"  # cosine to the normalised mean of the members (the old label)
MINIMUM = "min"  # the weakest cosine to any member
SOFTMIN = "softmin"  # -(1/β)·log mean exp(-β·cos): between the mean (β→0) and the minimum (β→∞)
MEAN_STD = "mean-std"  # mean cosine minus k·(standard deviation of the cosines)
AGGREGATES = (CENTRE, MINIMUM, SOFTMIN, MEAN_STD)
PHRASE = "phrase"  # cosine to one encoder vector of the members joined by ", "
PHRASE_DESCRIPTION = ("the word nearest to the members read together as one phrase by a sentence "
                      "encoder")


@dataclass(frozen=True)
class Method:
    """How an in-space name is scored: an aggregate of member cosines, optionally CSLS-corrected.

    ``parameter`` is β for the soft minimum and k for mean-std (unused otherwise); ``csls`` is the
    neighbourhood size for the hubness correction, 0 for none.
    """

    aggregate: str = MEAN_STD
    parameter: float = 2.0
    csls: int = 0

    def __post_init__(self) -> None:
        if self.aggregate not in AGGREGATES:
            raise ValueError(f"unknown naming aggregate {self.aggregate!r}")
        if self.csls < 0:
            raise ValueError("the CSLS neighbourhood must be 0 (off) or positive")

    def describe(self) -> str:
        text = {CENTRE: "nearest to the centre", MINIMUM: "closest to the farthest member",
                SOFTMIN: f"soft minimum of member cosines (beta={self.parameter:g})",
                MEAN_STD: f"mean minus {self.parameter:g}·std of member cosines"}[self.aggregate]
        return text + (f", CSLS k={self.csls}" if self.csls else "")


# The chosen in-space method and candidate set: mean - 2·std of the member cosines over the 5,000
# most frequent plain words. On tests/data/categories.json with GloVe 6B 50-d it names 10 of 26
# categories acceptably first and 15 of 26 in the top 3 (the centre: 7 and 14), and its first-name
# rate is the best, or within one of it, at every candidate count tried (1,000 to 50,000), where
# the other aggregates swing more. scripts/measure_naming.py measures every variant.
IN_SPACE = Method(MEAN_STD, 2.0)
IN_SPACE_CANDIDATES = 5_000

_SUFFIXES = ("s", "es", "'s", "s'", "'", "ed", "ing")


def inflections(word: str) -> set[str]:
    """Regular inflections of ``word``: plural/3rd person, possessive, simple past and -ing.

    Irregular forms are not known (foot/feet, mouse/mice), except the -f/-fe → -ves plural.
    """
    forms = {word + suffix for suffix in _SUFFIXES}
    if not word:
        return forms
    last = word[-1]
    if last == "e":
        forms |= {word + "d", word[:-1] + "ing"}  # bake → baked, baking
    if word.endswith("fe"):
        forms.add(word[:-2] + "ves")  # knife → knives
    elif last == "f":
        forms.add(word[:-1] + "ves")  # leaf → leaves
    if last == "y" and len(word) > 1 and word[-2] not in "aeiou":
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}  # fly → flies, story → stories
    if last not in "aeiouwxy" and len(word) > 1 and word[-2] in "aeiou":
        forms |= {word + last + "ed", word + last + "ing"}  # stop → stopped, stopping
    return forms


def _bases(word: str) -> set[str]:
    """The words of which ``word`` is a regular inflection (the inverse of `inflections`)."""
    stems = {word[:-cut] + tail for cut in range(1, 5) if cut < len(word)
             for tail in ("", "e", "y", "f", "fe")}
    return {stem for stem in stems if word in inflections(stem)}


def related_forms(word: str) -> set[str]:
    """``word`` itself, its inflections and the words it is an inflection of (lower case)."""
    word = word.lower()
    return {word} | inflections(word) | _bases(word)


def is_inflection(candidate: str, member: str) -> bool:
    """Whether ``candidate`` is ``member`` or a regular inflection of it, or the other way round.

    Case-insensitive and symmetric: "animals" is an inflection of "animal" and vice versa.
    """
    return candidate.lower() in related_forms(member)


def is_plain_word(word: str) -> bool:
    """Whether ``word`` could be a name: letters only (no digits, punctuation or "'s" tokens)."""
    return word.isalpha()


def excluded(candidate_words: Sequence[str], member_words: Sequence[str]) -> Mask:
    """A mask over the candidates: True where the word is a member or a member's inflection."""
    forms: set[str] = set()
    for member in member_words:
        forms |= related_forms(member)
    return np.fromiter((word.lower() in forms for word in candidate_words), dtype=np.bool_,
                       count=len(candidate_words))


def hubness(vectors: Vectors, reference: Vectors, k: int, chunk: int = 2048) -> Vectors:
    """For CSLS: each row's mean cosine to its ``k`` nearest rows of ``reference``.

    A row that is also in ``reference`` counts itself among its neighbours; with thousands of rows
    this shifts every score about equally. ``k`` is capped at the number of reference rows.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    reference = np.asarray(reference, dtype=np.float32)
    k = min(k, len(reference))
    result = np.zeros(len(vectors), dtype=np.float32)
    if k <= 0:
        return result
    for start in range(0, len(vectors), chunk):
        sims = vectors[start:start + chunk] @ reference.T
        nearest = np.partition(sims, len(reference) - k, axis=1)[:, len(reference) - k:]
        result[start:start + chunk] = nearest.mean(axis=1)
    return result


def aggregate(cosines: Vectors, method: Method) -> Vectors:
    """Score each candidate (row) from its cosines to the members (columns)."""
    cosines = np.asarray(cosines, dtype=np.float64)
    if cosines.shape[1] == 0:
        return np.zeros(len(cosines))
    if method.aggregate == MINIMUM:
        return np.asarray(cosines.min(axis=1))
    if method.aggregate == SOFTMIN:
        beta = method.parameter
        if beta <= 0:
            return np.asarray(cosines.mean(axis=1))
        low = cosines.min(axis=1)  # shift for a stable log-sum-exp
        spread = np.exp(-beta * (cosines - low[:, None])).mean(axis=1)
        return np.asarray(low - np.log(spread) / beta)
    if method.aggregate == MEAN_STD:
        return np.asarray(cosines.mean(axis=1) - method.parameter * cosines.std(axis=1))
    return np.asarray(cosines.mean(axis=1))  # CENTRE ranks like the mean cosine


def _scores(candidates: Vectors, members: Vectors, method: Method,
            candidate_hubness: Vectors | None) -> Vectors:
    if len(members) == 0:
        return np.zeros(len(candidates))
    if method.aggregate == CENTRE:
        centre = members.mean(axis=0)
        length = float(np.linalg.norm(centre))
        members = (centre / length if length > 0 else centre)[None, :]
    cosines = np.asarray(candidates @ members.T, dtype=np.float64)
    if method.csls:
        rows = (candidate_hubness if candidate_hubness is not None
                else hubness(candidates, candidates, method.csls))
        columns = hubness(members, candidates, method.csls)
        cosines = 2 * cosines - np.asarray(rows, dtype=np.float64)[:, None] - columns[None, :]
    return aggregate(cosines, method)


def _ranked(scores: Vectors, candidate_words: Sequence[str],
            mask: Mask, top: int) -> Names:
    scores = np.where(mask | ~np.isfinite(scores), -np.inf, scores)
    usable = int(np.count_nonzero(scores > -np.inf))
    order = ranked_rows(scores, min(top, usable))
    return [(candidate_words[i], float(scores[i])) for i in order]


def _check(candidates: Vectors, candidate_words: Sequence[str], count: int, what: str,
           member_words: Sequence[Sequence[str]], top: int) -> None:
    if candidates.ndim != 2 or len(candidates) != len(candidate_words):
        raise ValueError("candidates must be a matrix with one row per candidate word")
    if count != len(member_words):
        raise ValueError(f"one list of member words is needed for each {what}")
    if top < 0:
        raise ValueError("top must not be negative")


def name_groups(candidates: Vectors, candidate_words: Sequence[str], groups: Sequence[Vectors],
                member_words: Sequence[Sequence[str]], top: int = 3,
                method: Method = IN_SPACE, candidate_hubness: Vectors | None = None) -> list[Names]:
    """For each group, its ``top`` names with scores, best first, from one static vector space.

    ``candidates`` are unit rows for ``candidate_words`` (e.g. the most frequent words of the
    space); ``groups[i]`` holds the unit vectors of ``member_words[i]``. Members and their
    inflections are never names. ``candidate_hubness`` (from `hubness(candidates, candidates, k)`)
    saves recomputing it per call when ``method.csls`` is k; it is ignored otherwise. A group may
    get fewer than ``top`` names when fewer candidates are left.
    """
    candidates = np.asarray(candidates, dtype=np.float32)
    _check(candidates, candidate_words, len(groups), "group", member_words, top)
    if method.csls and candidate_hubness is None:
        candidate_hubness = hubness(candidates, candidates, method.csls)
    names = []
    for members, words in zip(groups, member_words, strict=True):
        members = np.asarray(members, dtype=np.float32).reshape(-1, candidates.shape[1])
        scores = _scores(candidates, members, method, candidate_hubness)
        names.append(_ranked(scores, candidate_words, excluded(candidate_words, words), top))
    return names


def name_phrases(candidates: Vectors, candidate_words: Sequence[str], phrases: Vectors,
                 member_words: Sequence[Sequence[str]], top: int = 3) -> list[Names]:
    """For each phrase vector, its ``top`` names by cosine (the `PHRASE` method).

    ``phrases[i]`` is a sentence encoder's unit vector for ``", ".join(member_words[i])`` and
    ``candidates`` are the same encoder's unit vectors for ``candidate_words``.
    """
    candidates = np.asarray(candidates, dtype=np.float32)
    _check(candidates, candidate_words, len(member_words), "phrase", member_words, top)
    phrases = np.asarray(phrases, dtype=np.float32).reshape(-1, candidates.shape[1])
    if len(phrases) != len(member_words):
        raise ValueError("one list of member words is needed for each phrase")
    scores = np.asarray(candidates @ phrases.T, dtype=np.float64)
    return [_ranked(scores[:, index], candidate_words, excluded(candidate_words, words), top)
            for index, words in enumerate(member_words)]

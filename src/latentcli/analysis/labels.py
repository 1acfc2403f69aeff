"""Names for groups of words, chosen automatically: the word that stands for all the members.

`naming` holds the methods and their measurements; this module applies the in-space one to a
`Space`: candidates are the space's most frequent plain words (category names are common words),
members and their inflections excluded. A group no candidate can name (a tiny model) is named
after its most central member, and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from latentcli.analysis.naming import IN_SPACE_CANDIDATES, is_plain_word, name_groups
from latentcli.core.space import Matrix, Space

RUNNERS_UP = 2
IN_SPACE_METHOD = ("the frequent word closest to all the members at once (highest mean cosine "
                   "less twice its spread)")
CENTRAL_MEMBER = "its most central member (no other word could name it)"


@dataclass(frozen=True)
class GroupName:
    """A group's name, the next best names, and how they were chosen."""

    name: str
    candidates: tuple[str, ...]
    method: str


def candidate_rows(space: Space, count: int = IN_SPACE_CANDIDATES) -> list[int]:
    """Among the ``count`` most frequent rows, those whose word is plain letters (not zero)."""
    norms = np.asarray(space.norms[:count])
    return [row for row in range(len(norms))
            if norms[row] > 0 and is_plain_word(space.vocabulary.word(row))]


def name_clusters(space: Space, members: Sequence[Sequence[str]],
                  vectors: Sequence[Matrix]) -> list[GroupName]:
    """One `GroupName` per group; ``members[i]`` most central first, ``vectors[i]`` their rows.

    No word of any group names a group (a word on screen in one group naming another confuses).
    """
    grouped = {word for group in members for word in group}
    rows = [row for row in candidate_rows(space) if space.vocabulary.word(row) not in grouped]
    words = [space.vocabulary.word(row) for row in rows]
    matrix = np.asarray(space.vectors[rows], dtype=np.float32).reshape(len(rows), space.dims)
    ranked = name_groups(matrix, words, vectors, members, top=1 + RUNNERS_UP) if rows else [
        [] for _ in members]
    return [GroupName(names[0][0], tuple(name for name, _ in names[1:]), IN_SPACE_METHOD)
            if names else GroupName(group[0], (), CENTRAL_MEMBER)
            for names, group in zip(ranked, members, strict=True)]

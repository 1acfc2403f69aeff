"""Names for groups of words, chosen automatically: the word that stands for all the members.

`naming` holds the methods and their measurements; this module applies them to a `Space`. When
the space was opened with a ``namer`` (a transformer space: the built-in sentence encoder,
already fetched), the phrase method names every group: the members joined by ", " are encoded as
one phrase and the nearest of the encoder's `PHRASE_CANDIDATES` most frequent plain candidate
words is the name (23/26 first names on tests/data/categories.json, against 10/26 in-space; see
docs/structure.md). Otherwise the in-space method: candidates are the space's most frequent plain
words (category names are common words). Members and their inflections are never names. A group
no candidate can name (a tiny model) is named after its most central member, and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from latentcli.analysis.naming import (
    IN_SPACE_CANDIDATES,
    PHRASE_DESCRIPTION,
    Names,
    is_plain_word,
    name_groups,
    name_phrases,
)
from latentcli.analysis.topics import TOPIC_METHOD, is_text_group, name_topics
from latentcli.core.space import Matrix, Space, normalise_rows
from latentcli.core.text_encoder import TextEncoder

RUNNERS_UP = 2
IN_SPACE_METHOD = ("the frequent word closest to all the members at once (its average cosine "
                   "with them, less twice how much those cosines vary), as every command names "
                   "groups while no sentence encoder is fetched")
CENTRAL_MEMBER = "its most central member (no other word could name it)"
PHRASE_CANDIDATES = 20_000  # measured with 20,000: docs/structure.md, "Cluster names"
PHRASE_SHORTLIST = 30  # names ranked per group before keeping those the named space knows


@dataclass(frozen=True)
class GroupName:
    """A group's name, the next best names, and how they were chosen; for a group of texts that
    looks like two topics merged, the keywords of each (`topics.two_topics`)."""

    name: str
    candidates: tuple[str, ...]
    method: str
    halves: tuple[tuple[str, ...], tuple[str, ...]] | None = None


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
    namer = space.namer
    encoder = namer.encoder if namer is not None else None
    if namer is not None and encoder is not None and is_text_group(members):
        return _topic_names(space, namer, encoder, members, vectors)
    if namer is not None and encoder is not None:
        ranked, method = _phrase_names(space, namer, encoder, members, grouped)
    else:
        rows = [row for row in candidate_rows(space) if space.vocabulary.word(row) not in grouped]
        words = [space.vocabulary.word(row) for row in rows]
        matrix = np.asarray(space.vectors[rows], dtype=np.float32).reshape(len(rows), space.dims)
        ranked = name_groups(matrix, words, vectors, members, top=1 + RUNNERS_UP) if rows else [
            [] for _ in members]
        method = IN_SPACE_METHOD
    return [_named(names, group, method) for names, group in zip(ranked, members, strict=True)]


def _named(names: Names, members: Sequence[str], method: str,
           halves: tuple[tuple[str, ...], tuple[str, ...]] | None = None) -> GroupName:
    """The first of ``names`` and the runners-up; the most central member if there is none."""
    if not names:
        return GroupName(members[0], (), CENTRAL_MEMBER, halves)
    return GroupName(names[0][0], tuple(name for name, _ in names[1:]), method, halves)


def _topic_names(space: Space, namer: Space, encoder: TextEncoder,
                 members: Sequence[Sequence[str]], vectors: Sequence[Matrix]
                 ) -> list[GroupName]:
    """Names for groups of texts (`topics`), chosen among by the language model if one is at
    hand (`topic_reading`, imported only then: it brings the decoder's modules)."""
    from latentcli.analysis.topic_reading import READING_METHOD, likelihoods

    decoder = space.reader() if space.reader is not None else None
    reader = partial(likelihoods, decoder) if decoder is not None else None
    topics = name_topics(namer, encoder.encode, members, vectors, 1 + RUNNERS_UP, reader)
    method = f"{TOPIC_METHOD} ({namer.name})"
    if decoder is not None:
        method = f"{method}; {READING_METHOD} ({decoder.name})"
    return [_named(topic.names, group, method, topic.halves)
            for topic, group in zip(topics, members, strict=True)]


def _phrase_names(space: Space, namer: Space, encoder: TextEncoder,
                  members: Sequence[Sequence[str]], grouped: set[str]) -> tuple[list[Names], str]:
    """The phrase method's names (only words ``space`` has, so each can be looked up there)."""
    rows = [row for row in candidate_rows(namer, PHRASE_CANDIDATES)
            if namer.vocabulary.word(row) not in grouped]
    words = [namer.vocabulary.word(row) for row in rows]
    matrix = np.asarray(namer.vectors[rows], dtype=np.float32).reshape(len(rows), namer.dims)
    phrases, _ = normalise_rows(np.asarray(encoder.encode([", ".join(group) for group in members]),
                                           dtype=np.float32))
    shortlists = name_phrases(matrix, words, phrases, members, top=PHRASE_SHORTLIST)
    ranked = [[(word, score) for word, score in names
               if space.vocabulary.row(word) is not None][:1 + RUNNERS_UP] for names in shortlists]
    return ranked, (f"{PHRASE_DESCRIPTION} ({namer.name}), as every command names groups when "
                    "that encoder is fetched (without it, by the frequent word closest to all "
                    "the members)")

"""Names for groups of texts (topics): the words a person would say, not one of the texts.

A group of notes about espresso, lattes and roasts should be called "coffee". Candidates are the
words of the group's texts and the sentence encoder's frequent candidate words (its most frequent
`COMMON` are function words and never names), all embedded by the same encoder as the texts. Each
candidate is scored for one group by

- closeness: its cosine with the group's centre (the unit mean of the texts' vectors),
- distinctiveness: that cosine less its best cosine with any other group's centre, and
- c-TF-IDF (BERTopic): how much more often the word occurs in this group's texts than in all of
  them, scaled to 0..1 within the group,

added with the `WEIGHTS` measured on tests/data/topics.json (docs/structure.md, "Names for groups
of texts"). Members' own spellings are allowed here (a text is not a word: "coffee" may occur in
a coffee note); a group's name is never another group's name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from latentcli.analysis.naming import Names
from latentcli.core.space import Matrix, Space, TextEncoder, normalise_rows

TOPIC_CANDIDATES = 20_000  # the encoder's most frequent candidate words offered as names
COMMON = 250  # ... less its most frequent, which are function words ("the", "which", "said")
MIN_LETTERS = 3
WEIGHTS = (1.0, 1.0, 0.1, 1.0, 0.1)  # closeness, distinctiveness, c-TF-IDF, spread, frequency
TOPIC_METHOD = ("the word closest to the group's texts and least close to the other groups, from "
                "the texts' words and the encoder's frequent words")
_WORD = re.compile(r"[^\W\d_]+")


def is_text_group(members: Sequence[Sequence[str]]) -> bool:
    """Whether the members are texts (a space of your texts) rather than single words."""
    return any(len(_WORD.findall(member)) > 1 for group in members for member in group)


def text_words(text: str) -> list[str]:
    """The words of a text, lower-cased: letters only, at least `MIN_LETTERS` long."""
    return [word for word in _WORD.findall(text.lower()) if len(word) >= MIN_LETTERS]


def _candidates(namer: Space, encode: TextEncoder,
                members: Sequence[Sequence[str]]) -> tuple[list[str], Matrix]:
    """Candidate words and their unit vectors: the namer's frequent plain words, then the texts'
    words it lacks (encoded here)."""
    count = min(TOPIC_CANDIDATES, len(namer))
    common = {namer.vocabulary.word(row) for row in range(min(COMMON, count))}
    rows = [row for row in range(COMMON, count) if namer.vocabulary.word(row).isalpha()
            and namer.norms[row] > 0]
    words = [namer.vocabulary.word(row) for row in rows]
    known = set(words)
    extra = sorted({word for group in members for text in group for word in text_words(text)}
                   - known - common)
    matrix = np.asarray(namer.vectors[rows], dtype=np.float32).reshape(len(rows), namer.dims)
    if extra:
        encoded, _ = normalise_rows(np.asarray(encode(extra), dtype=np.float32))
        matrix = np.concatenate([matrix, encoded])
    return words + extra, matrix


def c_tf_idf(words: Sequence[str], members: Sequence[Sequence[str]]) -> np.ndarray:
    """BERTopic's class-based TF-IDF of each candidate (rows) in each group (columns), each column
    scaled to a maximum of 1: ``tf(w, g) / |g| · log(1 + A / tf(w))``, A the mean group length."""
    counts = [Counter(word for text in group for word in text_words(text)) for group in members]
    column = {word: index for index, word in enumerate(words)}
    tf = np.zeros((len(words), len(members)))
    for group, counted in enumerate(counts):
        for word, times in counted.items():
            if word in column:
                tf[column[word], group] = times
    sizes = np.maximum(tf.sum(axis=0), 1)
    average = float(sizes.mean())
    total = tf.sum(axis=1, keepdims=True)
    scores = (tf / sizes) * np.log(1 + average / np.maximum(total, 1))
    peak = scores.max(axis=0, keepdims=True)
    return np.asarray(scores / np.where(peak > 0, peak, 1))


def name_topics(namer: Space, encode: TextEncoder, members: Sequence[Sequence[str]],
                vectors: Sequence[Matrix], top: int = 3) -> list[Names]:
    """For each group of texts, its ``top`` names with scores, best first; ``vectors[i]`` are the
    unit vectors of ``members[i]`` from the same encoder as ``namer``'s candidates."""
    words, matrix = _candidates(namer, encode, members)
    centres, _ = normalise_rows(np.stack([np.asarray(group, dtype=np.float32).mean(axis=0)
                                          for group in vectors]))
    cosines = np.asarray(matrix @ centres.T, dtype=np.float64)
    spread = np.stack([np.asarray(matrix @ np.asarray(group, dtype=np.float32).T,
                                  dtype=np.float64).std(axis=1) for group in vectors], axis=1)
    ranks = np.arange(len(words), dtype=np.float64)
    frequency = (1 - np.log1p(ranks) / np.log1p(len(words)))[:, np.newaxis]
    if len(members) > 1:
        others = np.stack([np.delete(cosines, group, axis=1).max(axis=1)
                           for group in range(len(members))], axis=1)
    else:
        others = np.zeros_like(cosines)
    close, distinct, frequent, spreading, common = WEIGHTS
    scores = (close * cosines + distinct * (cosines - others) + frequent * c_tf_idf(words, members)
              - spreading * spread + common * frequency)
    names: list[Names] = []
    taken: set[str] = set()
    for group in range(len(members)):
        order = np.argsort(-scores[:, group], kind="stable")
        ranked = [(words[i], float(scores[i, group])) for i in order[:top + len(members)]
                  if words[i] not in taken][:top]
        if ranked:
            taken.add(ranked[0][0])
        names.append(ranked)
    return names

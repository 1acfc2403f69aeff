"""Names for groups of texts (topics): the words a person would say, not one of the texts.

A group of notes about espresso, lattes and roasts should be called "coffee". Candidates are the
sentence encoder's frequent candidate words (its most frequent `COMMON` are function words and
never names) and the words of the texts, all embedded by the same encoder as the texts. A group is
read in two steps, as KeyBERT and BERTopic do: its own words nearest its centre (the unit mean of
its texts' vectors) and least near the other groups' are its keywords ("latte, espresso, roast");
the keywords, read as one phrase, point at a general word ("coffee"), as groups of words are named
(`labels`). A candidate's score adds, with the `WEIGHTS` measured on tests/data/topics.json
(docs/structure.md, "Names for groups of texts"):

- its cosine with the keywords' phrase,
- its distinctiveness: its cosine with the group's centre less its best with another group's, and
- its frequency (rank among the candidates, on a log scale): a topic's name is a common word.

Two groups never share a first name: the bigger group (groups come biggest first) keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from latentcli.analysis.naming import Names, is_inflection
from latentcli.core.space import Matrix, Space, normalise_rows

Encode = Callable[[Sequence[str]], Matrix]  # texts → raw vectors (`TextEncoder.encode`)

TOPIC_CANDIDATES = 20_000  # the encoder's most frequent candidate words offered as names
COMMON = 250  # ... less its most frequent, which are function words ("the", "which", "said")
MIN_LETTERS = 3
KEYWORDS = 6  # a group's own words read together as one phrase
WEIGHTS = (1.0, 0.5, 0.5)  # the keywords' phrase, distinctiveness, frequency
TOPIC_METHOD = ("a common word nearest the group's keywords read as one phrase and nearer its "
                "texts than the other groups'")
_WORD = re.compile(r"[^\W\d_]+")


def is_text_group(members: Sequence[Sequence[str]]) -> bool:
    """Whether the members are texts (a space of your texts) rather than words: a member holds
    a space (word2vec's phrases are joined by "_", and stay words)."""
    return any(len(member.split()) > 1 for group in members for member in group)


def text_words(text: str) -> list[str]:
    """The words of a text, lower-cased: letters only, at least `MIN_LETTERS` long."""
    return [word for word in _WORD.findall(text.lower()) if len(word) >= MIN_LETTERS]


def _candidates(namer: Space, encode: Encode,
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


def _others(cosines: np.ndarray) -> np.ndarray:
    """For each group (column), each candidate's best cosine with any other group's centre."""
    if cosines.shape[1] < 2:
        return np.zeros_like(cosines)
    return np.stack([np.delete(cosines, group, axis=1).max(axis=1)
                     for group in range(cosines.shape[1])], axis=1)


def keywords(words: Sequence[str], cosines: np.ndarray, others: np.ndarray,
             members: Sequence[Sequence[str]]) -> list[list[str]]:
    """Each group's `KEYWORDS` own words (from its texts) nearest its centre and least near the
    others': specific words ("latte", "espresso") from which a general name is then read."""
    index = {word: row for row, word in enumerate(words)}
    chosen = []
    for group, texts in enumerate(members):
        rows = sorted({index[word] for text in texts for word in text_words(text) if word in index})
        rows.sort(key=lambda row: (-(2 * cosines[row, group] - others[row, group]), row))
        chosen.append([words[row] for row in rows[:KEYWORDS]])
    return chosen


def _read(words: Sequence[str], matrix: Matrix, encode: Encode,
          chosen: list[list[str]]) -> np.ndarray:
    """Each candidate's cosine with each group's keywords read as one phrase; a keyword's own with
    the phrase of the other keywords (leave one out), so it is not named for being in the phrase.
    """
    phrases = [", ".join(group) for group in chosen]
    left_out = [(group, word, ", ".join(other for other in chosen[group] if other != word))
                for group in range(len(chosen)) for word in chosen[group]]
    vectors, _ = normalise_rows(np.asarray(encode(phrases + [text for _, _, text in left_out]),
                                           dtype=np.float32))
    read = np.asarray(matrix @ vectors[:len(phrases)].T, dtype=np.float64)
    index = {word: row for row, word in enumerate(words)}
    for (group, word, _), vector in zip(left_out, vectors[len(phrases):], strict=True):
        read[index[word], group] = float(matrix[index[word]] @ vector)
    return read


def name_topics(namer: Space, encode: Encode, members: Sequence[Sequence[str]],
                vectors: Sequence[Matrix], top: int = 3) -> list[Names]:
    """For each group of texts, its ``top`` names with scores, best first; ``vectors[i]`` are the
    unit vectors of ``members[i]`` from the same encoder as ``namer``'s candidates."""
    words, matrix = _candidates(namer, encode, members)
    centres, _ = normalise_rows(np.stack([np.asarray(group, dtype=np.float32).mean(axis=0)
                                          for group in vectors]))
    cosines = np.asarray(matrix @ centres.T, dtype=np.float64)
    others = _others(cosines)
    read = _read(words, matrix, encode, keywords(words, cosines, others, members))
    ranks = np.arange(len(words), dtype=np.float64)
    frequency = (1 - np.log1p(ranks) / np.log1p(len(words)))[:, np.newaxis]
    phrase, distinct, common = WEIGHTS
    scores = phrase * read + distinct * (cosines - others) + common * frequency
    names: list[Names] = []
    for group in range(len(members)):  # biggest first: a bigger group has first pick of names
        names.append(_ranked(words, scores[:, group], top, {found[0][0] for found in names
                                                             if found}))
    return names


def _ranked(words: Sequence[str], scores: np.ndarray, top: int, taken: set[str]) -> Names:
    """The best ``top`` names, skipping inflections of a better one (coffee, not also coffees)
    and, as the first, another group's name (two groups called the same say nothing)."""
    names: Names = []
    for row in np.argsort(-scores, kind="stable"):
        word = words[int(row)]
        if not names and word in taken:
            continue
        if not any(is_inflection(word, name) for name, _ in names):
            names.append((word, float(scores[row])))
            if len(names) == top:
                break
    return names

"""Names for groups of texts (topics): the words a person would say, not one of the texts.

A group of notes about espresso, lattes and roasts should be called "coffee", and notes on
strikers, goalkeepers and penalties "football", not "goalkeeper": a name covers the whole group,
not one of its texts. Candidates are the sentence encoder's frequent candidate words (its most
frequent `COMMON` are function words and never names) and the words of the texts, all embedded by
the same encoder as the texts. A group is read in two steps, as KeyBERT and BERTopic do: its own
words nearest its centre (the unit mean of its texts' vectors) and least near the other groups'
are its keywords ("latte, espresso, roast"); the keywords, read as one phrase, point at a general
word ("coffee"), as groups of words are named (`labels`). A candidate's score adds, with the
`WEIGHTS` measured on tests/data/topics.json (docs/structure.md, "Groups of your own texts"):

- its cosine with the keywords' phrase,
- its coverage of the texts: its cosines with each of them, at their weakest (their mean less
  twice their spread, as in-space names are scored) — an instance ("goalkeeper") is near one
  note, the category near all, and
- its frequency (rank among the candidates, on a log scale, the `COMMON_ENOUGH` most frequent all
  alike): a topic's name is a common word, but the very commonest ("service") name nothing.

When a language model is at hand (``reader``: already fetched, never fetched for naming), it
reads the group's most central texts and picks, of the three best names, the one it finds likeliest
to say what they are about (`topic_reading`): it tells the category from an instance better
than any cosine. Two groups never share a first name: the bigger group (groups come biggest
first) keeps it.

`two_topics` says when a group looks like two topics merged by a too small k.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from latentcli.analysis.naming import IN_SPACE, Names, is_inflection
from latentcli.analysis.numpy_fits import KMEANS_EXACT_UP_TO, kmeans
from latentcli.core.space import Matrix, Space, normalise_rows

Encode = Callable[[Sequence[str]], Matrix]  # texts → raw vectors (`TextEncoder.encode`)
# A group's texts and its best names → how likely a language model finds each as their topic
# (`topic_reading.likelihoods`).
Reader = Callable[[Sequence[str], Sequence[str]], Sequence[float]]

TOPIC_CANDIDATES = 20_000  # the encoder's most frequent candidate words offered as names
COMMON = 250  # ... less its most frequent, which are function words ("the", "which", "said")
MIN_LETTERS = 3
KEYWORDS = 6  # a group's own words read together as one phrase
WEIGHTS = (1.0, 0.5, 0.25)  # the keywords' phrase, coverage of the texts, frequency
COMMON_ENOUGH = 300  # candidates at least this frequent are equally common
READ = 3  # the names a language model chooses among
CHUNK = 256  # texts whose cosines with every candidate are held at once
APART = -0.1  # two halves of a group whose centres' cosine (from the mean of all) is below: two
MIN_HALF = 2  # ... topics, if each half holds at least this many texts
SPLIT_RESTARTS = 4
HALF_KEYWORDS = 3
TOPIC_METHOD = ("a common word nearest the group's keywords read as one phrase and close to "
                "all its texts")
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


@dataclass(frozen=True)
class Topic:
    """A group's names, best first, and, when its texts fall into two halves that look like two
    topics merged (`two_topics`), each half's keywords."""

    names: Names
    halves: tuple[tuple[str, ...], tuple[str, ...]] | None = None


def name_topics(namer: Space, encode: Encode, members: Sequence[Sequence[str]],
                vectors: Sequence[Matrix], top: int = 3, reader: Reader | None = None
                ) -> list[Topic]:
    """For each group of texts, its ``top`` names with scores, best first, and its halves if it
    looks like two topics; ``vectors[i]`` are the unit vectors of ``members[i]`` (most central
    first) from the same encoder as ``namer``'s candidates. With ``reader``, a language model
    puts first the likeliest of the `READ` best names."""
    words, matrix = _candidates(namer, encode, members)
    centres, _ = normalise_rows(np.stack([np.asarray(group, dtype=np.float32).mean(axis=0)
                                          for group in vectors]))
    cosines = np.asarray(matrix @ centres.T, dtype=np.float64)
    phrases = _read(words, matrix, encode, keywords(words, cosines, _others(cosines), members))
    phrase, coverage, common = WEIGHTS
    frequency = common * _frequency(len(words))
    names: list[Names] = []
    for group, texts in enumerate(vectors):  # biggest first: a bigger group has first pick
        scores = phrase * phrases[:, group] + coverage * _coverage(matrix, texts) + frequency
        taken = {found[0][0] for found in names if found}
        ranked = _ranked(words, scores, max(top, READ if reader else 0), taken)
        if reader is not None:
            ranked = _likeliest(ranked, members[group], taken, reader)
        names.append(ranked[:top])
    halves = two_topics(words, matrix, members, vectors)
    return [Topic(found, split) for found, split in zip(names, halves, strict=True)]


def two_topics(words: Sequence[str], matrix: Matrix, members: Sequence[Sequence[str]],
               vectors: Sequence[Matrix]) -> list[tuple[tuple[str, ...], tuple[str, ...]] | None]:
    """For each group, the keywords of its two halves if it looks like two topics merged, else
    None. Its texts are split in two by k-means (at least `MIN_HALF` each, among at most
    `KMEANS_EXACT_UP_TO` of them spread over the group); measured from the mean of all the
    texts, a topic's halves still point the same way, two topics' apart: their centres' cosine
    is below `APART`."""
    everything = np.concatenate([np.asarray(group, dtype=np.float32) for group in vectors])
    middle = everything.mean(axis=0)
    found: list[tuple[tuple[str, ...], tuple[str, ...]] | None] = []
    for texts, units in zip(members, vectors, strict=True):
        rows = np.unique(np.linspace(0, len(units) - 1, min(len(units), KMEANS_EXACT_UP_TO))
                         .round().astype(np.intp))
        if len(rows) < 2 * MIN_HALF:
            found.append(None)
            continue
        sample = np.asarray(units, dtype=np.float32)[rows]
        labels = kmeans(sample, 2, SPLIT_RESTARTS, 0)
        if min(np.bincount(labels, minlength=2)) < MIN_HALF:  # no two halves (alike texts)
            found.append(None)
            continue
        apart, _ = normalise_rows(sample - middle)
        ends, _ = normalise_rows(np.stack([apart[labels == half].mean(axis=0) for half in (0, 1)]))
        if float(ends[0] @ ends[1]) >= APART:
            found.append(None)
            continue
        halves = [[texts[row] for row, label in zip(rows, labels, strict=True) if label == half]
                  for half in (0, 1)]
        centres, _ = normalise_rows(np.stack([sample[labels == half].mean(axis=0)
                                              for half in (0, 1)]))
        cosines = np.asarray(matrix @ centres.T, dtype=np.float64)
        first, second = keywords(words, cosines, cosines[:, ::-1], halves)
        found.append((tuple(first[:HALF_KEYWORDS]), tuple(second[:HALF_KEYWORDS])))
    return found


def _coverage(matrix: Matrix, texts: Matrix) -> np.ndarray:
    """How each candidate's cosines with the texts hold up at their weakest: their mean less
    `IN_SPACE`'s multiple of their spread, summed over the texts a `CHUNK` at a time."""
    total = np.zeros(len(matrix))
    squares = np.zeros(len(matrix))
    units = np.asarray(texts, dtype=np.float32).reshape(-1, matrix.shape[1])
    for start in range(0, len(units), CHUNK):
        cosines = np.asarray(matrix @ units[start:start + CHUNK].T, dtype=np.float64)
        total += cosines.sum(axis=1)
        squares += np.square(cosines).sum(axis=1)
    mean = total / len(units)
    spread = np.sqrt(np.maximum(squares / len(units) - np.square(mean), 0.0))
    return mean - IN_SPACE.parameter * spread


def _frequency(count: int) -> np.ndarray:
    """Each candidate's commonness, from 1 (among the `COMMON_ENOUGH` most frequent) down to 0
    (the last), on a log scale of its rank."""
    ranks = np.arange(count, dtype=np.float64)
    top = np.log1p(min(COMMON_ENOUGH, max(count - 1, 0)))
    return np.asarray(np.clip((np.log1p(count) - np.log1p(ranks)) / (np.log1p(count) - top),
                              0.0, 1.0))


def _likeliest(ranked: Names, texts: Sequence[str], taken: set[str], reader: Reader) -> Names:
    """``ranked`` with the language model's likeliest of its first `READ` names first (never
    another group's first name), the others after it in their order."""
    chosen = [(word, score) for word, score in ranked[:READ] if word not in taken]
    if len(chosen) < 2:
        return ranked
    likelihoods = reader(texts, [word for word, _ in chosen])
    best = chosen[int(np.argmax(likelihoods))]  # ties: the encoder's order
    return [best, *(name for name in ranked if name != best)]


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

"""'Did you mean' for unknown words, fast enough over 400,000 words to run on every typo.

Two stages: a vectorised scan scores every word by the character bigrams it shares with the query
(the newline between words in the vocabulary blob doubles as the word-boundary marker), then the
best few hundred candidates get an exact edit distance (with transpositions). Ties go to the more
frequent word, i.e. the lower row.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from latentcli.core.ranking import ranked_rows
from latentcli.core.vocabulary import Vocabulary

CANDIDATES = 100


def _bigram_codes(data: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint16]:
    wide = data.astype(np.uint16)
    return np.asarray((wide[:-1] << 8) | wide[1:], dtype=np.uint16)


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions, transpositions."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def suggest(vocabulary: Vocabulary, word: str, limit: int = 5) -> list[str]:
    """Up to ``limit`` vocabulary words close to ``word``, closest (then most frequent) first."""
    if len(vocabulary) == 0 or not word:
        return []
    queries = {word, word.lower()}
    blob = vocabulary.blob_bytes()
    wanted = np.zeros(1 << 16, dtype=bool)
    for query in queries:
        encoded = np.frombuffer(b"\n" + query.encode("utf-8") + b"\n", dtype=np.uint8)
        wanted[_bigram_codes(encoded)] = True
    # A bigram ending at blob[i] belongs to the word containing byte i; the bigram that starts at a
    # word's last newline and runs into the next word is the next word's leading boundary.
    hits = np.zeros(len(blob) + 1, dtype=np.int32)
    hits[2:] = wanted[_bigram_codes(blob)]
    hits[1] = wanted[ord("\n") << 8 | int(blob[0])]
    running = np.cumsum(hits)  # running[i] counts the hits in blob[:i]
    offsets = np.asarray(vocabulary.offsets)
    shared = running[offsets[1:]] - running[offsets[:-1]]
    lengths = np.diff(offsets)
    score = shared / (lengths + len(word.encode("utf-8")) + 1)
    best = ranked_rows(score, CANDIDATES)
    cutoff = 1 if len(word) <= 4 else 2 if len(word) <= 8 else 3
    ranked = []
    for row in best.tolist():
        candidate = vocabulary.word(row)
        if abs(len(candidate) - len(word)) > cutoff:
            continue
        distance = min(edit_distance(query, candidate) for query in queries)
        if 0 < distance <= cutoff or (distance == 0 and candidate != word):
            ranked.append((distance, row, candidate))
    ranked.sort()
    return [candidate for _, _, candidate in ranked[:limit]]


def close_matches(word: str, choices: list[str], limit: int = 3) -> list[str]:
    """The ``choices`` within a few edits of ``word`` (for short lists such as model names)."""
    cutoff = max(2, len(word) // 3)
    ranked = sorted((edit_distance(word, choice), index, choice)
                    for index, choice in enumerate(choices))
    return [choice for distance, _, choice in ranked if distance <= cutoff][:limit]

"""A word in context: its last-layer vector in each sentence, against its one static vector.

A word-vector model (GloVe) gives ``bank`` one vector whatever the sentence; a transformer gives
each occurrence its own, the mean of the word's word-piece vectors from the last layer. This
module finds the word's pieces (case-insensitively, as a whole word), compares the contexts by
cosine and names each context's nearest candidate words (forms of the word itself left out).
The token vectors come from the space's encoder (`Space.encoder`, handed in when the store opened
it), so analysis needs no encoder of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from latentcli.core.queries import fit_top, neighbors
from latentcli.core.space import Space, normalise_rows
from latentcli.core.text_checks import check_text
from latentcli.core.text_encoder import TextEncoder
from latentcli.errors import LatentError, UnknownWordError, UsageError
from latentcli.results import Scored
from latentcli.results.context import ContextResult, WordUse

if TYPE_CHECKING:
    import numpy.typing as npt


def find_word(word: str, sentence: str) -> tuple[int, int]:
    """The character span of ``word``'s first whole-word occurrence in ``sentence``, any case."""
    match = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", sentence, re.IGNORECASE)
    if match is None:
        raise UsageError(f"{word!r} does not occur in the sentence {sentence!r}")
    return match.start(), match.end()


def word_use(word: str, sentence: str,
             encoder: TextEncoder) -> tuple[tuple[int, int], list[str], npt.NDArray[np.float32]]:
    """The word's span, its pieces and their mean last-layer vector in ``sentence``."""
    start, end = find_word(word, check_text(sentence))
    pieces = encoder.token_vectors(sentence)
    rows = [i for i, ((a, b), owner) in enumerate(zip(pieces.offsets, pieces.word_ids,
                                                      strict=True))
            if owner is not None and a < end and b > start]
    if not rows:
        raise LatentError(f"{word!r} in {sentence!r} lies beyond the model's maximum length")
    vector = np.asarray(pieces.vectors[rows].mean(axis=0), dtype=np.float32)
    return (start, end), [pieces.tokens[i] for i in rows], vector


def forms_of(space: Space, word: str) -> list[int]:
    """The candidates spelled like ``word``: containing it, or starting with all of it but its
    last letter (bank: banks, banking, banco). Near it in every context, they say nothing about
    its sense, so they are left out of each context's nearest words."""
    needle = word.lower()
    stem = needle[:-1] if len(needle) > 3 else needle
    return [row for row in range(len(space))
            if needle in (candidate := space.word(row).lower()) or candidate.startswith(stem)]


def in_context(space: Space, static: Space, word: str, sentences: Sequence[str],
               top: int = 5) -> ContextResult:
    """``word`` in each of ``sentences`` (two or more), compared, beside ``static``'s view."""
    encoder = space.encoder
    if encoder is None:
        raise UsageError(f"{space.name} is a word-vector model, with one vector per word; words "
                         "in context need a transformer: -m all-minilm-l6-v2 or a model "
                         "directory")
    if len(sentences) < 2:
        raise UsageError("give at least two sentences to compare the word's contexts")
    top = fit_top(space, top)
    uses = [word_use(word, sentence, encoder) for sentence in sentences]
    units, _ = normalise_rows(np.stack([vector for _, _, vector in uses]))
    scores = space.cosines(units)
    own = forms_of(space, word)
    contexts = tuple(
        WordUse(sentence=sentence, start=span[0], end=span[1], pieces=tuple(tokens),
                neighbors=tuple(Scored(word=space.word(row), similarity=score)
                      for row, score in space.top(scores[:, column], top, own)))
        for column, (sentence, (span, tokens, _)) in enumerate(zip(sentences, uses, strict=True)))
    matrix = np.clip(units.astype(np.float64) @ units.T.astype(np.float64), -1.0, 1.0)
    notes: tuple[str, ...] = ()
    try:
        fixed = neighbors(static, word, top)
        static_neighbors, notes = fixed.neighbors, fixed.notes
    except UnknownWordError:
        static_neighbors = ()
        notes = (f"{word!r} is not in {static.name}, so it has no static vector to compare",)
    return ContextResult(model=space.name, word=word, contexts=contexts,
                         similarity=tuple(tuple(float(x) for x in row) for row in matrix),
                         static_model=static.name, static_neighbors=static_neighbors, notes=notes)

"""`TextEncoder`: what a transformer space can do with any text, handed to its `Space` when it is
opened (the store's implementation loads the transformer on first use).

A space of word vectors has none: its vocabulary is all it knows. A transformer space's
vocabulary is only a list of candidate words; every other text is encoded when asked for, and
words in context read the encoder's last-layer vector of each word piece.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt


class WordPieces(Protocol):
    """What a transformer says about one text (`transformer.encoder.TokenVectors`): its word
    pieces, their last-layer vectors, character spans and the word each belongs to."""

    @property
    def tokens(self) -> list[str]: ...

    @property
    def vectors(self) -> npt.NDArray[np.float32]: ...

    @property
    def offsets(self) -> list[tuple[int, int]]: ...

    @property
    def word_ids(self) -> list[int | None]: ...


class TextEncoder(Protocol):
    """Texts → raw (not normalised) vectors, and one text → its word pieces."""

    @property
    def layers(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...

    def token_vectors(self, text: str) -> WordPieces: ...

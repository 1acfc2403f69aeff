"""`Space`: a model's words and unit vectors, memory-mapped, with the lookups every command needs.

Rows are L2-normalised float32 (an all-zero row stays zero), so cosine similarity is one mat-vec.
The original norms are kept beside them for explanations. No printing, no UI: problems are raised
as `LatentError`s and notices (such as a word found only in lower case) are returned to the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

import numpy as np

from latentcli.core.ranking import ranked_rows
from latentcli.core.subwords import Subwords
from latentcli.core.text_checks import check_text, nfc
from latentcli.core.text_encoder import TextEncoder
from latentcli.core.vocabulary import Vocabulary, vocabulary_from_words
from latentcli.errors import ModelError, UnknownWordError, clip

if TYPE_CHECKING:
    import numpy.typing as npt

    from latentcli.networks.decoder.decoder import Decoder

    Matrix = npt.NDArray[np.float32]
    Vector = npt.NDArray[np.float32]
else:  # annotations are never evaluated, and numpy.typing would cost start-up time
    Matrix = Vector = np.ndarray

# Below this norm a row's squares underflow float32 (values under ~1e-19 square to subnormals or
# zero), so gensim's float32 norm is wrong or 0 and identical tiny rows would get cosine 0.
# No real embedding has rows this short: above it, normalising is exactly gensim's.
TINY_NORM = np.float32(2.0 ** -50)


def normalise_rows(matrix: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.float32],
                                                              npt.NDArray[np.float32]]:
    """Unit rows and the original norms, computed as gensim does (float32); zero rows stay zero.

    A row that is not zero but shorter than `TINY_NORM` (subnormal values, say) is normalised in
    float64 instead, where its squares do not underflow: it keeps its direction (and a positive
    norm) rather than becoming a zero row or a wrong-length one.
    """
    norms = np.linalg.norm(matrix, axis=1).astype(np.float32)
    safe = np.where(norms > 0, norms, np.float32(1))
    unit = (matrix / safe[:, np.newaxis]).astype(np.float32)
    short = np.flatnonzero(norms < TINY_NORM)
    if short.size:
        rows = np.asarray(matrix[short], dtype=np.float64)
        lengths = np.linalg.norm(rows, axis=1)
        tiny = lengths > 0  # all-zero rows stay zero
        unit[short[tiny]] = (rows[tiny] / lengths[tiny, np.newaxis]).astype(np.float32)
        norms[short[tiny]] = lengths[tiny].astype(np.float32)
    return unit, norms


@dataclass(frozen=True, eq=False)
class WordRow:
    """A word as the user typed it, the vocabulary entry it resolved to, and its own vector.

    ``row`` is None for a word built from fastText subwords, or a text a transformer space
    encoded (``from_text``): it has no row, so it cannot be used to index the vocabulary's arrays;
    everything about the word travels with it (``unit``, ``norm``).
    """

    typed: str
    word: str
    row: int | None
    unit: Vector
    norm: float
    from_text: bool = False

    @property
    def subword(self) -> bool:
        """Not in the vocabulary: a vector built from character n-grams."""
        return self.row is None and not self.from_text

    @property
    def note(self) -> str | None:
        if self.subword:
            return (f"{clip(self.typed)!r} is not in the vocabulary; its vector was built from its "
                    "character n-grams")
        if self.from_text:
            return f"{clip(self.typed)!r} is not a candidate word; the model encoded it as text"
        if self.typed == self.word:
            return None
        return f"{clip(self.typed)!r} is not in the vocabulary; using {clip(self.word)!r}"


def lookup_notes(rows: Iterable[WordRow]) -> tuple[str, ...]:
    """What the user should hear about how their words were found, each note once."""
    return tuple(dict.fromkeys(row.note for row in rows if row.note))


class Space:
    """An embedding space: vocabulary plus unit-normalised vectors, in the model's row order.

    What a space can do besides looking words up is fixed when it is opened, never set later:
    with ``subwords`` (fastText), a word outside the vocabulary still gets a vector, carried by
    its `WordRow` (which has no row); with an ``encoder`` (a transformer space) the vocabulary is
    a list of candidate words, and any other text is encoded on the fly; a ``namer`` is the
    transformer space whose words name this space's groups (`analysis.labels`; None: its own
    words name them); ``of_texts``: the entries are texts (a space of your texts, ``latent embed
    --name``), so its groups are named by the words of an encoder's candidates; a ``reader``
    opens the language model that chooses among those names (`analysis.topic_reading`) on first
    call, None if it cannot be opened (None: no language model is at hand).
    """

    def __init__(self, name: str, vocabulary: Vocabulary, vectors: Matrix,
                 norms: npt.NDArray[np.float32], subwords: Subwords | None = None,
                 on_damage: Callable[[], None] | None = None, *,
                 encoder: TextEncoder | None = None, namer: Space | None = None,
                 of_texts: bool = False, reader: Callable[[], Decoder | None] | None = None
                 ) -> None:
        self.name = name
        self.on_damage = on_damage  # the cache's way to have a damaged entry rebuilt
        self.vocabulary = vocabulary
        self.vectors = vectors
        self.norms = norms
        self.subwords = subwords
        self.encoder = encoder
        self.namer = namer
        self.of_texts = of_texts
        self.reader = reader

    def with_namer(self, namer: Space | None,
                   reader: Callable[[], Decoder | None] | None = None) -> Space:
        """This space (the same arrays) with ``namer`` naming its groups (and ``reader``'s
        language model choosing among the names)."""
        return Space(self.name, self.vocabulary, self.vectors, self.norms, self.subwords,
                     self.on_damage, encoder=self.encoder, namer=namer, of_texts=self.of_texts,
                     reader=reader)

    @classmethod
    def from_vectors(cls, name: str, words: list[str], raw: npt.ArrayLike) -> Space:
        """An in-memory space (for tests and derived spaces); normalises like the cache does."""
        unit, norms = normalise_rows(np.ascontiguousarray(raw, dtype=np.float32))
        return cls(name, vocabulary_from_words(words), unit, norms)

    def __len__(self) -> int:
        return len(self.vocabulary)

    @property
    def dims(self) -> int:
        return int(self.vectors.shape[1])

    def lookup(self, word: str) -> WordRow:
        """Exact match first, then the lower-case form; else `UnknownWordError` with suggestions.
        A word no model can hold (bytes that were not UTF-8, a NUL) is refused first, for every
        command alike."""
        check_text(word, noun="word")
        composed = nfc(word)
        for candidate in dict.fromkeys((word, composed, word.lower(), composed.lower())):
            try:
                row = self.vocabulary.row(candidate)
            except (IndexError, UnicodeDecodeError):  # a garbled row the sampling missed
                self.damaged("vocabulary files are inconsistent")
            if row is not None:
                return self.at(row, word)
        raw = self.subwords.vector(word) if self.subwords is not None else None
        if raw is not None:
            if not np.isfinite(raw).all():  # the n-gram rows this word touched (see `unit`)
                self.damaged("n-gram vectors hold values that are not numbers")
            norm = float(np.linalg.norm(raw.astype(np.float64)))
            unit = (raw / norm if norm > 0 else raw).astype(np.float32)
            return WordRow(word, word, None, unit, norm)
        if self.encoder is not None:
            return self.encode_text(word)
        from latentcli.core.suggestions import suggest

        raise UnknownWordError(word, self.name, suggest(self.vocabulary, word))

    def encode_text(self, text: str) -> WordRow:
        """``text`` as the space's encoder embeds it (a transformer space only)."""
        if self.encoder is None:
            raise ModelError(f"{self.name} cannot encode text")
        raw = np.asarray(self.encoder.encode([check_text(text)])[0], dtype=np.float32)
        unit, norms = normalise_rows(raw[np.newaxis, :])
        return WordRow(text, text, None, unit[0], float(norms[0]), from_text=True)

    def at(self, row: int, typed: str | None = None) -> WordRow:
        """The vocabulary's word at ``row`` (as typed: ``typed``, else the word itself)."""
        word = self.vocabulary.word(row)
        return WordRow(typed or word, word, row, self.unit(row), float(self.norms[row]))

    def known(self, words: Iterable[str]) -> list[str]:
        """The ``words`` the vocabulary has exactly (no lower-case fallback), in order."""
        return [word for word in words if self.vocabulary.row(word) is not None]

    def unit(self, row: int) -> Vector:
        """Row ``row``'s unit vector, checked: opening checks the norms, not every value, so a
        query checks the rows it touches (one row: cheap) and a damaged one is reported once and
        its entry rebuilt, instead of a NaN turning the query into the zero vector."""
        vector = np.asarray(self.vectors[row])
        if not np.isfinite(vector).all():
            self.damaged()
        return vector

    def word(self, row: int) -> str:
        return self.vocabulary.word(row)

    def similarities(self, query: Vector) -> npt.NDArray[np.float32]:
        """Cosine similarity of every row with ``query`` (which must be unit length or zero),
        clamped to [-1, 1]: float32 rounding gives a word 1.0000001 with itself."""
        scores = np.asarray(self.vectors @ query.astype(np.float32, copy=False))
        if np.isnan(scores).any():
            self.damaged()
        return np.clip(scores, -1.0, 1.0, out=scores)

    def damaged(self, what: str = "vectors hold values that are not numbers") -> NoReturn:
        """A file turned out damaged where opening does not look (it checks sizes, norms and a
        sample of the vocabulary, not every value). The cache is told, so the next run rebuilds
        the entry."""
        if self.on_damage is not None:
            self.on_damage()
        raise ModelError(f"the {what} of {self.name} (a damaged file); its cached copy will be "
                         "rebuilt on the next run")

    def cosines(self, points: Matrix) -> npt.NDArray[np.float32]:
        """`similarities` of several unit ``points`` at once: one column per point."""
        scores = np.asarray(self.vectors @ points.T.astype(np.float32, copy=False))
        if np.isnan(scores).any():
            self.damaged()
        return np.clip(scores, -1.0, 1.0, out=scores)

    def top(self, scores: npt.NDArray[np.floating], k: int,
            exclude: Iterable[int] = ()) -> list[tuple[int, float]]:
        """The ``k`` highest-scoring rows, best first (ties by row: `ranking`), skipping
        ``exclude``; no full sort."""
        excluded = set(exclude)
        best = ranked_rows(scores, k + len(excluded)).tolist()
        return [(row, float(scores[row])) for row in best if row not in excluded][:k]

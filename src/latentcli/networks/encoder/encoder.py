"""`Encoder`: open a sentence-transformers model directory, embed texts, expose token vectors.

``Encoder.open(path).encode(texts)`` returns what ``SentenceTransformer(path).encode(texts)``
returns (float32, one row per text, normalised when the model's modules.json says so), computed
with numpy alone. Texts are sorted by token count and batched so padding stays small; BLAS runs
with `DEFAULT_THREADS` threads unless told otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from latentcli.errors import ModelError
from latentcli.networks.arrays import Array
from latentcli.networks.encoder.directory import ModelDirectory, open_directory
from latentcli.networks.encoder.network import Network, build_network
from latentcli.networks.encoder.pooling import normalize, pool
from latentcli.networks.encoder.safetensors import read_safetensors
from latentcli.networks.encoder.wordpiece import Encoding, WordPieceTokenizer
from latentcli.networks.threads import limited

DEFAULT_THREADS = 1  # measured: see docs/design.md, "The transformer encoder"


@dataclass(frozen=True)
class TokenVectors:
    """One text's word pieces with their last-layer vectors (special tokens included).

    ``offsets`` are character spans in the text ((0, 0) for special tokens); ``word_ids`` number
    the pre-tokenized words (punctuation is a word of its own), None for special tokens. A word's
    contextual vector is the mean of the rows whose word id is that word's.
    """

    tokens: list[str]
    vectors: Array
    offsets: list[tuple[int, int]]
    word_ids: list[int | None]

    def word_vector(self, word: int) -> Array:
        """The mean last-layer vector of one word's pieces."""
        rows = [i for i, w in enumerate(self.word_ids) if w == word]
        if not rows:
            raise ModelError(f"no word number {word} in this text")
        return np.asarray(self.vectors[rows].mean(axis=0), dtype=np.float32)


class Encoder:
    """A loaded sentence encoder; build it with `Encoder.open`."""

    def __init__(self, directory: ModelDirectory, network: Network,
                 tokenizer: WordPieceTokenizer, threads: int = DEFAULT_THREADS) -> None:
        self.directory = directory
        self.network = network
        self.tokenizer = tokenizer
        self.threads = threads

    @classmethod
    def open(cls, path: Path | str, threads: int = DEFAULT_THREADS) -> Encoder:
        """Load the model in ``path``; every problem is one `LatentError` naming the file."""
        directory = open_directory(Path(path))
        tokenizer = WordPieceTokenizer.from_file(directory.tokenizer, directory.max_length)
        network = build_network(read_safetensors(directory.weights), directory.config,
                                str(directory.weights))
        rows = network.words.shape[0]
        if tokenizer.vocab_size != rows:
            raise ModelError(f"{directory.tokenizer}: the tokenizer has {tokenizer.vocab_size} "
                             f"ids but {directory.weights.name} has {rows} word embeddings — "
                             "they come from different models")
        limit = network.positions.shape[0] - (2 if network.kind == "mpnet" else 0)
        if directory.max_length > limit:
            raise ModelError(f"{directory.path}: max_seq_length {directory.max_length} exceeds "
                             f"the model's {limit} positions")
        special = len(tokenizer.begin) + len(tokenizer.end)
        if directory.max_length <= special:
            raise ModelError(f"{directory.path}: max_seq_length {directory.max_length} leaves "
                             f"no room for text beside the {special} special tokens")
        return cls(directory, network, tokenizer, threads)

    @property
    def dims(self) -> int:
        """Length of the vectors `encode` returns."""
        return self.network.dims * len(self.directory.pooling)

    @property
    def layers(self) -> int:
        """How many transformer layers the network runs (the "L6" of all-MiniLM-L6-v2)."""
        return len(self.network.layers)

    def tokenize(self, text: str) -> Encoding:
        """The ids the model sees for ``text`` (lowercased first if the model asks for it)."""
        return self.tokenizer.encode(text.lower() if self.directory.lowercase else text)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> Array:
        """One float32 row per text, in order: SentenceTransformer.encode's result."""
        if isinstance(texts, str):
            raise ModelError("encode takes a list of texts, not one string")
        if batch_size < 1:
            raise ModelError(f"batch size must be at least 1, not {batch_size}")
        encodings = [self.tokenize(text).ids for text in texts]
        result = np.zeros((len(texts), self.dims), dtype=np.float32)
        with limited(self.threads):
            for chosen in _batches([len(ids) for ids in encodings], batch_size):
                ids, mask = self._pad([encodings[i] for i in chosen])
                vectors = pool(self.network.hidden(ids, mask), mask, self.directory.pooling)
                result[chosen] = normalize(vectors) if self.directory.normalize else vectors
        return result

    def token_vectors(self, text: str) -> TokenVectors:
        """Every word piece of ``text`` with its last-layer vector, offsets and word ids."""
        encoding = self.tokenize(text)
        ids, mask = self._pad([encoding.ids])
        with limited(self.threads):
            hidden = self.network.hidden(ids, mask)[0]
        return TokenVectors(encoding.tokens, hidden, encoding.offsets, encoding.word_ids)

    def _pad(self, batch: list[list[int]]) -> tuple[np.ndarray[Any, Any], Array]:
        """Right-padded ids and the 0/1 float mask for one batch."""
        length = max(len(ids) for ids in batch)
        ids = np.full((len(batch), length), self.network.pad_id, dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, tokens in enumerate(batch):
            ids[row, :len(tokens)] = tokens
            mask[row, :len(tokens)] = 1.0
        return ids, mask


def _batches(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Indices grouped longest first, at most ``batch_size`` a batch, and a new batch whenever a
    text is under half the batch's longest, so padding never more than doubles the work.
    (Results do not depend on the grouping: each text's vector is the same in any batch.)
    """
    batches: list[list[int]] = []
    for index in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        if (not batches or len(batches[-1]) == batch_size
                or 2 * lengths[index] < lengths[batches[-1][0]]):
            batches.append([])
        batches[-1].append(index)
    return batches

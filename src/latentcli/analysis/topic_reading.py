"""A language model reads a group of texts and says which of a few names fits them best.

The encoder's names (`topics`) tell what a group is about, but its best cosine is often an
instance or a part of the topic — "goalkeeper" for football notes, "bed" for notes on sleep —
with the category a close second. A language model knows which word people use for the whole:
after the group's most central texts and "All of these notes are about", it scores each name
(then a full stop, so that a word is not rewarded for being the start of a longer one) by its
log-probability, summed over the name's tokens. Only the built-in SmolLM2 reads, and only when it
is already fetched: naming never downloads (docs/structure.md, "Groups of your own texts").
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from latentcli.networks.decoder.network import KVCache

if TYPE_CHECKING:
    from latentcli.networks.decoder.decoder import Decoder

TEXTS = 8  # the group's most central texts the model reads
CHARACTERS = 300  # of each, at most
QUESTION = "All of these notes are about"
READING_METHOD = "of its three best, the one a language model finds likeliest to complete " \
                 f"\"{QUESTION}\" after its texts"


def prompt(texts: Sequence[str]) -> str:
    """What the model reads before a name: the texts as a list, then `QUESTION`."""
    lines = (" ".join(text.split())[:CHARACTERS] for text in texts[:TEXTS])
    return "".join(f"- {line}\n" for line in lines) + QUESTION


def likelihoods(decoder: Decoder, texts: Sequence[str], words: Sequence[str]) -> list[float]:
    """Each word's log-probability (natural log, over its tokens and a full stop) as what
    ``texts`` (most central first) are about."""
    ids = decoder.tokenizer.encode(prompt(texts))
    endings = [decoder.tokenizer.encode(f" {word}.") for word in words]
    cache = KVCache(decoder.network.config, 1, len(ids) + max(map(len, endings)))
    first = _log_softmax(decoder.network.forward([ids], cache)[0])
    scores = []
    for ending in endings:
        extended = copy.deepcopy(cache)  # the texts are read once, each name after them
        logits = first
        total = 0.0
        for position, token in enumerate(ending):
            total += float(logits[token])
            if position + 1 < len(ending):
                logits = _log_softmax(decoder.network.forward([[token]], extended)[0])
        scores.append(total)
    return scores


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.asarray(logits, dtype=np.float64) - float(np.max(logits))
    return np.asarray(shifted - np.log(np.sum(np.exp(shifted))))

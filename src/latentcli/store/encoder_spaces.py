"""Encoder spaces: a sentence encoder plus candidate words, opened like any other model.

A sentence encoder has no vocabulary of its own, so it is given candidates (the dispatcher,
`store.resolve`, passes the most frequent words of the built-in GloVe vocabulary), embedded once
and stored as an ordinary cache entry. The entry's key and fingerprint name the encoder (its
wheel version, or the size and modification time of its weights file) and a hash of the word
list, so a changed model or list builds a new entry; it is written aside and renamed like every
entry, so a killed run leaves nothing half-written. Every other text (a phrase, a sentence) is
encoded on the fly through the space's `TextEncoder` (a `LazyEncoder`: loaded on first use).
A named space of your texts is opened with the encoder that made it, the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from latentcli.core.space import Space
from latentcli.core.text_checks import check_text
from latentcli.errors import LatentError, ModelError
from latentcli.store.encoders import EncoderChoice, builtin_directory, open_encoder
from latentcli.store.entries import Loaded, Source, opened_entry, sanitised

if TYPE_CHECKING:
    import numpy.typing as npt

    from latentcli.core.progress import Reporter
    from latentcli.networks.encoder.encoder import Encoder, TokenVectors

# The 20,000 most frequent, not 30,000: the first use embeds them all (the last 10,000 are rarer
# words, 37% of the word pieces), and naming offers no more than 20,000 anyway (docs/benchmarks.md).
DEFAULT_CANDIDATES = 20_000


@dataclass(frozen=True, eq=False)
class LazyEncoder:
    """A space's `TextEncoder`: the encoder ``choice`` names, loaded (and for the built-in one,
    fetched) on first use. ``space``: the named space it serves, said in the error if the encoder
    cannot be opened (its directory moved or deleted since the space was made)."""

    choice: EncoderChoice
    reporter: Reporter
    space: str | None = None

    @cached_property
    def loaded(self) -> Encoder:
        try:
            return open_encoder(self.choice, self.reporter)
        except LatentError as error:
            if self.space is None:
                raise
            raise ModelError(f"the space {self.space!r} encodes new text with "
                             f"{self.choice.name}, the encoder that made it, which cannot be "
                             f"opened: {error}") from None

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self.loaded.encode(list(texts))

    def token_vectors(self, text: str) -> TokenVectors:
        return self.loaded.token_vectors(check_text(text))


def candidate_words(words: Space, count: int) -> list[str]:
    """The ``count`` most frequent words of ``words`` (in rank order) that hold a letter or a
    digit: an encoder's candidates."""
    found: list[str] = []
    for row in range(len(words)):
        word = words.word(row)
        if any(char.isalnum() for char in word):
            found.append(word)
            if len(found) == count:
                break
    return found


def encoder_fingerprint(choice: EncoderChoice) -> dict[str, Any]:
    """What identifies the encoder's weights without reading them."""
    if choice.builtin:
        from latentcli.store.wheels import PACKAGE, VERSION

        return {"encoder": choice.name, "package": PACKAGE, "version": VERSION}
    from latentcli.networks.encoder.directory import open_directory

    weights = open_directory(choice.directory).weights.resolve()
    stat = weights.stat()
    return {"encoder": choice.name, "weights": str(weights), "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns}


def embed(encoder: LazyEncoder, words: list[str], reporter: Reporter) -> npt.NDArray[np.float32]:
    """The encoder's vectors of ``words`` on every core, said on stderr even when piped (the
    first use waits seconds for it), with a progress bar on a terminal."""
    from latentcli.networks.encoder.parallel import encode_many, workers_for

    model, workers = encoder.loaded, workers_for(len(words))
    cores = f"{workers} processes" if workers > 1 else "one process"
    reporter.note(f"embedding {len(words):,} candidate words once with {encoder.choice.name} "
                  f"({cores}); later uses read them from the cache")
    with reporter.progress(f"Embedding {len(words):,} candidate words (once)", len(words),
                           in_bytes=False) as progress:
        return encode_many(model, words, workers, progress)


def open_encoder_space(choice: EncoderChoice, candidates: list[str], reporter: Reporter) -> Space:
    """The encoder's space over ``candidates``, built into the cache on first use; texts outside
    them are encoded when asked for."""
    fingerprint = {"kind": "encoder", **encoder_fingerprint(choice),
                   "candidates": len(candidates),
                   "words": hashlib.sha256("\n".join(candidates).encode("utf-8")).hexdigest()}
    key_digest = hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()
    encoder = LazyEncoder(choice, reporter)
    return opened_entry(Source(choice.name, f"{sanitised(choice.name)}-{key_digest[:12]}",
                               lambda reporter: Loaded(candidates,
                                                       embed(encoder, candidates, reporter)),
                               fingerprint, encoder), reporter)


def open_named_space(directory: Path, reporter: Reporter) -> Space:
    """A named space of your texts (`latent embed --name`), able to encode new questions with the
    encoder that embedded it (recorded in its meta.json; loaded only if a question needs it)."""
    from latentcli.store.cache import InvalidEntry, read_meta
    from latentcli.store.entries import open_directory

    try:
        meta = read_meta(directory)
    except InvalidEntry:
        meta = {}  # open_directory says what is wrong
    recorded, encoder = meta.get("encoder"), None
    if isinstance(recorded, dict) and isinstance(recorded.get("name"), str):
        where = recorded.get("directory")
        choice = (EncoderChoice(recorded["name"], builtin_directory(), builtin=True)
                  if recorded.get("builtin") or not isinstance(where, str)
                  else EncoderChoice(recorded["name"], Path(where), builtin=False))
        encoder = LazyEncoder(choice, reporter, str(meta.get("name", directory.name)))
    return open_directory(directory, encoder, of_texts=True)

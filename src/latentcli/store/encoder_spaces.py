"""Encoder spaces: a sentence encoder plus candidate words, opened like any other model.

A sentence encoder has no vocabulary of its own, so it is given candidates (the most frequent
words of the built-in GloVe that hold a letter or a digit), embedded once and stored as an
ordinary vector entry. Its fingerprint names the encoder (`encoders.identity`: the wheel's
version, or its directory's files by size and time), GloVe's own fingerprint and the number of
candidates — so a warm open neither opens GloVe nor reads the encoder's files — and a changed
model builds a new entry. Every other text (a phrase, a sentence) is encoded on the fly through
the space's `TextEncoder` (a `LazyEncoder`: loaded on first use). A named space of your texts is
opened with the encoder that made it, the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from latentcli.core.space import Space
from latentcli.core.text_checks import check_text
from latentcli.errors import LatentError, ModelError
from latentcli.store.artifacts import META_FILE, Artifact, InvalidArtifact, opened, read_meta
from latentcli.store.builtins import BY_NAME, Kind
from latentcli.store.encoders import EncoderChoice, identity, open_encoder
from latentcli.store.entries import FORMAT_VERSION, KIND, open_vectors, write_vectors
from latentcli.store.reference import Columns, Reference
from latentcli.store.sources import WordsReference, sanitised

if TYPE_CHECKING:
    import numpy.typing as npt

    from latentcli.core.progress import Reporter
    from latentcli.networks.encoder.encoder import Encoder, TokenVectors

# The 20,000 most frequent, not 30,000: the first use embeds them all (the last 10,000 are rarer
# words, 37% of the word pieces), and naming offers no more than 20,000 anyway (docs/benchmarks.md).
DEFAULT_CANDIDATES = 20_000
CANDIDATES = "encoder"  # the source kind of a candidate entry


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

    @property
    def layers(self) -> int:
        return self.loaded.layers

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


def open_encoder_space(choice: EncoderChoice, count: int, words: WordsReference, models: Path,
                       reporter: Reporter) -> Space:
    """The encoder's space over the ``count`` most frequent words of ``words``, built under
    ``models`` on first use (the only time ``words`` is opened); texts outside them are encoded
    when asked for."""
    fingerprint = {"kind": CANDIDATES, "encoder": identity(choice), "candidates": count,
                   "words": {"from": words.fingerprint(), "holding": "a letter or a digit"}}
    digest = hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()[:12]
    key = f"{sanitised(choice.name)}-{digest}"
    encoder = LazyEncoder(choice, reporter)

    def build(directory: Path) -> dict[str, Any]:
        candidates = candidate_words(words.open_space(reporter), count)
        return write_vectors(directory, candidates, embed(encoder, candidates, reporter))

    return opened(Artifact(models / key, KIND, FORMAT_VERSION, choice.name, fingerprint),
                  partial(open_vectors, name=choice.name, encoder=encoder), build, reporter)


def candidate_entries(choice: EncoderChoice, models: Path) -> list[Path]:
    """The candidate entries embedded with ``choice`` (derived from it: removed with it)."""
    own = identity(choice)
    keys = ("name", "package") if choice.builtin is not None else ("directory",)
    found = []
    for entry in sorted(models.iterdir()) if models.is_dir() else []:
        try:
            source = read_meta(entry, KIND)["source"]
        except (InvalidArtifact, OSError):
            continue
        made_by = source.get("encoder") if source.get("kind") == CANDIDATES else None
        if isinstance(made_by, str):  # an earlier version's: the built-in's name and package
            made_by = {"name": made_by, "package": source.get("package")}
        if isinstance(made_by, dict) and all(made_by.get(key) == own[key] for key in keys):
            found.append(entry)
    return found


def open_named_space(directory: Path, encoders: Path, reporter: Reporter,
                     limit: int | None = None) -> Space:
    """A named space of your texts (`latent embed --name`; its first ``limit`` texts when given),
    able to encode new questions with the encoder that embedded it (recorded in its meta.json;
    loaded only if a question needs it; the built-in one is kept under ``encoders``)."""
    try:
        meta = read_meta(directory, KIND)
    except InvalidArtifact as why:
        raise ModelError(f"{directory} is not a usable latent model directory: {why}") from None
    recorded, encoder = meta.get("encoder"), None
    if isinstance(recorded, dict) and isinstance(recorded.get("name"), str):
        name, where = recorded["name"], recorded.get("directory")
        builtin = BY_NAME.get(name)
        choice = (EncoderChoice(name, encoders / builtin.name, builtin)
                  if builtin is not None and (recorded.get("builtin") or not isinstance(where,
                                                                                       str))
                  else EncoderChoice(name, Path(str(where)), None))
        encoder = LazyEncoder(choice, reporter, str(meta.get("name", directory.name)))
    try:
        return open_vectors(directory, meta, encoder=encoder, of_texts=True, limit=limit)
    except InvalidArtifact as why:
        raise ModelError(f"{directory} is not a usable latent model directory: {why}") from None


@dataclass(kw_only=True, eq=False, repr=False)
class EncoderReference(Reference):
    """A sentence encoder, as a space over candidate words: the most frequent words of
    ``words`` (the built-in GloVe's reference), embedded once into an entry under ``models``."""

    kind = Kind.ENCODER
    choice: EncoderChoice
    words: WordsReference
    models: Path

    def _open(self, reporter: Reporter, limit: int | None, trust: bool,
              columns: Columns) -> Space:
        return open_encoder_space(self.choice, limit or DEFAULT_CANDIDATES, self.words,
                                  self.models, reporter)

    def get(self, reporter: Reporter, pip_args: tuple[str, ...] = ()) -> Path:
        if self.choice.builtin is None:
            return super().get(reporter, pip_args)
        from latentcli.store.encoders import fetched

        return fetched(self.choice, reporter, pip_args, repair=True)

    def stored(self) -> list[Path]:
        fetched = [self.choice.directory] if self.choice.builtin and self.cached() else []
        return fetched + candidate_entries(self.choice, self.models)

    def cached(self) -> bool:
        return self.choice.builtin is None or (self.choice.directory / META_FILE).is_file()

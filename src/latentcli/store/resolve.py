"""Which model a ``--model`` value means, opened as a `Space` with what it can do.

In this order: a directory in latent's own cache format (one holding ``meta.json``), opened as it
is; a `reserved_name` (the built-in model, the built-in encoder and its aliases, a catalogue
name); a named space of your texts (``latent embed --name``); a sentence-transformers model
directory; a language model's token embeddings; a vector file. Everything but a directory in
latent's format becomes a cache entry (`store.entries`) on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from latentcli import DEFAULT_MODEL
from latentcli.core.counts import within
from latentcli.errors import LatentError, UsageError
from latentcli.failures import os_message
from latentcli.store.cache import META_FILE, user_path
from latentcli.store.entries import build_entry, open_directory, opened_entry, valid_entry, writable
from latentcli.store.sources import BUILTIN, NO_COLUMNS, Columns, reserved_name, resolve

if TYPE_CHECKING:
    from latentcli.core.progress import Reporter
    from latentcli.core.space import Space
    from latentcli.store.encoders import EncoderChoice


def open_space(spec: str, reporter: Reporter, limit: int | None = None, trust: bool = False,
               columns: Columns = NO_COLUMNS, names: bool = False) -> Space:
    """Open the model ``spec`` names, converting it into the cache first if needed.

    ``limit`` keeps the first N words; ``trust`` allows gensim pickles (they run code);
    ``columns`` picks a table's vector and label columns; ``names``: the caller names groups of
    words, so the space comes with its namer (`with_namer`). A conversion that fails leaves no
    cache entry: it is built aside and renamed into place.
    """
    if limit is not None:
        within(limit, 1, None, "limit")
    opener = _opener(spec, reporter, limit)
    if columns != NO_COLUMNS and (opener is not None or reserved_name(spec)):
        raise UsageError(f"--vectors-column and --labels-column apply to Parquet and Arrow "
                         f"tables; {spec!r} is a model with no columns to choose")
    space = opener() if opener is not None else _open_vectors(spec, reporter, limit, trust,
                                                              columns)
    return with_namer(space, reporter) if names else space


def _open_vectors(spec: str, reporter: Reporter, limit: int | None, trust: bool,
                  columns: Columns) -> Space:
    """A built-in, catalogue or file model's entry; with ``limit``, the whole model's entry when
    the limit leaves nothing out."""
    source = resolve(spec, limit, trust, columns)
    full = resolve(spec, None, trust, columns) if limit is not None else source
    if full is not source:  # --limit at or above the vocabulary: the whole model's entry will do
        whole = valid_entry(full, reporter)
        if whole is not None and len(whole) <= int(limit or 0):
            return whole
    space = valid_entry(source, reporter)
    if space is not None:
        return space
    loaded = writable(source).load(reporter)
    if loaded.complete:
        source = full  # the limit left nothing out: build the whole model's entry, once
    return build_entry(source, loaded, reporter)


def _opener(spec: str, reporter: Reporter, limit: int | None) -> Callable[[], Space] | None:
    """How to open ``spec`` if it is not read from a vector file: a directory in latent's
    format, a named space of your texts, a sentence encoder or a language model's tokens; else
    None."""
    directory = user_path(spec)
    if (directory / META_FILE).is_file():
        return lambda: open_directory(directory)
    if spec in BUILTIN:
        return None
    from latentcli.store.named_spaces import named_space

    named = None if reserved_name(spec) else named_space(spec)
    if named is not None:
        from latentcli.store.encoder_spaces import open_named_space

        return lambda: open_named_space(named, reporter)
    from latentcli.store.encoders import choose_encoder

    choice = choose_encoder(spec)
    if choice is not None:
        from latentcli.store.encoder_spaces import DEFAULT_CANDIDATES

        return lambda: _encoder_space(choice, reporter, limit or DEFAULT_CANDIDATES)
    from latentcli.store.languages import choose_language_model, token_source

    language = choose_language_model(spec)
    if language is not None:  # a language model's token embeddings, as a word space
        return lambda: opened_entry(token_source(language), reporter)
    return None


def _encoder_space(choice: EncoderChoice, reporter: Reporter, candidates: int) -> Space:
    """The encoder's space over the ``candidates`` most frequent words of the built-in model."""
    from latentcli.store.encoder_spaces import candidate_words, open_encoder_space

    words = candidate_words(open_space(DEFAULT_MODEL, reporter), candidates)
    return open_encoder_space(choice, words, reporter)


def with_namer(space: Space, reporter: Reporter) -> Space:
    """``space`` with the space that names its groups: for a space of your texts, its encoder's
    candidate words (the vectors must come from the same encoder); itself if it can encode text;
    else the built-in encoder's space when the encoder is already fetched (its candidates
    embedded on first use), else none (groups are then named in-space). Naming is the only
    thing the encoder adds, so when its space cannot be had (a read-only cache, a damaged
    encoder) the command goes on with in-space names and a note, rather than failing."""
    from latentcli.store.encoders import (
        BUILTIN_ENCODER,
        EncoderChoice,
        builtin_directory,
        builtin_fetched,
    )

    if space.encoder is not None:
        from latentcli.store.encoder_spaces import LazyEncoder

        if not (space.of_texts and isinstance(space.encoder, LazyEncoder)):
            return space.with_namer(space)
        choice = space.encoder.choice
    elif builtin_fetched():
        choice = EncoderChoice(BUILTIN_ENCODER, builtin_directory(), builtin=True)
    else:
        return space  # a word space whose namer would cost nothing to look for (map, cluster)
    from latentcli.store.encoder_spaces import DEFAULT_CANDIDATES

    try:
        return space.with_namer(_encoder_space(choice, reporter, DEFAULT_CANDIDATES))
    except (LatentError, OSError) as why:
        reason = os_message(why) if isinstance(why, OSError) else str(why)
        reporter.note(f"groups are named from {space.name}'s own words: {choice.name}'s "
                      f"candidate words are not available ({reason})")
        return space

"""Shared by the benchmark scripts: the gensim peer built on exactly latent's built-in vectors."""

from __future__ import annotations

from typing import Any

import numpy as np

from latentcli import DEFAULT_MODEL
from latentcli.environment import Environment
from latentcli.store.resolve import resolve
from latentcli.store.sources import WordsReference


def gensim_builtin() -> Any:
    """gensim KeyedVectors over the built-in model's raw (unnormalised) vectors and words."""
    from gensim.models import KeyedVectors

    reference = resolve(DEFAULT_MODEL)
    assert isinstance(reference, WordsReference)
    loaded = reference.load(Environment())
    keyed = KeyedVectors(vector_size=loaded.matrix.shape[1])
    keyed.add_vectors(loaded.words, np.ascontiguousarray(loaded.matrix, dtype=np.float32))
    return keyed

"""Shared fixtures: an isolated cache, a fixed terminal, a tiny hand-placed space, the real model.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from latentcli.core.space import Space
from latentcli.environment import Environment
from latentcli.store.cache import write_entry

# A tiny space whose geometry is known: royalty and gender along separate axes, fruit far away.
TINY_WORDS = ["king", "queen", "man", "woman", "prince", "princess", "apple", "banana", "cherry",
              "zero"]
TINY_VECTORS = np.array([
    [1.0, 1.0, 0.0, 0.1],   # king
    [1.0, -1.5, 0.0, 0.1],  # queen
    [0.0, 1.0, 0.0, 0.0],   # man
    [0.0, -1.0, 0.0, 0.0],  # woman
    [0.9, 1.0, 0.1, 0.0],   # prince
    [0.6, -1.0, 0.3, 0.0],  # princess
    [0.0, 0.0, 1.0, 0.2],   # apple
    [0.0, 0.1, 1.0, 0.3],   # banana
    [0.1, 0.0, 1.0, 0.1],   # cherry
    [0.0, 0.0, 0.0, 0.0],   # zero: an all-zero row must never divide by zero
], dtype=np.float32)


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own empty cache, a fixed 100-column terminal and no colour."""
    monkeypatch.setenv("LATENT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "40")
    monkeypatch.delenv("LATENT_MODEL", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def tiny_space() -> Space:
    return Space.from_vectors("tiny", TINY_WORDS, TINY_VECTORS)


@pytest.fixture
def tiny_model(tmp_path: Path) -> Path:
    """A tiny model directory in latent's cache format, usable as ``--model PATH``."""
    directory = tmp_path / "tiny"
    write_entry(directory, TINY_WORDS, TINY_VECTORS, {"name": "tiny", "source": {}})
    return directory


@pytest.fixture(scope="session")
def default_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache holding the built-in model, converted once for the whole session."""
    from latentcli.store.resolve import DEFAULT_MODEL, open_space

    root = tmp_path_factory.mktemp("default-cache")
    previous = os.environ.get("LATENT_CACHE_DIR")
    os.environ["LATENT_CACHE_DIR"] = str(root)
    try:
        open_space(DEFAULT_MODEL, Environment())
    finally:
        if previous is None:
            del os.environ["LATENT_CACHE_DIR"]
        else:
            os.environ["LATENT_CACHE_DIR"] = previous
    return root


@pytest.fixture
def glove(default_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Space]:
    """The built-in model, opened from the session's cache (which the test's env points at)."""
    from latentcli.store.resolve import DEFAULT_MODEL, open_space

    monkeypatch.setenv("LATENT_CACHE_DIR", str(default_cache))
    yield open_space(DEFAULT_MODEL, Environment())


@pytest.fixture(scope="session")
def gensim_glove(default_cache: Path):  # type: ignore[no-untyped-def]
    """gensim KeyedVectors over exactly the built-in model's raw vectors and words."""
    from gensim.models import KeyedVectors

    from latentcli.store.resolve import DEFAULT_MODEL, resolve

    loaded = resolve(DEFAULT_MODEL).load(Environment())
    keyed = KeyedVectors(vector_size=loaded.matrix.shape[1])
    keyed.add_vectors(loaded.words, np.ascontiguousarray(loaded.matrix, dtype=np.float32))
    return keyed


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()

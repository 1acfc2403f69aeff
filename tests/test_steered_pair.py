"""The unsteered and the steered continuation computed together (issue 25 §9a): two rows of one
batch per step write exactly the ids two separate runs write, greedy and sampled, steered by a
pair, by the mean of pairs or by a probe's saved direction, across a sliding window; and a row's
products do not depend on the rows beside it (`networks.products`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from decoder_files import DATA, TINY_GGUF, TINY_LLAMA3_GGUF
from latentcli.analysis.generation import generate, side_by_side
from latentcli.analysis.steering import SavedDirection, SteeringChoice, steer_vector
from latentcli.environment import Environment
from latentcli.networks.decoder.decoder import Decoder, Sampling
from latentcli.networks.products import FEW, project
from latentcli.store.resolve import resolve

GEMMA3_GGUF = DATA / "families" / "gemma3" / "gemma3.gguf"  # its window: 4 positions
SAMPLINGS = (Sampling(), Sampling(temperature=0.8, top_p=0.9, seed=3))
WRITTEN = 30


def opened(path: str | Path) -> Decoder:
    return resolve(str(path)).open_decoder(Environment())


def alone(model: Decoder, choice: SteeringChoice, prompt: str, sampling: Sampling,
          max_tokens: int = WRITTEN) -> tuple[list[int], list[int]]:
    """The unsteered and the steered continuation as two separate runs write them."""
    text = model.prompt(prompt, sink=True)
    method, layer, strength, _ = choice.resolve(model.network.layers)
    steer = steer_vector(model, choice.pairs, method, layer, strength, text.start,
                         saved=choice.direction)
    return (model.generate(text.ids, max_tokens, sampling),
            model.generate(text.ids, max_tokens, sampling, steer.hooks()))


def together(model: Decoder, choice: SteeringChoice, prompt: str,
             sampling: Sampling) -> tuple[list[int], list[int]]:
    written = generate(model, prompt, WRITTEN, sampling, steering=choice)
    assert written.steering is not None and written.steering.unsteered is not None
    return (list(written.steering.unsteered.token_ids), list(written.continuation.token_ids))


@pytest.mark.parametrize("sampling", SAMPLINGS, ids=["greedy", "sampled"])
@pytest.mark.parametrize(("path", "pair"), [
    (TINY_GGUF, ("12345", "67890")),
    (TINY_LLAMA3_GGUF, ("I love", "I hate")),
    (GEMMA3_GGUF, ("love", "hate")),  # local blocks: 30 tokens run far past the window
], ids=["llama", "llama3", "gemma3"])
@pytest.mark.parametrize("method", ["actadd", "mean"])
def test_the_pair_in_one_batch_writes_what_two_runs_write(path: Path, pair: tuple[str, str],
                                                         method: str,
                                                         sampling: Sampling) -> None:
    model = opened(path)
    choice = SteeringChoice((pair,), method=method, strength=40.0)
    plain, steered = alone(model, choice, "The cat sat on", sampling)
    assert together(model, choice, "The cat sat on", sampling) == (plain, steered)
    assert plain != steered  # the steering took effect, so the rows were kept apart


@pytest.mark.parametrize("sampling", SAMPLINGS, ids=["greedy", "sampled"])
def test_a_saved_direction_in_one_batch_writes_what_two_runs_write(sampling: Sampling) -> None:
    model = opened(GEMMA3_GGUF)
    hidden = model.network.config.hidden
    vectors = np.random.default_rng(7).normal(size=(model.network.layers, hidden)) * 4.0
    choice = SteeringChoice((), method="direction", layer=2, strength=2.0,
                            direction=SavedDirection("probe.npz", vectors.astype(np.float32), 2))
    plain, steered = alone(model, choice, "The cat sat on", sampling)
    assert together(model, choice, "The cat sat on", sampling) == (plain, steered)
    assert plain != steered


def test_a_row_that_ends_early_leaves_the_other_as_it_would_be(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One row meets an end-of-turn token and stops; the other goes on to the end, unchanged
    by the ended row's place in the batch (it is fed its last token again, unread)."""
    model = opened(TINY_GGUF)
    choice = SteeringChoice((("I love", "I hate"),), method="mean", strength=8.0)
    plain, steered = alone(model, choice, "The cat sat on", Sampling())
    for ended, other in ((plain, steered), (steered, plain)):
        stop = next(token for i, token in enumerate(ended) if i >= 3 and token not in other)
        monkeypatch.setattr(model.tokenizer, "ends", frozenset({stop}))
        expected = alone(model, choice, "The cat sat on", Sampling())
        assert len(expected[0] if ended is plain else expected[1]) < WRITTEN
        assert together(model, choice, "The cat sat on", Sampling()) == expected


def test_a_row_of_few_has_the_numbers_it_has_alone() -> None:
    """Up to `FEW` rows, each row's product is computed alone: bit for bit what the row gets in
    a batch of one; and within float32 rounding of the exact product."""
    rng = np.random.default_rng(0)
    weight = rng.normal(size=(96, 64)).astype(np.float32)
    rows = rng.normal(size=(FEW, 64)).astype(np.float32)
    together_ = project(rows, weight)
    for i in range(FEW):
        assert np.array_equal(together_[i], project(rows[i : i + 1], weight)[0])
    exact = rows.astype(np.float64) @ weight.T.astype(np.float64)
    np.testing.assert_allclose(together_, exact, rtol=0, atol=1e-4)
    many = rng.normal(size=(3, 7, 64)).astype(np.float32)  # more than FEW: one sgemm
    assert project(many, weight).shape == (3, 7, 96)
    np.testing.assert_allclose(project(many, weight), many.astype(np.float64) @ weight.T,
                               rtol=0, atol=1e-4)


def test_side_by_side_refuses_what_generate_refuses() -> None:
    model = opened(TINY_GGUF)
    text = model.prompt("The cat sat on", sink=True)
    steer = steer_vector(model, [("I love", "I hate")], "mean", 1, 8.0, text.start)
    with pytest.raises(Exception, match="must be at most"):
        side_by_side(model, text.ids, model.context, Sampling(), steer)


@pytest.mark.network
@pytest.mark.parametrize("sampling", SAMPLINGS, ids=["greedy", "sampled"])
def test_smollm2s_pair_in_one_batch_writes_what_two_runs_write(
        smollm_cache: Path, monkeypatch: pytest.MonkeyPatch, sampling: Sampling) -> None:
    monkeypatch.setenv("LATENT_CACHE_DIR", str(smollm_cache))
    model = resolve("smollm2-135m").open_decoder(Environment())
    choice = SteeringChoice((("I love", "I hate"),))
    plain, steered = alone(model, choice, "I think dogs are", sampling)
    assert together(model, choice, "I think dogs are", sampling) == (plain, steered)
    assert plain != steered

"""The numpy language model against transformers + torch, and its own invariants.

References (tests/data/decoder/*-reference.json) were written by
scripts/make_decoder_references.py in a scratch environment with torch, transformers and
tokenizers; here only numpy runs. Logits are compared within 1e-4 (float32 sums in another order,
with or without AVX-512, differ by about 1e-5); greedy token ids must be identical.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from decoder_files import TINY_GGUF, TINY_LLAMA3_GGUF, TOLERANCE, check_parity, reference
from latentcli.analysis.steering import SteeringVector
from latentcli.environment import Environment
from latentcli.networks.arrays import Array
from latentcli.networks.decoder.decoder import Decoder, Sampling
from latentcli.networks.decoder.hooks import HookPoint
from latentcli.networks.decoder.network import KVCache, Llama
from latentcli.store.resolve import resolve


def opened(path: str) -> Decoder:
    return resolve(path).open_decoder(Environment())


@pytest.fixture
def tiny() -> Decoder:
    return opened(str(TINY_GGUF))


@pytest.fixture
def llama3() -> Decoder:
    return opened(str(TINY_LLAMA3_GGUF))


def boundaries(network: Llama, ids: list[int]) -> Array:
    """The residual entering each block and leaving the last (layers + 1 x positions x
    hidden)."""
    names = [f"blocks.{layer}.resid_pre" for layer in range(network.layers)]
    names.append(f"blocks.{network.layers - 1}.resid_post")
    _, kept = network.run_with_cache([ids], names)
    return np.stack([kept[name][0] for name in names])


def test_the_tiny_model_matches_transformers(tiny: Decoder) -> None:
    check_parity(tiny, reference("tiny-llama"))


def test_the_tiny_llama3_model_matches_transformers(llama3: Decoder) -> None:
    """Llama 3's paths: rope_freqs, an untied output head, BOS added, its chat template."""
    check_parity(llama3, reference("tiny-llama3"))


def test_the_llama3_parity_depends_on_its_rope_factors_and_head(llama3: Decoder) -> None:
    """Without rope_freqs, or with the head tied to the embedding, the logits are far from the
    reference: its parity proves that both are read."""
    prompt = reference("tiny-llama3")["prompts"][0]
    chosen = prompt["logits"]["ids"]

    def error(network: Llama) -> float:
        logits = network.forward([prompt["ids"]])[0]
        return float(np.max(np.abs(logits[chosen] - prompt["logits"]["values"])))

    weights = llama3.weights
    assert error(llama3.network) < TOLERANCE
    for left_out in ("rope_freqs.weight", "output.weight"):
        tensors = {name: t for name, t in weights.tensors.items() if name != left_out}
        assert error(Llama(dataclasses.replace(weights, tensors=tensors))) > 100 * TOLERANCE


def test_positions_one_at_a_time_equal_all_at_once(tiny: Decoder) -> None:
    ids = tiny.tokenizer.encode("The cat sat on the mat")
    whole = boundaries(tiny.network, ids)
    logits = tiny.network.forward([ids])[0]
    cache = KVCache(tiny.network.config, 1, len(ids))
    kept: dict[str, Array] = {}
    names = [f"blocks.{layer}.resid_pre" for layer in range(tiny.network.layers)]
    record = {name: lambda x, point: kept.__setitem__(point.name, x) for name in names}
    for token in ids:
        step = tiny.network.forward([[token]], cache, record)[0]
    np.testing.assert_allclose(step, logits, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(np.stack([kept[name][0, -1] for name in names]),
                               whole[:-1, -1], rtol=0, atol=TOLERANCE)


def test_a_position_never_sees_later_ones(tiny: Decoder) -> None:
    ids = tiny.tokenizer.encode("The dog sat")
    longer = boundaries(tiny.network, [*ids, 5, 6, 7])
    shorter = boundaries(tiny.network, ids)
    np.testing.assert_allclose(longer[:, : len(ids)], shorter, rtol=0, atol=TOLERANCE)


def test_the_last_residual_through_the_head_is_the_output(tiny: Decoder) -> None:
    ids = tiny.tokenizer.encode("I love dogs")
    np.testing.assert_allclose(tiny.network.logits(boundaries(tiny.network, ids)[-1, -1]),
                               tiny.network.forward([ids])[0], rtol=0, atol=TOLERANCE)


def test_steering_adds_where_and_what_it_says(tiny: Decoder) -> None:
    ids = tiny.tokenizer.encode("The cat sat")
    plain = boundaries(tiny.network, ids)
    vector = np.linspace(-1, 1, tiny.network.config.hidden, dtype=np.float32)
    seen: dict[str, Array] = {}

    def steered_run(steer: SteeringVector, run: list[int]) -> Array:
        name = f"blocks.{steer.layer}.resid_pre"
        add = steer.hooks()[name]

        def keep(x: Array, point: HookPoint) -> Array | None:
            seen[name] = out = add(x, point)
            return out

        tiny.network.forward([run], hooks={name: keep})
        return seen[name][0]

    steered = steered_run(SteeringVector(1, vector, start=1), ids)
    np.testing.assert_allclose(steered[0], plain[1, 0], rtol=0, atol=TOLERANCE)  # position 0
    np.testing.assert_allclose(steered[1:], plain[1, 1:] + vector, rtol=0, atol=TOLERANCE)
    rows = np.stack([vector, -vector])  # ActAdd: row by row from position 1, then nothing
    aligned = steered_run(SteeringVector(0, rows, start=1), [*ids, 9])
    expected = np.zeros_like(aligned)
    expected[1:3] = rows
    np.testing.assert_allclose(aligned - boundaries(tiny.network, [*ids, 9])[0], expected,
                               rtol=0, atol=TOLERANCE)


def test_sampling_is_seeded_and_a_tiny_top_p_is_greedy(tiny: Decoder) -> None:
    ids = tiny.tokenizer.encode("The")
    hot = Sampling(temperature=1.5, seed=7)
    first = tiny.generate(ids, 12, hot)
    assert tiny.generate(ids, 12, hot) == first
    greedy = tiny.generate(ids, 12, Sampling())
    assert tiny.generate(ids, 12, Sampling(temperature=1.0, top_p=1e-9, seed=3)) == greedy


def test_the_chat_template_wraps_the_prompt_in_control_tokens(tiny: Decoder) -> None:
    ids = tiny.prompt_ids("hi", chat=True)
    im_start, im_end = (tiny.tokenizer.ids[t] for t in ("<|im_start|>", "<|im_end|>"))
    assert ids[0] == im_start and ids.count(im_end) == 1
    assert tiny.tokenizer.decode(ids).endswith("<|im_end|>\n<|im_start|>assistant\n")


def test_the_sink_of_a_llama3_model_is_its_bos_token(llama3: Decoder) -> None:
    """Llama 3 has no <|endoftext|>: steering opens prompts with <|begin_of_text|>, once."""
    bos = llama3.tokenizer.ids["<|begin_of_text|>"]
    assert llama3.sink == bos
    ids = llama3.prompt_ids("I love dogs", sink=True)
    assert ids[0] == bos and ids.count(bos) == 1


def test_generation_stops_at_an_end_token(tiny: Decoder) -> None:
    end = tiny.tokenizer.ids["<|im_end|>"]  # the end of a turn, pushed to the top by a hook
    push = 100 * tiny.network.head[end] / np.linalg.norm(tiny.network.head[end])
    hooks = {f"blocks.{tiny.network.layers - 1}.resid_post":
             lambda x, point: x + push.astype(np.float32)}
    ids = tiny.tokenizer.encode("The")
    assert int(np.argmax(tiny.network.forward([ids], hooks=hooks)[0])) == end
    assert tiny.generate(ids, 5, Sampling(), hooks) == []
    assert tiny.generate(ids, 5, Sampling()) != []  # the hook lived for its calls only


def test_the_tour_sections_run_on_a_model_and_survive_the_tour_cache(tiny: Decoder) -> None:
    from latentcli.analysis.language_tour import CLEAN, FACT, LANGUAGE_SECTIONS
    from latentcli.results.codec import decode, encode
    from latentcli.results.explain import (
        AttentionSection,
        LensSection,
        SkippedSection,
        SteeringSection,
    )

    lens = LANGUAGE_SECTIONS["lens"](tiny)
    assert isinstance(lens, LensSection) and lens.lens.prompt == FACT
    assert lens.lens.layers[-1].tracked[0].rank == 1  # the answer is first at the last block
    steering = LANGUAGE_SECTIONS["steering"](tiny)
    assert isinstance(steering, SteeringSection) and steering.generation.steering is not None
    assert steering.generation.steering.defaults == ("method", "layer", "strength")
    # the tiny vocabulary splits the Eiffel Tower and the Colosseum differently: the patching
    # section says so instead of failing the tour
    patching = LANGUAGE_SECTIONS["patch"](tiny)
    assert isinstance(patching, SkippedSection)
    assert "same number of tokens" in patching.reason and patching.title == "Where a fact sits"
    looked = LANGUAGE_SECTIONS["attention"](tiny)
    assert isinstance(looked, AttentionSection) and looked.attention.prompt == CLEAN
    for section in (lens, steering, patching, looked):
        assert decode(type(section), encode(section)) == section

"""The numpy language model against transformers + torch, and its own invariants.

References (tests/data/decoder/*-reference.json) were written by
scripts/make_decoder_references.py in a scratch environment with torch, transformers and
tokenizers; here only numpy runs. Logits are compared within 1e-4 (float32 sums in another order,
with or without AVX-512, differ by about 1e-5); greedy token ids must be identical.
"""

from __future__ import annotations

import numpy as np
import pytest

from decoder_files import TINY_GGUF, TOLERANCE, check_parity, reference
from latentcli.environment import Environment
from latentcli.networks.decoder.decoder import Decoder, Sampling
from latentcli.networks.decoder.network import KVCache, Steer
from latentcli.store.resolve import resolve


@pytest.fixture
def tiny() -> Decoder:
    return resolve(str(TINY_GGUF)).open_decoder(Environment())


def test_the_tiny_model_matches_transformers(tiny: Decoder) -> None:
    check_parity(tiny, reference("tiny-llama"))


def test_positions_one_at_a_time_equal_all_at_once(tiny: Decoder) -> None:
    ids = tiny.tokenizer.encode("The cat sat on the mat")
    whole = tiny.network.forward(ids, KVCache(), record=True)
    cache = KVCache()
    for token in ids:
        step = tiny.network.forward([token], cache, record=True)
    assert whole.states is not None and step.states is not None
    np.testing.assert_allclose(step.logits, whole.logits, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(step.states[:, -1], whole.states[:, -1], rtol=0, atol=TOLERANCE)


def test_a_position_never_sees_later_ones(tiny: Decoder) -> None:
    ids = tiny.tokenizer.encode("The dog sat")
    longer = tiny.network.forward([*ids, 5, 6, 7], KVCache(), record=True).states
    shorter = tiny.network.forward(ids, KVCache(), record=True).states
    assert longer is not None and shorter is not None
    np.testing.assert_allclose(longer[:, : len(ids)], shorter, rtol=0, atol=TOLERANCE)


def test_the_last_residual_through_the_head_is_the_output(tiny: Decoder) -> None:
    forward = tiny.network.forward(tiny.tokenizer.encode("I love dogs"), KVCache(), record=True)
    assert forward.states is not None
    np.testing.assert_allclose(tiny.network.logits(forward.states[-1, -1]), forward.logits,
                               rtol=0, atol=TOLERANCE)


def test_steering_adds_where_and_what_it_says(tiny: Decoder) -> None:
    ids = tiny.tokenizer.encode("The cat sat")
    plain = tiny.network.forward(ids, KVCache(), record=True).states
    vector = np.linspace(-1, 1, tiny.network.hidden, dtype=np.float32)
    steered = tiny.network.forward(ids, KVCache(), [Steer(1, vector, start=1)], record=True).states
    assert plain is not None and steered is not None
    np.testing.assert_allclose(steered[:1], plain[:1], rtol=0, atol=TOLERANCE)  # before block 1
    np.testing.assert_allclose(steered[1, 0], plain[1, 0], rtol=0, atol=TOLERANCE)  # position 0
    np.testing.assert_allclose(steered[1, 1:], plain[1, 1:] + vector, rtol=0, atol=TOLERANCE)
    rows = np.stack([vector, -vector])  # ActAdd: row by row from position 1, then nothing
    aligned = tiny.network.forward([*ids, 9], KVCache(), [Steer(0, rows, start=1)],
                                   record=True).states
    unsteered = tiny.network.forward([*ids, 9], KVCache(), record=True).states
    assert aligned is not None and unsteered is not None
    expected = np.zeros_like(aligned[0])
    expected[1:3] = rows
    np.testing.assert_allclose(aligned[0] - unsteered[0], expected, rtol=0, atol=TOLERANCE)


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


def test_generation_stops_at_an_end_token(tiny: Decoder) -> None:
    end = tiny.tokenizer.ids["<|im_end|>"]  # the end of a turn, pushed to the top by a steer
    push = 100 * tiny.network.head[end] / np.linalg.norm(tiny.network.head[end])
    steer = Steer(tiny.network.layers, push, start=0)
    ids = tiny.tokenizer.encode("The")
    assert int(np.argmax(tiny.network.forward(ids, KVCache(), [steer]).logits)) == end
    assert tiny.generate(ids, 5, Sampling(), [steer]) == []


def test_the_tour_sections_run_on_a_model_and_survive_the_tour_cache(tiny: Decoder) -> None:
    from latentcli.analysis.language_tour import FACT, LANGUAGE_SECTIONS
    from latentcli.results.codec import decode, encode
    from latentcli.results.explain import LensSection, SteeringSection

    lens = LANGUAGE_SECTIONS["lens"](tiny)
    assert isinstance(lens, LensSection) and lens.lens.prompt == FACT
    assert lens.lens.layers[-1].tracked[0].rank == 1  # the answer is first at the last block
    steering = LANGUAGE_SECTIONS["steering"](tiny)
    assert isinstance(steering, SteeringSection) and steering.generation.steering is not None
    assert steering.generation.steering.defaults == ("method", "layer", "strength")
    for section in (lens, steering):
        assert decode(type(section), encode(section)) == section

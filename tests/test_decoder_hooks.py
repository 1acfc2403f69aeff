"""The decoder's hook points, batches, preallocated KV cache and chunked attention, on the tiny
model: each activation is what its name says, hooks live for one call, rows of a batch are
independent, and chunking changes nothing but memory."""

from __future__ import annotations

import numpy as np
import pytest

from decoder_files import TINY_GGUF, TOLERANCE
from latentcli.environment import Environment
from latentcli.errors import UsageError
from latentcli.networks.arrays import Array
from latentcli.networks.decoder import network
from latentcli.networks.decoder.decoder import Decoder, Sampling
from latentcli.networks.decoder.hooks import POINTS, HookPoint
from latentcli.networks.decoder.network import KVCache, Llama, query_chunk
from latentcli.store.resolve import resolve

PROMPT = "The cat sat on the mat"


@pytest.fixture
def tiny() -> Decoder:
    return resolve(str(TINY_GGUF)).open_decoder(Environment())


def every_point(net: Llama) -> list[str]:
    return [f"blocks.{layer}.{point}" for layer in range(net.layers) for point in POINTS]


def test_the_stream_adds_up_at_its_named_points(tiny: Decoder) -> None:
    net = tiny.network
    ids = tiny.tokenizer.encode(PROMPT)
    logits, kept = net.run_with_cache([ids], every_point(net))
    np.testing.assert_array_equal(logits, net.forward([ids]))
    np.testing.assert_array_equal(kept["blocks.0.resid_pre"][0], net.embedding[ids])
    for layer in range(net.layers):
        a = {point: kept[f"blocks.{layer}.{point}"] for point in POINTS}
        assert a["resid_pre"].shape == a["attn_out"].shape == (1, len(ids), net.config.hidden)
        np.testing.assert_allclose(a["resid_mid"], a["resid_pre"] + a["attn_out"], atol=1e-6)
        np.testing.assert_allclose(a["resid_post"], a["resid_mid"] + a["mlp_out"], atol=1e-6)
        if layer + 1 < net.layers:
            np.testing.assert_array_equal(a["resid_post"], kept[f"blocks.{layer + 1}.resid_pre"])
    np.testing.assert_allclose(net.logits(kept[f"blocks.{net.layers - 1}.resid_post"][0, -1]),
                               logits[0], rtol=0, atol=TOLERANCE)


def test_run_with_cache_keeps_only_what_is_asked(tiny: Decoder) -> None:
    asked = ["blocks.1.attn.pattern", "blocks.0.mlp_out"]
    _, kept = tiny.network.run_with_cache([tiny.tokenizer.encode(PROMPT)], asked)
    assert list(kept) == asked


def test_the_attention_pattern_is_causal_and_sums_to_one(tiny: Decoder) -> None:
    net = tiny.network
    ids = tiny.tokenizer.encode(PROMPT)
    count = len(ids)
    _, kept = net.run_with_cache([ids, ids[::-1]], ["blocks.0.attn.pattern"])
    pattern = kept["blocks.0.attn.pattern"]
    assert pattern.shape == (2, net.config.heads, count, count)
    np.testing.assert_allclose(pattern.sum(axis=-1), 1.0, rtol=0, atol=1e-6)
    assert np.all(pattern[..., np.triu_indices(count, 1)[0], np.triu_indices(count, 1)[1]] == 0)
    assert np.all(pattern[:, :, 0, 0] == 1)  # the first position reads only itself


def test_a_replaced_pattern_is_what_attention_reads(tiny: Decoder) -> None:
    """Every position made to read position 0 only: each head's output at every position is
    position 0's, so attention adds the same vector everywhere."""
    net = tiny.network

    def first_only(pattern: Array, point: HookPoint) -> Array:
        replaced = np.zeros_like(pattern)
        replaced[..., 0] = 1
        return replaced

    _, kept = net.run_with_cache([tiny.tokenizer.encode(PROMPT)], ["blocks.1.attn_out"],
                                 hooks={"blocks.1.attn.pattern": first_only})
    out = kept["blocks.1.attn_out"][0]
    np.testing.assert_allclose(out, np.broadcast_to(out[0], out.shape), rtol=0, atol=1e-5)


def test_a_hook_replaces_and_none_leaves(tiny: Decoder) -> None:
    net = tiny.network
    ids = tiny.tokenizer.encode(PROMPT)
    plain = net.forward([ids])
    seen: list[str] = []

    def look(x: Array, point: HookPoint) -> None:
        seen.append(point.name)

    np.testing.assert_array_equal(net.forward([ids], hooks={"blocks.0.mlp_out": look}), plain)
    assert seen == ["blocks.0.mlp_out"]
    silenced = {"blocks.1.attn_out": lambda x, point: np.zeros_like(x)}
    _, kept = net.run_with_cache([ids], ["blocks.1.resid_pre", "blocks.1.resid_mid"],
                                 hooks=silenced)
    np.testing.assert_array_equal(kept["blocks.1.resid_mid"], kept["blocks.1.resid_pre"])
    assert np.max(np.abs(net.forward([ids], hooks=silenced) - plain)) > 100 * TOLERANCE
    np.testing.assert_array_equal(net.forward([ids]), plain)  # the hook lived for one call


def test_hooks_see_absolute_positions_when_a_cache_is_continued(tiny: Decoder) -> None:
    net = tiny.network
    ids = tiny.tokenizer.encode(PROMPT)
    positions: list[list[int]] = []
    keys: list[int] = []

    def where(x: Array, point: HookPoint) -> None:
        positions.append(point.positions.tolist())

    def pattern(x: Array, point: HookPoint) -> None:
        keys.append(x.shape[-1])

    cache = KVCache(net.config, 1, len(ids) + 2)
    hooks = {"blocks.1.resid_pre": where, "blocks.0.attn.pattern": pattern}
    net.forward([ids], cache, hooks)
    net.forward([[5]], cache, hooks)
    net.forward([[6]], cache, hooks)
    assert positions == [list(range(len(ids))), [len(ids)], [len(ids) + 1]]
    assert keys == [len(ids), len(ids) + 1, len(ids) + 2]


def test_rows_of_a_batch_are_computed_as_if_alone(tiny: Decoder) -> None:
    """Two sequences in one batch, one of them steered by a hook that writes its row only
    (the unsteered and the steered continuation computed together)."""
    net = tiny.network
    a, b = tiny.tokenizer.encode("The cat sat on"), tiny.tokenizer.encode("I love dogs and I")
    assert len(a) == len(b)
    push = np.linspace(-2, 2, net.config.hidden, dtype=np.float32)

    def steer(x: Array, point: HookPoint) -> Array:
        steered = x.copy()
        steered[1] += push
        return steered

    together = net.forward([a, b], hooks={"blocks.1.resid_pre": steer})
    alone_b = net.forward([b], hooks={"blocks.1.resid_pre": lambda x, point: x + push})
    np.testing.assert_allclose(together[0], net.forward([a])[0], rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(together[1], alone_b[0], rtol=0, atol=TOLERANCE)
    cache = KVCache(net.config, 2, len(a) + 1)
    net.forward([a, b], cache)
    stepped = net.forward([[7], [8]], cache)
    np.testing.assert_allclose(stepped[1], net.forward([[*b, 8]])[0], rtol=0, atol=TOLERANCE)


def test_chunked_attention_equals_one_chunk(tiny: Decoder,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    net = tiny.network
    ids = tiny.tokenizer.encode(PROMPT + " and the dog sat on the log")
    whole = net.forward([ids, ids[::-1]])
    cache = KVCache(net.config, 1, len(ids))
    net.forward([ids[:5]], cache)
    continued = net.forward([ids[5:]], cache)
    monkeypatch.setattr(network, "SCORES", 3 * net.config.heads * len(ids))  # 3 queries a chunk
    assert query_chunk(2, net.config.heads, len(ids)) == 1
    np.testing.assert_allclose(net.forward([ids, ids[::-1]]), whole, rtol=0, atol=TOLERANCE)
    cache = KVCache(net.config, 1, len(ids))
    net.forward([ids[:5]], cache)
    np.testing.assert_allclose(net.forward([ids[5:]], cache), continued, rtol=0, atol=TOLERANCE)


def test_scores_are_held_for_a_chunk_of_queries_only() -> None:
    """SmolLM2's 9 heads: a few hundred tokens are one chunk; 8,000 tokens are cut so that one
    chunk's scores stay within SCORES (memory linear in the prompt)."""
    assert query_chunk(1, 9, 400) >= 400
    chunk = query_chunk(1, 9, 8_000)
    assert 1 <= chunk < 8_000 and chunk * 9 * 8_000 <= network.SCORES
    assert query_chunk(4, 32, 10**7) == 1


def test_the_cache_is_allocated_once_for_what_the_call_needs(tiny: Decoder) -> None:
    net = tiny.network
    ids = tiny.tokenizer.encode(PROMPT)
    cache = KVCache(net.config, 1, len(ids) + 3)
    keys = cache.keys
    assert keys.shape == (net.layers, 1, net.config.kv_heads, len(ids) + 3, net.config.head_dim)
    net.forward([ids], cache)
    for token in (5, 6, 7):
        net.forward([[token]], cache)
    assert cache.keys is keys and cache.length == len(ids) + 3
    with pytest.raises(UsageError, match=f"holds {len(ids) + 3} positions"):
        net.forward([[8]], cache)
    with pytest.raises(UsageError, match="holds 1 sequences, not 2"):
        net.forward([[1], [2]], KVCache(net.config, 1, 4))


def test_generation_uses_a_cache_of_the_prompt_and_max_tokens(
        tiny: Decoder, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[KVCache] = []

    class Recorded(KVCache):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)  # type: ignore[arg-type]
            made.append(self)

    monkeypatch.setattr("latentcli.networks.decoder.decoder.KVCache", Recorded)
    ids = tiny.tokenizer.encode(PROMPT)
    written = tiny.generate(ids, 9, Sampling())
    assert len(made) == 1 and made[0].capacity == len(ids) + 9
    assert made[0].length == len(ids) + len(written) - 1  # the last token is never fed back


@pytest.mark.parametrize(("name", "problem"), [
    ("blocks.2.resid_pre", "no hook point 'blocks.2.resid_pre'"),
    ("blocks.0.hook_resid_pre", "no hook point 'blocks.0.hook_resid_pre'"),
    ("resid_pre", "no hook point 'resid_pre'"),
])
def test_a_hook_point_that_does_not_exist_is_refused_naming_the_valid_ones(
        tiny: Decoder, name: str, problem: str) -> None:
    valid = "blocks.L.{resid_pre,attn.pattern,attn_out,resid_mid,mlp_out,resid_post} for a " \
            "block L from 0 to 1"
    ids = [tiny.tokenizer.encode(PROMPT)]
    for call in (lambda: tiny.network.forward(ids, hooks={name: lambda x, point: None}),
                 lambda: tiny.network.run_with_cache(ids, [name])):
        with pytest.raises(UsageError) as refused:
            call()
        assert problem in str(refused.value) and valid in str(refused.value)


def test_a_hook_must_keep_the_shape(tiny: Decoder) -> None:
    with pytest.raises(UsageError, match="the hook on blocks.0.mlp_out returned an array of "
                                         r"shape \(1, 64\)"):
        tiny.network.forward([[1, 2, 3]], hooks={"blocks.0.mlp_out": lambda x, point: x[:, 0]})


@pytest.mark.parametrize(("ids", "problem"), [
    ([1, 2, 3], r"batch x positions, at least one of each; got the shape \(3,\)"),
    ([[]], "at least one of each"),
    ([[1, 100_000]], "token ids run from 0 to"),
    ([[-1]], "token ids run from 0 to"),
])
def test_ids_the_network_cannot_run_are_refused(tiny: Decoder, ids: object,
                                                problem: str) -> None:
    with pytest.raises(UsageError, match=problem):
        tiny.network.forward(ids)  # type: ignore[arg-type]

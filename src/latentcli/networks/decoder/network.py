"""The decoder forward pass in numpy: RMSNorm, grouped-query attention with RoPE, a gated FFN —
Llama's, with the switches of `Config` for its relatives (Qwen 2 and 3, Gemma 3).

Weights are used as the converter stored them, (out, in). llama.cpp's converter permutes the rows
of a Llama model's Q and K so that RoPE rotates *adjacent* pairs (x0, x1), (x2, x3)… of each head;
Hugging Face's layout, which llama.cpp keeps for Qwen and Gemma, rotates (x_i, x_{i+d/2})
(`Config.rope_neox`). The rest of a family is a few switches read here in one place: QKV biases,
QK-norm (before RoPE), post-norms of the attention and FFN outputs (before they are added, so the
``attn_out`` and ``mlp_out`` hook points see what is added), GELU (tanh) instead of SiLU, the
embedding scale (block 0's ``resid_pre`` is the scaled embedding), the attention scale, a sliding
window with its own RoPE base on the local blocks, and final logit softcapping.

`Llama.forward` runs a batch of sequences of equal length, ids (batch, positions), as rows of the
same matrix products. Given a `KVCache` it continues the sequences cached there and extends them,
so generating a token computes one position. Given hooks (`decoder.hooks`), it lets its caller read
or replace the activations at named points; `Llama.run_with_cache` keeps those asked for.
`Llama.run_blocks` runs blocks from a residual stream its caller holds, so runs that share the
blocks before it compute them once.

Attention scores are computed for a chunk of queries at a time (`query_chunk`), so their memory
grows with the prompt's length, not with its square; a prompt of a few hundred tokens is one chunk.
Each chunk reads only the keys its queries may see: on a local block, those inside the window
(unless a hook asks for the pattern, which then spans every key, those outside being 0).

BLAS runs on one thread: at one position per step the matrices are too small to share out, and
on a busy machine extra threads made generation slower, not faster (docs/design.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from latentcli.errors import ModelError, UsageError
from latentcli.networks.arrays import Array, Ids
from latentcli.networks.decoder.config import Config, ConfigError
from latentcli.networks.decoder.hooks import (
    Hook,
    HookPoint,
    HookRunner,
    Hooks,
    check_names,
    point_names,
)
from latentcli.networks.decoder.weights import InvalidModel, Weights
from latentcli.networks.products import project
from latentcli.networks.threads import limited

SCORES = 1 << 22  # attention scores held at once, per block (float32: 16 MB)


class DamagedModel(ModelError):
    """A forward pass met values that are not finite numbers where no hook put them: the weights are
    not what was converted (the caller was told through ``on_damage``, to convert again)."""


@dataclass(frozen=True)
class Block:
    """One block's weights, (out, in) as the GGUF holds them; d is head_dim. The optional ones
    are there exactly when the config's switch says so."""

    attn_norm: Array  # hidden
    q: Array  # heads * d x hidden (a Llama GGUF's rows permuted for adjacent-pair RoPE)
    k: Array  # kv_heads * d x hidden (likewise)
    v: Array  # kv_heads * d x hidden
    o: Array  # hidden x heads * d
    ffn_norm: Array  # hidden
    gate: Array  # ffn x hidden
    up: Array  # ffn x hidden
    down: Array  # hidden x ffn
    q_bias: Array | None = None  # heads * d (qkv_bias)
    k_bias: Array | None = None  # kv_heads * d
    v_bias: Array | None = None  # kv_heads * d
    q_norm: Array | None = None  # d (qk_norm)
    k_norm: Array | None = None  # d
    attn_post_norm: Array | None = None  # hidden (post_norms)
    ffn_post_norm: Array | None = None  # hidden


class Rotation(NamedTuple):
    """RoPE's cosines and sines for some positions (positions x rope_dims / 2), per base."""

    cos: Array
    sin: Array


class KVCache:
    """Every block's keys and values for up to ``capacity`` positions of ``batch`` sequences,
    allocated once; the first ``length`` positions are filled."""

    def __init__(self, config: Config, batch: int, capacity: int) -> None:
        shape = (config.layers, batch, config.kv_heads, capacity, config.head_dim)
        self.keys: Array = np.empty(shape, dtype=np.float32)
        self.values: Array = np.empty(shape, dtype=np.float32)
        self.length = 0

    @property
    def batch(self) -> int:
        return int(self.keys.shape[1])

    @property
    def capacity(self) -> int:
        return int(self.keys.shape[3])


def query_chunk(batch: int, heads: int, keys: int) -> int:
    """How many queries' scores against ``keys`` positions fit in `SCORES` (at least one)."""
    return max(1, SCORES // (batch * heads * keys))


class Llama:
    """One decoder model's arithmetic over its (memory-mapped) weights: Llama's, or a relative's
    by its config's switches."""

    def __init__(self, weights: Weights, name: str = "the model",
                 on_damage: Callable[[], None] | None = None) -> None:
        """The network in ``weights``: its config checked, every tensor's shape checked against
        it (`InvalidModel` when one is missing or disagrees). The GGUF names are read here
        only. ``on_damage`` is called before a `DamagedModel` is raised (the store marks the
        conversion, to convert it again)."""
        self.name = name
        self.on_damage = on_damage
        try:
            self.config = c = Config.from_settings(weights.settings,
                                                   weights.rows("token_embd.weight"))
        except ConfigError as error:
            raise InvalidModel(f"its settings are out of range: {error}") from None
        self.used: set[str] = set()  # the tensors read: the converter refuses a file with others
        self.embedding = self._tensor(weights, "token_embd.weight", (c.vocabulary, c.hidden))
        self.head = (self._tensor(weights, "output.weight", (c.vocabulary, c.hidden))
                     if "output.weight" in weights.tensors else self.embedding)  # tied if absent
        self.final_norm = self._tensor(weights, "output_norm.weight", (c.hidden,))
        self.blocks = [self._block(weights, i) for i in range(c.layers)]
        self.local = frozenset(c.local_blocks)
        self.inverse_frequencies = _inverse(c.rope_base, c.rope_dims)
        if "rope_freqs.weight" in weights.tensors:  # Llama 3.1's long-context scaling
            self.inverse_frequencies = self.inverse_frequencies / self._tensor(
                weights, "rope_freqs.weight", (c.rope_dims // 2,))
        self.local_frequencies = _inverse(c.rope_base_local, c.rope_dims)
        self.names = point_names(c.layers)

    def _tensor(self, weights: Weights, name: str, shape: tuple[int, ...]) -> Array:
        self.used.add(name)
        return weights.tensor(name, shape)

    def _block(self, weights: Weights, i: int) -> Block:
        """Block ``i``'s weights, those of the config's switches included (and only those)."""
        c = self.config
        hidden, q_rows, kv_rows = c.hidden, c.heads * c.head_dim, c.kv_heads * c.head_dim

        def get(name: str, *shape: int) -> Array:
            return self._tensor(weights, f"blk.{i}.{name}", shape)

        def switched(on: bool, name: str, *shape: int) -> Array | None:
            return get(name, *shape) if on else None

        return Block(
            attn_norm=get("attn_norm.weight", hidden),
            q=get("attn_q.weight", q_rows, hidden),
            k=get("attn_k.weight", kv_rows, hidden),
            v=get("attn_v.weight", kv_rows, hidden),
            o=get("attn_output.weight", hidden, q_rows),
            ffn_norm=get("ffn_norm.weight", hidden),
            gate=get("ffn_gate.weight", c.ffn, hidden),
            up=get("ffn_up.weight", c.ffn, hidden),
            down=get("ffn_down.weight", hidden, c.ffn),
            q_bias=switched(c.qkv_bias, "attn_q.bias", q_rows),
            k_bias=switched(c.qkv_bias, "attn_k.bias", kv_rows),
            v_bias=switched(c.qkv_bias, "attn_v.bias", kv_rows),
            q_norm=switched(c.qk_norm, "attn_q_norm.weight", c.head_dim),
            k_norm=switched(c.qk_norm, "attn_k_norm.weight", c.head_dim),
            attn_post_norm=switched(c.post_norms, "post_attention_norm.weight", hidden),
            ffn_post_norm=switched(c.post_norms, "post_ffw_norm.weight", hidden))

    @property
    def layers(self) -> int:
        return self.config.layers

    @property
    def vocabulary_size(self) -> int:
        return self.config.vocabulary

    def forward(self, ids: npt.ArrayLike, cache: KVCache | None = None,
                hooks: Hooks | None = None) -> Array:
        """Next-token logits (batch x vocabulary) after each sequence of ``ids`` (batch x
        positions: the positions after those in ``cache``, which is extended), with ``hooks``
        called at their points. Values that are not finite in the residual stream leaving the
        last block or in the logits are `DamagedModel` (or, after a hook replaced an activation,
        the hook's doing)."""
        runner = HookRunner(hooks or {})
        with limited(1), quiet():
            residual = self._finite(self._residual(ids, cache, runner), "residual stream", runner)
            return self._finite(self._logits(residual[:, -1]), "logits", runner)

    def run_with_cache(self, ids: npt.ArrayLike, names: Iterable[str],
                       hooks: Hooks | None = None) -> tuple[Array, dict[str, Array]]:
        """`forward`'s logits, and the activations at the hook points ``names`` as the network
        used them (after a hook of ``hooks`` at the same point); no others are kept."""
        names = list(names)
        check_names(names, self.layers)
        given = dict(hooks or {})
        kept: dict[str, Array] = {}
        recording = dict(given)
        for name in names:
            recording[name] = _recorder(kept, given.get(name))
        logits = self.forward(ids, hooks=recording)
        return logits, {name: kept[name] for name in names}

    def run_blocks(self, residual: npt.ArrayLike, first: int, last: int | None = None,
                   hooks: Hooks | None = None) -> Array:
        """The residual stream leaving block ``last`` - 1 (the last block, by default) when
        ``residual`` (batch x positions x hidden, from position 0) enters block ``first``: a
        pass started at a block from a residual its caller holds, so runs that share the blocks
        before it (the patched runs of activation patching) compute those once. ``hooks`` are
        called at the points of the blocks run; `logits` reads the result."""
        x = np.asarray(residual, dtype=np.float32)
        if x.ndim != 3 or 0 in x.shape or x.shape[2] != self.config.hidden:
            raise UsageError(f"a residual must be batch x positions x {self.config.hidden}; got "
                             f"the shape {x.shape}")
        if not np.isfinite(x).all():  # not the weights' doing: never blamed on them
            raise UsageError("a residual must hold finite numbers only")
        self._check_layer(first)
        stop = self.layers if last is None else last
        if not first < stop <= self.layers:
            raise UsageError(f"the blocks to run must end after block {first} and at block "
                             f"{self.layers - 1} at the latest, not at {stop - 1}")
        runner = HookRunner(hooks or {})
        if hooks:
            check_names(hooks, self.layers)
        with limited(1), quiet():
            return self._finite(self._blocks(x, first, None, runner, stop), "residual stream",
                                runner)

    def resid_pre(self, ids: npt.ArrayLike, layer: int) -> Array:
        """The residual stream entering block ``layer`` (batch x positions x hidden), computed by
        the blocks before it only."""
        self._check_layer(layer)
        with limited(1), quiet():
            return self._finite(self._residual(ids, None, HookRunner({}), layer),
                                "residual stream", None)

    def _check_layer(self, layer: int) -> None:
        if not 0 <= layer < self.layers:
            raise UsageError(f"there is no block {layer}: the blocks run from 0 to "
                             f"{self.layers - 1}")

    def logits(self, residual: Array) -> Array:
        """Next-token logits for residual vectors (... x hidden): the final norm, then the
        output head."""
        with limited(1), quiet():
            return self._finite(self._logits(residual), "logits", None)

    def _logits(self, residual: Array) -> Array:
        logits = project(self._norm(residual, self.final_norm), self.head)
        cap = self.config.softcap
        if cap:
            cap32 = np.float32(cap)
            logits = np.tanh(logits / cap32) * cap32
        return logits

    def _finite(self, values: Array, what: str, hooks: HookRunner | None) -> Array:
        """``values``, which must be finite: a cheap check that catches damaged weights (a NaN
        or an infinity spreads to every later position and to the logits)."""
        if np.isfinite(values).all():
            return values
        if hooks is not None and hooks.replaced is not None:
            raise UsageError(f"the {what} holds values that are not finite numbers after the "
                             f"hook on {hooks.replaced} replaced its activation")
        if self.on_damage is not None:
            self.on_damage()
        repair = ("it will be converted again on the next run" if self.on_damage is not None
                  else "convert it again")
        raise DamagedModel(f"the converted model {self.name} is damaged: its {what} holds "
                           f"values that are not finite numbers; {repair}")

    def _residual(self, ids: npt.ArrayLike, cache: KVCache | None, hooks: HookRunner,
                  blocks: int | None = None) -> Array:
        """The residual stream leaving the first ``blocks`` blocks (all of them by default;
        batch x positions x hidden)."""
        c = self.config
        tokens = self._checked(ids, cache, hooks.hooks)
        x = np.asarray(self.embedding[tokens], dtype=np.float32)
        if c.embedding_scale != 1:
            x = x * np.float32(c.embedding_scale)
        return self._blocks(x, 0, cache, hooks, blocks)

    def _blocks(self, x: Array, first: int, cache: KVCache | None, hooks: HookRunner,
                blocks: int | None = None) -> Array:
        """The residual stream leaving block ``blocks`` - 1 (the last, by default) when ``x``
        enters block ``first``."""
        start = 0 if cache is None else cache.length
        positions = np.arange(start, start + x.shape[1], dtype=np.int64)
        rotations = {False: _rotation(positions, self.inverse_frequencies)}
        if self.local:
            rotations[True] = _rotation(positions, self.local_frequencies)
        for layer in range(first, self.layers if blocks is None else blocks):
            block, names = self.blocks[layer], self.names[layer]
            x = hooks(names["resid_pre"], layer, x, positions)
            attended = self._attention(layer, block, self._norm(x, block.attn_norm), positions,
                                       rotations[layer in self.local], cache, hooks)
            x = x + hooks(names["attn_out"], layer, attended, positions)
            x = hooks(names["resid_mid"], layer, x, positions)
            x = x + hooks(names["mlp_out"], layer,
                          self._mlp(block, self._norm(x, block.ffn_norm)), positions)
            x = hooks(names["resid_post"], layer, x, positions)
        if cache is not None:
            cache.length = start + x.shape[1]
        return x

    def _checked(self, ids: npt.ArrayLike, cache: KVCache | None, hooks: Hooks) -> Ids:
        """``ids`` as a batch x positions array, refused if the cache or the vocabulary cannot
        take them; the hooks' names checked."""
        tokens = np.asarray(ids, dtype=np.int64)
        if tokens.ndim != 2 or 0 in tokens.shape:
            raise UsageError(f"ids must be batch x positions, at least one of each; got the "
                             f"shape {tokens.shape}")
        if tokens.min() < 0 or tokens.max() >= self.config.vocabulary:
            raise UsageError(f"token ids run from 0 to {self.config.vocabulary - 1}")
        if cache is not None and cache.batch != len(tokens):
            raise UsageError(f"the cache holds {cache.batch} sequences, not {len(tokens)}")
        if cache is not None and cache.length + tokens.shape[1] > cache.capacity:
            raise UsageError(f"the cache holds {cache.capacity} positions: {cache.length} are "
                             f"filled, {tokens.shape[1]} more do not fit")
        if hooks:
            check_names(hooks, self.layers)
        return tokens

    def _norm(self, x: Array, weight: Array) -> Array:
        scale = 1.0 / np.sqrt(np.mean(np.square(x), axis=-1, keepdims=True) + self.config.eps)
        return np.asarray(x * scale * weight, dtype=np.float32)

    def _rope(self, x: Array, rotation: Rotation) -> Array:
        """Rotate each head's pairs (x: batch x positions x heads x head_dim): adjacent ones,
        or NeoX's (x_i, x_{i+d/2}) — of the leading rope_dims dimensions."""
        pairs = rotation.cos.shape[1]
        c, s = rotation.cos[:, None, :], rotation.sin[:, None, :]
        if self.config.rope_neox:
            first, second = slice(0, pairs), slice(pairs, 2 * pairs)
        else:
            first, second = slice(0, 2 * pairs, 2), slice(1, 2 * pairs, 2)
        a, b = x[..., first], x[..., second]
        out = x.copy()
        out[..., first] = a * c - b * s
        out[..., second] = a * s + b * c
        return out

    def _mlp(self, block: Block, h: Array) -> Array:
        rows = h.reshape(-1, h.shape[-1])
        gate = project(rows, block.gate)
        if self.config.activation == "gelu_tanh":  # GELU's tanh approximation, in float32
            inner = np.float32(math.sqrt(2 / math.pi)) * (gate + np.float32(0.044715) * gate ** 3)
            active = np.float32(0.5) * gate * (np.float32(1) + np.tanh(inner))
        else:  # SiLU
            active = gate / (1.0 + np.exp(-gate))
        out = project(np.asarray(active * project(rows, block.up), np.float32), block.down)
        if block.ffn_post_norm is not None:
            out = self._norm(out, block.ffn_post_norm)
        return out.reshape(h.shape)

    def _projected(self, rows: Array, weight: Array, bias: Array | None, norm: Array | None,
                   shape: tuple[int, ...], rotation: Rotation | None) -> Array:
        """Queries, keys or values of ``rows``: projected, the bias added, each head normed and
        turned by RoPE where the config says so; batch x heads x count x d."""
        out = project(rows, weight)
        if bias is not None:
            out = out + bias
        out = out.reshape(shape)
        if norm is not None:
            out = self._norm(out, norm)
        if rotation is not None:
            out = self._rope(out, rotation)
        return out.transpose(0, 2, 1, 3)

    def _attention(self, layer: int, block: Block, h: Array, positions: Ids, rotation: Rotation,
                   cache: KVCache | None, hooks: HookRunner) -> Array:
        """What attention adds to the stream (h: the normed residual, batch x count x hidden)."""
        c, (batch, count, hidden) = self.config, h.shape
        d, group = c.head_dim, c.group
        rows = h.reshape(batch * count, hidden)
        # batch x heads x count x d; query head i reads key/value head i // group
        q = self._projected(rows, block.q, block.q_bias, block.q_norm,
                            (batch, count, c.heads, d), rotation)
        k = self._projected(rows, block.k, block.k_bias, block.k_norm,
                            (batch, count, c.kv_heads, d), rotation)
        v = self._projected(rows, block.v, block.v_bias, None, (batch, count, c.kv_heads, d),
                            None)
        start = int(positions[0])
        if cache is None:
            keys, values = k, v  # batch x kv_heads x positions x d
        else:
            cache.keys[layer, :, :, start : start + count] = k
            cache.values[layer, :, :, start : start + count] = v
            keys, values = cache.keys[layer], cache.values[layer]
        window = c.window if layer in self.local else 0
        pattern_name = self.names[layer]["attn.pattern"]
        hooked = pattern_name in hooks.hooks  # its hook sees the whole pattern: one chunk
        chunk = count if hooked else query_chunk(batch, c.heads, start + count)
        scale = np.float32(c.scale)
        out = np.empty((batch, c.heads, count, d), dtype=np.float32)
        for first in range(0, count, chunk):
            last = min(count, first + chunk)
            seen = start + last  # the keys the chunk's queries may read: from `low` on
            low = max(0, start + first - window + 1) if window and not hooked else 0
            grouped = q[:, :, first:last].reshape(batch, c.kv_heads, group * (last - first), d)
            scores = (grouped @ keys[:, :, low:seen].transpose(0, 1, 3, 2)) * scale
            # a lone query (a generated token) may read every key from `low` on, unless a hook
            # asked for the keys before its window too
            if last - first > 1 or (window and start + first - low >= window):
                query_positions = np.tile(positions[first:last], group)[:, None]
                key_positions = np.arange(low, seen)[None, :]
                masked = key_positions > query_positions
                if window:
                    masked |= query_positions - key_positions >= window
                scores = np.where(masked, np.float32(-np.inf), scores)
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            if hooked:
                scores = hooks(pattern_name, layer,
                               scores.reshape(batch, c.heads, last - first, seen),
                               positions[first:last]
                               ).reshape(batch, c.kv_heads, group * (last - first), seen)
            out[:, :, first:last] = (scores @ values[:, :, low:seen]).reshape(
                batch, c.heads, last - first, d)
        merged = out.transpose(0, 2, 1, 3).reshape(batch * count, c.heads * d)
        attended = project(merged, block.o)
        if block.attn_post_norm is not None:
            attended = self._norm(attended, block.attn_post_norm)
        return attended.reshape(batch, count, hidden)


def _inverse(base: float, dims: int) -> Array:
    """RoPE's inverse frequencies: pair i turns base ** (-2i / dims) radians per position."""
    return np.asarray(base ** (-np.arange(0, dims, 2) / dims), dtype=np.float64)


def _rotation(positions: Ids, inverse: Array) -> Rotation:
    angles = np.outer(positions, inverse)
    return Rotation(np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32))


def quiet() -> np.errstate:
    """numpy's warnings about overflow and NaN silenced: `Llama._finite` reports the outcome."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


def _recorder(kept: dict[str, Array], inner: Hook | None) -> Hook:
    """A hook that runs ``inner`` (if there is one) and keeps what the network goes on with."""
    def record(activation: Array, point: HookPoint) -> Array | None:
        replaced = None if inner is None else inner(activation, point)
        kept[point.name] = np.asarray(activation if replaced is None else replaced,
                                      dtype=np.float32)
        return replaced

    return record

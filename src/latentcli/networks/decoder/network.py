"""The Llama forward pass in numpy: RMSNorm, grouped-query attention with RoPE, SwiGLU.

Weights are used as the GGUF holds them, (out, in). llama.cpp's converter permutes the rows of
Q and K so that RoPE rotates *adjacent* pairs (x0, x1), (x2, x3)… of each head; Hugging Face's
layout rotates (x_i, x_{i+d/2}) instead. With the GGUF's rows, adjacent pairs are right (the wrong
pairing still writes text, only worse).

`Llama.forward` runs a batch of sequences of equal length, ids (batch, positions), as rows of the
same matrix products. Given a `KVCache` it continues the sequences cached there and extends them,
so generating a token computes one position. Given hooks (`decoder.hooks`), it lets its caller read
or replace the activations at named points; `Llama.run_with_cache` keeps those asked for.
`Llama.run_blocks` runs blocks from a residual stream its caller holds, so runs that share the
blocks before it compute them once.

Attention scores are computed for a chunk of queries at a time (`query_chunk`), so their memory
grows with the prompt's length, not with its square; a prompt of a few hundred tokens is one chunk.

BLAS runs on one thread: at one position per step the matrices are too small to share out, and
on a busy machine extra threads made generation slower, not faster (docs/design.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

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
from latentcli.networks.threads import limited

SCORES = 1 << 22  # attention scores held at once, per block (float32: 16 MB)


class DamagedModel(ModelError):
    """A forward pass met values that are not finite numbers where no hook put them: the weights are
    not what was converted (the caller was told through ``on_damage``, to convert again)."""


@dataclass(frozen=True)
class Block:
    """One block's weights, (out, in) as the GGUF holds them; d is head_dim."""

    attn_norm: Array  # hidden
    q: Array  # heads * d x hidden, rows permuted for adjacent-pair RoPE
    k: Array  # kv_heads * d x hidden, rows permuted likewise
    v: Array  # kv_heads * d x hidden
    o: Array  # hidden x heads * d
    ffn_norm: Array  # hidden
    gate: Array  # ffn x hidden
    up: Array  # ffn x hidden
    down: Array  # hidden x ffn


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
    """One Llama-family model's arithmetic over its (memory-mapped) weights."""

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
        hidden, q_rows, kv_rows = c.hidden, c.heads * c.head_dim, c.kv_heads * c.head_dim
        self.embedding = weights.tensor("token_embd.weight", (c.vocabulary, hidden))
        self.head = (weights.tensor("output.weight", (c.vocabulary, hidden))
                     if "output.weight" in weights.tensors else self.embedding)  # tied if absent
        self.final_norm = weights.tensor("output_norm.weight", (hidden,))
        self.blocks = [Block(
            attn_norm=weights.tensor(f"blk.{i}.attn_norm.weight", (hidden,)),
            q=weights.tensor(f"blk.{i}.attn_q.weight", (q_rows, hidden)),
            k=weights.tensor(f"blk.{i}.attn_k.weight", (kv_rows, hidden)),
            v=weights.tensor(f"blk.{i}.attn_v.weight", (kv_rows, hidden)),
            o=weights.tensor(f"blk.{i}.attn_output.weight", (hidden, q_rows)),
            ffn_norm=weights.tensor(f"blk.{i}.ffn_norm.weight", (hidden,)),
            gate=weights.tensor(f"blk.{i}.ffn_gate.weight", (c.ffn, hidden)),
            up=weights.tensor(f"blk.{i}.ffn_up.weight", (c.ffn, hidden)),
            down=weights.tensor(f"blk.{i}.ffn_down.weight", (hidden, c.ffn)),
        ) for i in range(c.layers)]
        inverse = c.rope_base ** (-np.arange(0, c.rope_dims, 2) / c.rope_dims)
        if "rope_freqs.weight" in weights.tensors:  # Llama 3.1's long-context scaling
            inverse = inverse / weights.tensor("rope_freqs.weight", (c.rope_dims // 2,))
        self.inverse_frequencies = inverse.astype(np.float64)
        self.names = point_names(c.layers)

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
        return np.asarray(self._norm(residual, self.final_norm) @ self.head.T, dtype=np.float32)

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
        tokens = self._checked(ids, cache, hooks.hooks)
        x = np.asarray(self.embedding[tokens], dtype=np.float32)
        return self._blocks(x, 0, cache, hooks, blocks)

    def _blocks(self, x: Array, first: int, cache: KVCache | None, hooks: HookRunner,
                blocks: int | None = None) -> Array:
        """The residual stream leaving block ``blocks`` - 1 (the last, by default) when ``x``
        enters block ``first``."""
        start = 0 if cache is None else cache.length
        positions = np.arange(start, start + x.shape[1], dtype=np.int64)
        cos, sin = self._rotation(positions)
        for layer in range(first, self.layers if blocks is None else blocks):
            block, names = self.blocks[layer], self.names[layer]
            x = hooks(names["resid_pre"], layer, x, positions)
            attended = self._attention(layer, block, self._norm(x, block.attn_norm), positions,
                                       cos, sin, cache, hooks)
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

    def _rotation(self, positions: Ids) -> tuple[Array, Array]:
        angles = np.outer(positions, self.inverse_frequencies)
        return np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32)

    def _rope(self, x: Array, cos: Array, sin: Array) -> Array:
        """Rotate adjacent pairs of each head (x: batch x positions x heads x head_dim)."""
        pairs = cos.shape[1]
        even, odd = x[..., 0 : 2 * pairs : 2], x[..., 1 : 2 * pairs : 2]
        c, s = cos[:, None, :], sin[:, None, :]
        out = x.copy()
        out[..., 0 : 2 * pairs : 2] = even * c - odd * s
        out[..., 1 : 2 * pairs : 2] = even * s + odd * c
        return out

    def _mlp(self, block: Block, h: Array) -> Array:
        rows = h.reshape(-1, h.shape[-1])
        gate = rows @ block.gate.T
        out = (gate / (1.0 + np.exp(-gate)) * (rows @ block.up.T)) @ block.down.T
        return np.asarray(out, dtype=np.float32).reshape(h.shape)

    def _attention(self, layer: int, block: Block, h: Array, positions: Ids, cos: Array,
                   sin: Array, cache: KVCache | None, hooks: HookRunner) -> Array:
        """What attention adds to the stream (h: the normed residual, batch x count x hidden)."""
        c, (batch, count, hidden) = self.config, h.shape
        d, group = c.head_dim, c.group
        rows = h.reshape(batch * count, hidden)
        # batch x heads x count x d; query head i reads key/value head i // group
        q = self._rope((rows @ block.q.T).reshape(batch, count, c.heads, d), cos, sin
                       ).transpose(0, 2, 1, 3)
        k = self._rope((rows @ block.k.T).reshape(batch, count, c.kv_heads, d), cos, sin
                       ).transpose(0, 2, 1, 3)
        v = (rows @ block.v.T).reshape(batch, count, c.kv_heads, d).transpose(0, 2, 1, 3)
        start = int(positions[0])
        if cache is None:
            keys, values = k, v  # batch x kv_heads x positions x d
        else:
            cache.keys[layer, :, :, start : start + count] = k
            cache.values[layer, :, :, start : start + count] = v
            keys, values = cache.keys[layer], cache.values[layer]
        pattern_name = self.names[layer]["attn.pattern"]
        hooked = pattern_name in hooks.hooks  # its hook sees the whole pattern: one chunk
        chunk = count if hooked else query_chunk(batch, c.heads, start + count)
        out = np.empty((batch, c.heads, count, d), dtype=np.float32)
        for first in range(0, count, chunk):
            last = min(count, first + chunk)
            seen = start + last  # the keys the chunk's queries may read
            grouped = q[:, :, first:last].reshape(batch, c.kv_heads, group * (last - first), d)
            scores = (grouped @ keys[:, :, :seen].transpose(0, 1, 3, 2)) / np.float32(np.sqrt(d))
            if last - first > 1:  # a lone query (a generated token) may read every key seen
                query_positions = np.tile(positions[first:last], group)
                masked = np.arange(seen)[None, :] > query_positions[:, None]
                scores = np.where(masked, np.float32(-np.inf), scores)
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            if hooked:
                scores = hooks(pattern_name, layer,
                               scores.reshape(batch, c.heads, last - first, seen),
                               positions[first:last]
                               ).reshape(batch, c.kv_heads, group * (last - first), seen)
            out[:, :, first:last] = (scores @ values[:, :, :seen]).reshape(
                batch, c.heads, last - first, d)
        merged = out.transpose(0, 2, 1, 3).reshape(batch * count, c.heads * d)
        return np.asarray(merged @ block.o.T, dtype=np.float32).reshape(batch, count, hidden)


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

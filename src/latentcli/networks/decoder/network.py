"""The Llama forward pass in numpy: RMSNorm, grouped-query attention with RoPE, SwiGLU.

Weights are used as the GGUF holds them, (out, in). llama.cpp's converter permutes the rows of
Q and K so that RoPE rotates *adjacent* pairs (x0, x1), (x2, x3)… of each head; Hugging Face's
layout rotates (x_i, x_{i+d/2}) instead. With the GGUF's rows, adjacent pairs are right (the wrong
pairing still writes text, only worse). Keys and values of earlier positions are kept in a
`KVCache`, so generating a token computes one position.

The residual stream can be read and written between blocks: ``states[l]`` is the residual as it
enters block ``l`` (``states[layers]`` leaves the last block), TransformerLens's ``resid_pre``;
a `Steer` adds a vector there from a given position on.

BLAS runs on one thread: at one position per step the matrices are too small to share out, and
on a busy machine extra threads made generation several times slower, not faster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from latentcli.networks.decoder.weights import Array, Weights

Positions = np.ndarray[Any, np.dtype[np.int64]]


@dataclass(frozen=True)
class Steer:
    """Add to the residual entering block ``layer``: one vector at every position from ``start``
    on, or (a matrix) its rows at positions ``start``, ``start + 1``… (ActAdd's alignment)."""

    layer: int
    vector: Array
    start: int = 1


@dataclass
class KVCache:
    """Each block's keys and values for the positions computed so far."""

    keys: list[Array] = field(default_factory=list)
    values: list[Array] = field(default_factory=list)
    length: int = 0


@dataclass(frozen=True)
class Forward:
    """What one call computed: next-token logits at the last position, and, if asked for, the
    residual at every block boundary (layers + 1) and position."""

    logits: Array
    states: Array | None


class Llama:
    """One Llama-family model's arithmetic over its (memory-mapped) weights."""

    def __init__(self, weights: Weights) -> None:
        s = weights.settings
        self.layers, self.hidden = int(s["layers"]), int(s["hidden"])
        self.heads, self.kv_heads = int(s["heads"]), int(s["kv_heads"])
        self.head_dim, self.eps = int(s["head_dim"]), float(s["eps"])
        self.embedding = weights.tensor("token_embd.weight")
        self.head = weights.tensors.get("output.weight", self.embedding)  # tied when absent
        self.final_norm = weights.tensor("output_norm.weight")
        self.blocks = [{name: weights.tensor(f"blk.{i}.{name}.weight") for name in (
            "attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate",
            "ffn_up", "ffn_down")} for i in range(self.layers)]
        rope_dims = int(s["rope_dims"])
        inverse = float(s["rope_base"]) ** (-np.arange(0, rope_dims, 2) / rope_dims)
        if "rope_freqs.weight" in weights.tensors:  # Llama 3.1's long-context scaling
            inverse = inverse / weights.tensors["rope_freqs.weight"][: rope_dims // 2]
        self.inverse_frequencies = inverse.astype(np.float64)

    @property
    def vocabulary_size(self) -> int:
        return int(self.head.shape[0])

    def forward(self, ids: Sequence[int], cache: KVCache, steers: Sequence[Steer] = (),
                record: bool = False) -> Forward:
        """Run ``ids`` (the positions after those in ``cache``), extending the cache."""
        with _blas().limit(limits=1, user_api="blas"):
            return self._forward(ids, cache, steers, record)

    def _forward(self, ids: Sequence[int], cache: KVCache, steers: Sequence[Steer],
                 record: bool) -> Forward:
        start = cache.length
        x = np.asarray(self.embedding[np.asarray(ids, dtype=np.int64)], dtype=np.float32)
        positions = np.arange(start, start + len(ids), dtype=np.int64)
        cos, sin = self._rotation(positions)
        states: list[Array] | None = [] if record else None
        for layer, block in enumerate(self.blocks):
            x = self._steered(x, layer, positions, steers)
            if states is not None:
                states.append(x.copy())
            x = x + self._attention(layer, block, self._norm(x, block["attn_norm"]), cos, sin,
                                    cache)
            h = self._norm(x, block["ffn_norm"])
            gate = h @ block["ffn_gate"].T
            x = x + (gate / (1.0 + np.exp(-gate)) * (h @ block["ffn_up"].T)) @ block["ffn_down"].T
        x = self._steered(x, self.layers, positions, steers)
        if states is not None:
            states.append(x.copy())
        cache.length = start + len(ids)
        return Forward(self.logits(x[-1]), None if states is None else np.stack(states))

    def logits(self, residual: Array) -> Array:
        """Next-token logits for residual vector(s): the final norm, then the LM head."""
        with _blas().limit(limits=1, user_api="blas"):
            return np.asarray(self._norm(residual, self.final_norm) @ self.head.T,
                              dtype=np.float32)

    def _steered(self, x: Array, layer: int, positions: Positions,
                 steers: Sequence[Steer]) -> Array:
        for steer in (steer for steer in steers if steer.layer == layer):
            if steer.vector.ndim == 1:
                x[positions >= steer.start] += steer.vector
            else:
                row = positions - steer.start
                inside = (row >= 0) & (row < len(steer.vector))
                x[inside] += steer.vector[row[inside]]
        return x

    def _norm(self, x: Array, weight: Array) -> Array:
        scale = 1.0 / np.sqrt(np.mean(np.square(x), axis=-1, keepdims=True) + self.eps)
        return np.asarray(x * scale * weight, dtype=np.float32)

    def _rotation(self, positions: Positions) -> tuple[Array, Array]:
        angles = np.outer(positions, self.inverse_frequencies)
        return np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32)

    def _rope(self, x: Array, cos: Array, sin: Array) -> Array:
        """Rotate adjacent pairs of each head (x: positions x heads x head_dim)."""
        pairs = cos.shape[1]
        even, odd = x[..., 0 : 2 * pairs : 2], x[..., 1 : 2 * pairs : 2]
        c, s = cos[:, None, :], sin[:, None, :]
        out = x.copy()
        out[..., 0 : 2 * pairs : 2] = even * c - odd * s
        out[..., 1 : 2 * pairs : 2] = even * s + odd * c
        return out

    def _attention(self, layer: int, block: dict[str, Array], h: Array, cos: Array, sin: Array,
                   cache: KVCache) -> Array:
        count, d = len(h), self.head_dim
        q = self._rope((h @ block["attn_q"].T).reshape(count, self.heads, d), cos, sin)
        k = self._rope((h @ block["attn_k"].T).reshape(count, self.kv_heads, d), cos, sin)
        v = (h @ block["attn_v"].T).reshape(count, self.kv_heads, d)
        keys, values = self._cached(cache, layer, k, v)  # kv_heads x total x d
        total = keys.shape[1]
        group = self.heads // self.kv_heads  # query head i reads key/value head i // group
        q = q.transpose(1, 0, 2).reshape(self.kv_heads, group * count, d)
        scores = (q @ keys.transpose(0, 2, 1)) / np.float32(np.sqrt(d))
        query_positions = np.tile(np.arange(total - count, total), group)
        masked = np.arange(total)[None, :] > query_positions[:, None]
        scores = np.where(masked[None], np.float32(-np.inf), scores)
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        out = (scores @ values).reshape(self.heads, count, d).transpose(1, 0, 2)
        return np.asarray(out.reshape(count, self.heads * d) @ block["attn_output"].T,
                          dtype=np.float32)

    def _cached(self, cache: KVCache, layer: int, k: Array, v: Array) -> tuple[Array, Array]:
        k, v = k.transpose(1, 0, 2), v.transpose(1, 0, 2)
        if layer < len(cache.keys):
            k = np.concatenate([cache.keys[layer], k], axis=1)
            v = np.concatenate([cache.values[layer], v], axis=1)
            cache.keys[layer], cache.values[layer] = k, v
        else:
            cache.keys.append(k)
            cache.values.append(v)
        return k, v


@lru_cache(maxsize=1)
def _blas() -> Any:
    """The process's BLAS libraries (found once: the search takes a fraction of a second)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()

"""The transformer forward pass in numpy: BERT-family (absolute positions) and MPNet (relative
position bias), as Hugging Face ``BertModel`` / ``MPNetModel`` compute it in inference mode.

Weights are rearranged once at load so each layer does one 2-D matmul per projection over all
tokens of a batch (query, key and value fused into one), on contiguous pre-transposed float32
matrices. GELU is the erf form (see `gelu`), not the tanh approximation. Padding is masked out
of attention; padded rows of the output are meaningless and must be masked by the caller
(pooling does).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from latentcli.errors import ModelError
from latentcli.networks.arrays import Array

SUPPORTED = ("bert", "mpnet")
EXP_FLOOR = np.float32(-80.0)  # exp(-80) is still a normal float32: no subnormal slow path
MASKED = np.float32(-1e4)


@dataclass(frozen=True)
class Layer:
    """One encoder layer's weights, pre-transposed: ``x @ qkv`` gives queries, keys and values."""

    qkv: Array
    qkv_bias: Array
    out: Array
    out_bias: Array
    norm1: tuple[Array, Array]
    up: Array
    up_bias: Array
    down: Array
    down_bias: Array
    norm2: tuple[Array, Array]


@dataclass(frozen=True)
class Network:
    """A loaded BERT or MPNet encoder; `hidden` maps token ids to last-layer token vectors."""

    kind: str
    words: Array
    positions: Array
    token_type: Array | None  # BERT's type-0 embedding (added to every token)
    embed_norm: tuple[Array, Array]
    layers: list[Layer]
    heads: int
    eps: float
    relative_bias: Array | None  # MPNet: (buckets, heads)
    pad_id: int

    @property
    def dims(self) -> int:
        return int(self.words.shape[1])

    def hidden(self, ids: np.ndarray[Any, Any], mask: Array) -> Array:
        """Last-layer vectors, shape (batch, length, dims), for right-padded ``ids``."""
        batch, length = ids.shape
        x = self._embed(ids).reshape(batch * length, self.dims)
        bias = ((mask - np.float32(1.0)) * -MASKED)[:, None, None, :]  # 0 or -1e4 per key
        if self.relative_bias is not None:
            bias = bias + _position_bias(self.relative_bias, length)[None]
        for layer in self.layers:
            x = self._layer(layer, x, batch, length, bias, mask)
        return x.reshape(batch, length, self.dims)

    def _embed(self, ids: np.ndarray[Any, Any]) -> Array:
        x = self.words[ids]
        if self.kind == "mpnet":  # fairseq positions: pads get padding_idx, others count from it
            keep = (ids != self.pad_id).astype(np.int64)
            x += self.positions[np.cumsum(keep, axis=1) * keep + self.pad_id]
        else:
            x += self.positions[: ids.shape[1]]
        if self.token_type is not None:
            x += self.token_type
        return _layer_norm(x, self.embed_norm, self.eps)

    def _layer(self, layer: Layer, x: Array, batch: int, length: int, bias: Array,
               mask: Array) -> Array:
        dims, heads = self.dims, self.heads
        size = dims // heads
        qkv = x @ layer.qkv
        qkv += layer.qkv_bias
        qkv4 = qkv.reshape(batch, length, 3, heads, size).transpose(2, 0, 3, 1, 4)
        q, k, v = qkv4[0], qkv4[1], qkv4[2]  # (batch, heads, length, size)
        scores = np.matmul(q * np.float32(1.0 / math.sqrt(size)), k.transpose(0, 1, 3, 2))
        scores += bias
        scores -= scores.max(axis=-1, keepdims=True)
        np.maximum(scores, EXP_FLOOR, out=scores)
        np.exp(scores, out=scores)
        scores *= mask[:, None, None, :]  # masked keys weigh exactly nothing
        scores /= scores.sum(axis=-1, keepdims=True)
        context = np.matmul(scores, v).transpose(0, 2, 1, 3).reshape(batch * length, dims)
        attended = context @ layer.out
        attended += layer.out_bias
        attended += x
        h = _layer_norm(attended, layer.norm1, self.eps)
        up = h @ layer.up
        up += layer.up_bias
        gelu(up)
        down = cast(Array, up @ layer.down)  # numpy's stubs widen float32 @ float32
        down += layer.down_bias
        down += h
        return _layer_norm(down, layer.norm2, self.eps)


def _layer_norm(x: Array, norm: tuple[Array, Array], eps: float) -> Array:
    x -= x.mean(axis=-1, keepdims=True)
    variance = np.square(x).mean(axis=-1, keepdims=True)
    variance += np.float32(eps)
    x /= np.sqrt(variance)
    x *= norm[0]
    x += norm[1]
    return x


# Abramowitz & Stegun 7.1.26: erfc(a) = poly(t) exp(-a^2), t = 1 / (1 + P a), |error| < 1.5e-7.
ERFC_P = np.float32(0.3275911)
GELU_BLOCK = 1 << 15  # values per pass: 128 KB, so the four temporaries sit in L2
ERFC_HALF_COEFFICIENTS = tuple(np.float32(0.5 * c) for c in (  # halved: the poly gives erfc / 2
    1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592))


def gelu(x: Array) -> None:
    """GELU in place, erf form: x * Phi(x), with Phi from an erfc accurate to 1.5e-7.

    Not the tanh approximation: against float64 erf the result is within 5e-7 absolute and a
    few float32 ulps relative, as close as scipy.special.erf in float32, at a fifth of its
    cost (scipy's erf was a third of the whole forward pass). Branch-free: Phi(x) =
    1/2 + copysign(1/2 - erfc(|x|/sqrt 2)/2, x); the exponent is floored at -80 so exp never
    produces subnormals. Computed in blocks of `GELU_BLOCK` values so its ~20 passes stay in
    cache (docs/design.md, "The transformer encoder", has the measurement).
    """
    if not x.flags.c_contiguous:
        raise ValueError("gelu works in place on C-contiguous arrays")
    flat = x.reshape(-1)  # a view: the intermediate arrays are `x`-sized unless cut in blocks
    for start in range(0, flat.size, GELU_BLOCK):
        _gelu_block(flat[start:start + GELU_BLOCK])


def _gelu_block(x: Array) -> None:
    a = np.abs(x)
    a *= np.float32(1.0 / math.sqrt(2.0))
    t = a * ERFC_P
    t += np.float32(1.0)
    np.reciprocal(t, out=t)
    half_erfc = t * ERFC_HALF_COEFFICIENTS[0]
    for coefficient in ERFC_HALF_COEFFICIENTS[1:]:
        half_erfc += coefficient
        half_erfc *= t
    np.square(a, out=a)
    np.minimum(a, -EXP_FLOOR, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    half_erfc *= a
    np.subtract(np.float32(0.5), half_erfc, out=half_erfc)
    np.copysign(half_erfc, x, out=half_erfc)
    half_erfc += np.float32(0.5)
    x *= half_erfc


def relative_buckets(length: int, buckets: int = 32, max_distance: int = 128) -> np.ndarray[
        Any, np.dtype[np.int64]]:
    """MPNet's bucket of every (query, key) offset, computed as HF does (float32 logarithm)."""
    position = np.arange(length)
    n = position[:, None] - position[None, :]  # -(key - query)
    half = buckets // 2
    result = (n < 0).astype(np.int64) * half
    n = np.abs(n)
    exact = half // 2
    with np.errstate(divide="ignore"):
        large = (np.log(n.astype(np.float32) / np.float32(exact))
                 / np.float32(math.log(max_distance / exact))
                 * np.float32(half - exact))
    large = np.minimum(exact + np.maximum(large, 0).astype(np.int64), half - 1)
    small = n < exact
    found: np.ndarray[Any, np.dtype[np.int64]] = result + n * small + large * ~small
    return found


def _position_bias(table: Array, length: int) -> Array:
    """(heads, length, length) additive attention bias from MPNet's relative bucket table."""
    return np.ascontiguousarray(table[relative_buckets(length, table.shape[0])].transpose(2, 0, 1))


def build_network(tensors: dict[str, np.ndarray[Any, Any]], config: dict[str, Any],
                  source: str) -> Network:
    """Arrange a checkpoint's tensors for the forward pass; a missing tensor names the file."""
    kind = config.get("model_type")
    if kind not in SUPPORTED:
        raise ModelError(f"{source}: model_type {kind!r} is not supported "
                         f"(supported: {', '.join(SUPPORTED)})")
    if config.get("hidden_act", "gelu") != "gelu":
        raise ModelError(f"{source}: hidden_act {config.get('hidden_act')!r} is not supported "
                         "(only gelu)")
    if kind == "bert" and config.get("position_embedding_type", "absolute") != "absolute":
        raise ModelError(f"{source}: position_embedding_type "
                         f"{config.get('position_embedding_type')!r} is not supported")
    names = _strip_prefix(tensors, kind)

    def get(name: str) -> Array:
        if name not in names:
            raise ModelError(f"{source}: no tensor {name!r} — not a {kind} sentence encoder?")
        return np.ascontiguousarray(names[name], dtype=np.float32)

    def linear(prefix: str) -> tuple[Array, Array]:
        return np.ascontiguousarray(get(f"{prefix}.weight").T), get(f"{prefix}.bias")

    def norm(prefix: str) -> tuple[Array, Array]:
        return get(f"{prefix}.weight"), get(f"{prefix}.bias")

    layers = []
    for i in range(int(config["num_hidden_layers"])):
        p = f"encoder.layer.{i}"
        attention = ([f"{p}.attention.attn.{n}" for n in "qkv"] if kind == "mpnet" else
                     [f"{p}.attention.self.{n}" for n in ("query", "key", "value")])
        parts = [linear(name) for name in attention]
        out = linear(f"{p}.attention.attn.o" if kind == "mpnet" else f"{p}.attention.output.dense")
        norm1 = norm(f"{p}.attention.LayerNorm" if kind == "mpnet"
                     else f"{p}.attention.output.LayerNorm")
        up = linear(f"{p}.intermediate.dense")
        down = linear(f"{p}.output.dense")
        layers.append(Layer(np.ascontiguousarray(np.concatenate([w for w, _ in parts], axis=1)),
                            np.concatenate([b for _, b in parts]), *out, norm1, *up, *down,
                            norm(f"{p}.output.LayerNorm")))
    words = get("embeddings.word_embeddings.weight")
    positions = get("embeddings.position_embeddings.weight")
    heads = int(config["num_attention_heads"])
    if words.shape[1] % heads:
        raise ModelError(f"{source}: hidden size {words.shape[1]} is not a multiple of "
                         f"{heads} attention heads")
    # The config's sizes (checked for range in `numbers`) must describe these tensors.
    for key, actual in (("hidden_size", words.shape[1]), ("vocab_size", words.shape[0]),
                        ("max_position_embeddings", positions.shape[0])):
        if config.get(key) is not None and config[key] != actual:
            raise ModelError(f"{source}: config.json says {key} {config[key]}, the weights have "
                             f"{actual} — they come from different models")
    return Network(
        kind=kind, words=words, positions=positions,
        token_type=(get("embeddings.token_type_embeddings.weight")[0] if kind == "bert"
                    else None),
        embed_norm=norm("embeddings.LayerNorm"), layers=layers, heads=heads,
        eps=float(config.get("layer_norm_eps", 1e-12)),
        relative_bias=get("encoder.relative_attention_bias.weight") if kind == "mpnet" else None,
        pad_id=1)  # MPNetEmbeddings' padding_idx is fixed at 1 (BERT does not use it)


def _strip_prefix(tensors: dict[str, np.ndarray[Any, Any]],
                  kind: str) -> dict[str, np.ndarray[Any, Any]]:
    """Tensor names without a ``bert.``/``mpnet.`` prefix; old gamma/beta as weight/bias."""
    out = {}
    for name, tensor in tensors.items():
        for prefix in (f"{kind}.", "model."):
            if name.startswith(prefix):
                name = name[len(prefix):]
        if "LayerNorm." in name:
            name = name.replace(".gamma", ".weight").replace(".beta", ".bias")
        out[name] = tensor
    return out

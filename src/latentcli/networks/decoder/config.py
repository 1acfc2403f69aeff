"""The numbers that shape one decoder network, checked once when they are read.

A GGUF file, a Hugging Face config.json or a damaged ``model.json`` can hold any value; a zero
head count or key/value heads that do not divide the query heads would otherwise surface deep in
the forward pass as a ZeroDivisionError or a reshape error. `Config.from_settings` refuses them
with one sentence naming the setting; the converter turns that into a `ModelError` naming the
file, and opening a converted model into `InvalidModel` (so it is converted again).

The families latent runs differ in a few switches of one forward pass (`decoder.network`), each
a field here with Llama's value as its default, so a conversion made before the switches existed
(Llama's only) reads as it was: how RoPE pairs a head's dimensions, Qwen 2's QKV biases, the
QK-norm of Qwen 3 and Gemma 3, and Gemma's post-norms, GELU, embedding scale, attention scale,
sliding window with its own RoPE base, and final logit softcapping. `decoder.families` decides
them from a GGUF's or a config.json's settings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from numbers import Integral, Real
from typing import Any

ACTIVATIONS = ("silu", "gelu_tanh")  # of the gated feed-forward layer: SwiGLU, Gemma's GeGLU
COUNTS = ("layers", "hidden", "heads", "kv_heads", "head_dim", "ffn", "vocabulary", "context",
          "rope_dims")
SWITCHES = ("rope_neox", "qkv_bias", "qk_norm", "post_norms")


class ConfigError(Exception):
    """A setting out of its range; the message names it."""


@dataclass(frozen=True)
class Config:
    """A decoder network's shape and its family's switches. Every count is a whole number above
    0."""

    layers: int  # blocks
    hidden: int  # width of the residual stream
    heads: int  # query heads
    kv_heads: int  # key/value heads, each read by heads // kv_heads query heads
    head_dim: int  # width of one head's queries, keys and values
    ffn: int  # width of the gated feed-forward layer
    vocabulary: int  # rows of the token embedding and of the output head
    context: int  # positions the model was trained for
    rope_dims: int  # leading dimensions of each query and key head that RoPE rotates (even)
    rope_base: float  # RoPE's base: pair i turns at rope_base ** (-2i / rope_dims) per position
    eps: float  # RMSNorm's epsilon
    # The family's switches.
    rope_neox: bool = False  # RoPE turns (x_i, x_{i+d/2}) as Hugging Face does, not (x_2i, x_2i+1)
    qkv_bias: bool = False  # queries, keys and values have biases (Qwen 2)
    qk_norm: bool = False  # each head's queries and keys are RMS-normed before RoPE
    post_norms: bool = False  # attention's and the FFN's outputs are normed before they are added
    activation: str = "silu"  # of the gated feed-forward layer (`ACTIVATIONS`)
    embedding_scale: float = 1.0  # the token embeddings are multiplied by it (Gemma: √hidden)
    attention_scale: float | None = None  # scores are multiplied by it (None: 1/√head_dim)
    window: int = 0  # on a local block, query i reads keys j with i - j < window (0: none)
    local_blocks: tuple[int, ...] = ()  # blocks whose attention is windowed
    rope_base_local: float = 10000.0  # RoPE's base on the local blocks
    softcap: float = 0.0  # the logits are softcap · tanh(logits / softcap) (0: as they are)

    def __post_init__(self) -> None:
        for name in COUNTS:
            value = getattr(self, name)
            if not _whole(value) or value < 1:
                raise ConfigError(f"{name} must be a whole number above 0, not {value!r}")
        for name in ("rope_base", "eps", "embedding_scale", "rope_base_local"):
            _positive(name, getattr(self, name))
        if self.attention_scale is not None:
            _positive("attention_scale", self.attention_scale)
        if not (_number(self.softcap) and self.softcap >= 0):
            raise ConfigError(f"softcap must be a finite number, 0 or above, not "
                              f"{self.softcap!r}")
        for name in SWITCHES:
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name} must be true or false, not {getattr(self, name)!r}")
        if self.activation not in ACTIVATIONS:
            raise ConfigError(f"activation must be one of {', '.join(ACTIVATIONS)}, not "
                              f"{self.activation!r}")
        if self.heads % self.kv_heads:
            raise ConfigError(f"the {self.heads} query heads cannot share {self.kv_heads} "
                              "key/value heads evenly")
        if self.rope_dims % 2 or self.rope_dims > self.head_dim:
            raise ConfigError(f"rope_dims must be even and at most head_dim ({self.head_dim}), "
                              f"not {self.rope_dims}")
        self._check_window()

    def _check_window(self) -> None:
        if not _whole(self.window) or self.window < 0:
            raise ConfigError(f"window must be a whole number, 0 or above, not {self.window!r}")
        blocks = self.local_blocks
        if not (isinstance(blocks, tuple) and all(_whole(b) and 0 <= b < self.layers
                                                  for b in blocks)
                and len(set(blocks)) == len(blocks)):
            raise ConfigError(f"local_blocks must be distinct blocks from 0 to {self.layers - 1}, "
                              f"not {blocks!r}")
        if blocks and not self.window:
            raise ConfigError("local blocks need a window above 0")

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], vocabulary: int) -> Config:
        """The config in converted ``settings`` (``model.json``'s), for a token embedding of
        ``vocabulary`` rows; a switch left out takes Llama's value."""
        if not isinstance(settings, Mapping):
            raise ConfigError("the settings are not a table")
        required = [f.name for f in fields(cls)
                    if f.default is MISSING and f.name != "vocabulary"]
        missing = [name for name in required if name not in settings]
        if missing:
            raise ConfigError(f"the settings lack {', '.join(missing)}")
        given = {f.name: settings[f.name] for f in fields(cls) if f.name in settings
                 and f.name != "vocabulary"}
        if isinstance(given.get("local_blocks"), list):  # as JSON holds it
            given["local_blocks"] = tuple(given["local_blocks"])
        return cls(vocabulary=vocabulary, **given)

    @property
    def group(self) -> int:
        """Query heads per key/value head (grouped-query attention)."""
        return self.heads // self.kv_heads

    @property
    def scale(self) -> float:
        """What attention scores are multiplied by before the softmax."""
        return self.attention_scale or 1.0 / math.sqrt(self.head_dim)


def _whole(value: Any) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _positive(name: str, value: Any) -> None:
    if not (_number(value) and value > 0):
        raise ConfigError(f"{name} must be a finite number above 0, not {value!r}")

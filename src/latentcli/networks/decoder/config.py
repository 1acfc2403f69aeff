"""The numbers that shape one decoder network, checked once when they are read.

A GGUF file or a damaged ``model.json`` can hold any value; a zero head count or key/value heads
that do not divide the query heads would otherwise surface deep in the forward pass as a
ZeroDivisionError or a reshape error. `Config.from_settings` refuses them with one sentence
naming the setting; the converter turns that into a `ModelError` naming the GGUF file, and
opening a converted model into `InvalidModel` (so it is converted again).

Another family is a few more fields here (QKV biases, QK-norm, post-norms, an embedding scale,
a sliding window, the activation) read by the one forward pass in `decoder.network`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from numbers import Integral, Real
from typing import Any


class ConfigError(Exception):
    """A setting out of its range; the message names it."""


@dataclass(frozen=True)
class Config:
    """A Llama-family network's shape. Every count is a whole number above 0."""

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

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if field.type == "int":
                if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
                    raise ConfigError(f"{field.name} must be a whole number above 0, not "
                                      f"{value!r}")
            elif (isinstance(value, bool) or not isinstance(value, Real)
                  or not math.isfinite(value) or value <= 0):
                raise ConfigError(f"{field.name} must be a finite number above 0, not {value!r}")
        if self.heads % self.kv_heads:
            raise ConfigError(f"the {self.heads} query heads cannot share {self.kv_heads} "
                              "key/value heads evenly")
        if self.rope_dims % 2 or self.rope_dims > self.head_dim:
            raise ConfigError(f"rope_dims must be even and at most head_dim ({self.head_dim}), "
                              f"not {self.rope_dims}")

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], vocabulary: int) -> Config:
        """The config in converted ``settings`` (``model.json``'s), for a token embedding of
        ``vocabulary`` rows."""
        if not isinstance(settings, Mapping):
            raise ConfigError("the settings are not a table")
        names = [field.name for field in fields(cls) if field.name != "vocabulary"]
        missing = [name for name in names if name not in settings]
        if missing:
            raise ConfigError(f"the settings lack {', '.join(missing)}")
        return cls(vocabulary=vocabulary, **{name: settings[name] for name in names})

    @property
    def group(self) -> int:
        """Query heads per key/value head (grouped-query attention)."""
        return self.heads // self.kv_heads

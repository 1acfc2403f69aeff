"""Token vectors → one sentence vector, as a sentence-transformers ``Pooling`` module does.

The modes come from ``1_Pooling/config.json`` (the current ``pooling_mode`` key or the legacy
``pooling_mode_*_tokens`` booleans); several modes are concatenated in the order
sentence-transformers uses. Inputs are right-padded; ``mask`` is 1 for real tokens.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from latentcli.errors import ModelError
from latentcli.networks.arrays import Array

LEGACY_KEYS = {
    "pooling_mode_cls_token": "cls",
    "pooling_mode_max_tokens": "max",
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len_tokens",
    "pooling_mode_weightedmean_tokens": "weightedmean",
    "pooling_mode_lasttoken": "lasttoken",
}
MODES = tuple(LEGACY_KEYS.values())


def pooling_modes(config: dict[str, Any], source: str) -> tuple[str, ...]:
    """The pooling modes a ``1_Pooling/config.json`` asks for (mean when it names none)."""
    if "pooling_mode" in config:
        mode = config["pooling_mode"]
        modes = (mode,) if isinstance(mode, str) else tuple(mode)
    else:
        modes = tuple(m for key, m in LEGACY_KEYS.items() if config.get(key)) or ("mean",)
    for mode in modes:
        if mode not in MODES:
            raise ModelError(f"{source}: pooling mode {mode!r} is not supported "
                             f"(supported: {', '.join(MODES)})")
    return modes


def pool(tokens: Array, mask: Array, modes: tuple[str, ...]) -> Array:
    """(batch, length, dims) token vectors → (batch, dims * len(modes)) sentence vectors."""
    lengths = mask.sum(axis=1, keepdims=True)
    out: list[Array] = []
    for mode in modes:
        if mode == "cls":
            out.append(tokens[:, 0])
        elif mode == "max":
            masked = tokens.copy()
            masked[mask == 0] = -np.inf
            out.append(masked.max(axis=1))
        elif mode in ("mean", "mean_sqrt_len_tokens"):
            total = np.einsum("bld,bl->bd", tokens, mask)
            count = np.maximum(lengths, np.float32(1e-9))
            out.append(total / (count if mode == "mean" else np.sqrt(count)))
        elif mode == "weightedmean":
            weights = mask * np.arange(1, mask.shape[1] + 1, dtype=np.float32)
            total = np.einsum("bld,bl->bd", tokens, weights)
            out.append(total / np.maximum(weights.sum(axis=1, keepdims=True), np.float32(1e-9)))
        else:  # lasttoken
            last = np.maximum(lengths[:, 0].astype(np.int64) - 1, 0)
            out.append(tokens[np.arange(tokens.shape[0]), last])
    return np.concatenate(out, axis=1).astype(np.float32, copy=False)


def normalize(vectors: Array) -> Array:
    """Rows divided by their L2 norm (at least 1e-12), as torch.nn.functional.normalize does."""
    norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors))[:, None]
    unit: Array = vectors / np.maximum(norms, np.float32(1e-12))
    return unit

"""The decoder families latent runs, each a few switches of one forward pass (`Config`'s).

Named as a GGUF's ``general.architecture`` names them; a Hugging Face folder's architecture is
mapped to the same names (`decoder.hf_model`). The switches every model of a family has are in
`SWITCHES`; those a file states (Gemma's window, its blocks and RoPE bases, a softcap) are read
by the converter of each form, with the rules below where the file leaves them out. The rules
are llama.cpp's and transformers' (issue 25's notes cite the lines), proved by parity with
transformers on a tiny model of each family and on Gemma 3 270M.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

# family → the switches it turns on (`Config`'s fields; Llama's values are the defaults). A
# Llama GGUF's Q and K rows are permuted for adjacent-pair RoPE by llama.cpp's converter; Qwen's
# and Gemma's are not, and neither are a Hugging Face folder's (`hf_model` sets rope_neox).
SWITCHES: dict[str, dict[str, Any]] = {
    "llama": {},
    "qwen2": {"rope_neox": True, "qkv_bias": True},
    "qwen3": {"rope_neox": True, "qk_norm": True},
    "gemma3": {"rope_neox": True, "qk_norm": True, "post_norms": True,
               "activation": "gelu_tanh"},
}
ARCHITECTURES = tuple(SWITCHES)
GEMMA_PATTERN = 6  # every 6th block global, when the file says nothing (both libraries' default)
GEMMA_LOCAL_BASE = 10000.0  # the local blocks' RoPE base, likewise
GEMMA_27B_LAYERS = 62  # llama.cpp scales the 27B's attention by 1/√(width/heads), not 1/√key


def local_blocks(layers: int, pattern: int | Sequence[bool]) -> list[int]:
    """The blocks with windowed (local) attention: one flag per block, or a pattern n where
    every n-th block is global (block i is local when i % n < n - 1; n = 0: all local), as
    llama.cpp's ``set_swa_pattern`` reads a GGUF's ``attention.sliding_window_pattern``."""
    if not isinstance(pattern, int):
        return [i for i, local in enumerate(pattern) if local]
    return [i for i in range(layers) if pattern == 0 or i % pattern < pattern - 1]


def gemma_settings(layers: int, hidden: int, heads: int, head_dim: int) -> dict[str, Any]:
    """Gemma's switches that follow from its shape: embeddings scaled by √width (in float32),
    attention by 1/√key_length (llama.cpp's rule: the 27B's by 1/√(width / heads))."""
    scalar = hidden // heads if layers == GEMMA_27B_LAYERS else head_dim
    return {"embedding_scale": math.sqrt(hidden), "attention_scale": 1 / math.sqrt(scalar)}

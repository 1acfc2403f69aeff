"""Write a GGUF shaped like Llama 3.2 1B, with random weights, to measure latent on a 1B model
(issue 25 §8; the figures are in docs/benchmarks.md). The file is ~1.3 GB and is not committed.

    /work/scratch/refvenv/bin/python scripts/make_big_gguf.py OUT.gguf [--seed N]

Llama 3.2 1B's shape: 16 blocks, width 2048, 32 query and 8 key/value heads of 64, FFN 8192,
128,256 tokens (128,000 byte-level BPE tokens and 256 control tokens), a tied head, RoPE base
500,000 with Llama 3.1's long-context factors (`rope_freqs`), context 131,072. The matrices are
Q8_0, the norms and `rope_freqs` F32, as llama.cpp's Q8_0 conversion of the real model stores
them. The BPE vocabulary is made up: each token of the byte alphabet and then each token made so
far, followed by each lower-case letter, until there are 128,000. Needs ``gguf`` and numpy only.
"""

from __future__ import annotations

import argparse
import string
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "src")]  # the tiny fixtures' vocabulary helpers
from decoder_files import LLAMA3_CHAT, _alphabet, rope_factors  # noqa: E402

SHAPE = {"layers": 16, "hidden": 2048, "heads": 32, "kv_heads": 8, "ffn": 8192}
BPE_TOKENS = 128_000
CONTROL = 256  # <|begin_of_text|>, <|end_of_text|>, …, <|reserved_special_token_N|>
ROPE = {"rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
        "original_max_position_embeddings": 8192}


def vocabulary() -> tuple[list[str], list[str], list[int]]:
    """Tokens, merges and token types: `BPE_TOKENS` byte-level BPE tokens, then the controls."""
    tokens = list(_alphabet().values())
    seen = set(tokens)
    merges: list[str] = []
    i = 0
    while len(tokens) < BPE_TOKENS:
        for letter in string.ascii_lowercase:
            made = tokens[i] + letter
            if made not in seen and len(tokens) < BPE_TOKENS:
                seen.add(made)
                tokens.append(made)
                merges.append(f"{tokens[i]} {letter}")
        i += 1
    named = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
             "<|end_header_id|>", "<|eot_id|>"]
    control = named + [f"<|reserved_special_token_{n}|>" for n in range(CONTROL - len(named))]
    return tokens + control, merges, [1] * len(tokens) + [3] * len(control)


def main() -> None:
    import gguf

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    layers, hidden, heads, kv_heads, ffn = (SHAPE[k] for k in (
        "layers", "hidden", "heads", "kv_heads", "ffn"))
    head_dim = hidden // heads
    tokens, merges, types = vocabulary()
    writer = gguf.GGUFWriter(str(args.out), "llama")
    writer.add_name("llama-3.2-1b-shaped-random")
    writer.add_block_count(layers)
    writer.add_context_length(131_072)
    writer.add_embedding_length(hidden)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_rope_freq_base(500_000.0)
    writer.add_rope_dimension_count(head_dim)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(len(tokens))
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("llama-bpe")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(tokens.index("<|begin_of_text|>"))
    writer.add_eos_token_id(tokens.index("<|eot_id|>"))
    writer.add_add_bos_token(True)
    writer.add_chat_template(LLAMA3_CHAT)

    def matrix(rows: int, columns: int) -> np.ndarray:
        values = rng.standard_normal((rows, columns), dtype=np.float32)
        values *= np.float32(1 / np.sqrt(columns))
        return values

    def q8(name: str, values: np.ndarray) -> None:
        kind = gguf.GGMLQuantizationType.Q8_0
        writer.add_tensor(name, gguf.quants.quantize(values, kind), raw_dtype=kind)

    def norm() -> np.ndarray:
        return (1.0 + 0.1 * rng.standard_normal(hidden, dtype=np.float32)).astype(np.float32)

    q8("token_embd.weight", matrix(len(tokens), hidden) * np.float32(np.sqrt(hidden) / 4))
    writer.add_tensor("rope_freqs.weight", rope_factors(head_dim, 500_000.0, ROPE))
    for i in range(layers):
        print(f"block {i + 1} of {layers}", flush=True)
        writer.add_tensor(f"blk.{i}.attn_norm.weight", norm())
        q8(f"blk.{i}.attn_q.weight", matrix(heads * head_dim, hidden))
        q8(f"blk.{i}.attn_k.weight", matrix(kv_heads * head_dim, hidden))
        q8(f"blk.{i}.attn_v.weight", matrix(kv_heads * head_dim, hidden))
        q8(f"blk.{i}.attn_output.weight", matrix(hidden, heads * head_dim))
        writer.add_tensor(f"blk.{i}.ffn_norm.weight", norm())
        q8(f"blk.{i}.ffn_gate.weight", matrix(ffn, hidden))
        q8(f"blk.{i}.ffn_up.weight", matrix(ffn, hidden))
        q8(f"blk.{i}.ffn_down.weight", matrix(hidden, ffn))
    writer.add_tensor("output_norm.weight", norm())
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    print(f"{args.out}: {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()

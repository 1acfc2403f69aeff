"""Tiny Llama-family GGUF files for the language-model tests, written with the ``gguf`` package.

`write_gguf` makes a 2-block model with a byte-level BPE vocabulary (the 256 byte symbols, merges
learnt from `CORPUS`, three control tokens) and seeded random weights, some quantized (Q8_0,
Q4_1) as real files are. scripts/make_decoder_fixtures.py wrote the committed
tests/data/decoder/tiny-llama.gguf with it; tests write variants (another architecture, another
tokenizer) the same way.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from latentcli.networks.decoder.decoder import Decoder
from latentcli.networks.decoder.network import KVCache

DATA = Path(__file__).resolve().parent / "data" / "decoder"
TINY_GGUF = DATA / "tiny-llama.gguf"
CONTROL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CORPUS = ("The capital of France is Paris. The cat sat on the mat, and the dog sat on the log. "
          "I love dogs; I hate Mondays. 12345 67890 def f(x): return x ** 2\n")
SHAPE = {"layers": 2, "hidden": 64, "heads": 4, "kv_heads": 2, "ffn": 128}
CHATML = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + "
          "message['content'] + '<|im_end|>' + '\n'}}{% endfor %}")


def _alphabet() -> dict[int, str]:
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1),
                 *range(ord("®"), ord("ÿ") + 1)]
    shifted = [b for b in range(256) if b not in printable]
    return {**{b: chr(b) for b in printable}, **{b: chr(256 + i) for i, b in enumerate(shifted)}}


def vocabulary(merges: int = 80) -> tuple[list[str], list[str]]:
    """Tokens and merges: BPE learnt on the corpus's space-led words (ties: the first pair)."""
    alphabet = _alphabet()
    words = [[alphabet[b] for b in (" " + word).encode()] for word in CORPUS.split(" ")]
    tokens = [*CONTROL, *alphabet.values()]
    learnt: list[str] = []
    for _ in range(merges):
        pairs = Counter(pair for word in words for pair in pairwise(word))
        if not pairs:
            break
        (a, b), _count = max(pairs.items(), key=lambda item: (item[1], -list(pairs).index(item[0])))
        learnt.append(f"{a} {b}")
        tokens.append(a + b)
        for word in words:
            i = 0
            while i < len(word) - 1:
                if word[i] == a and word[i + 1] == b:
                    word[i : i + 2] = [a + b]
                i += 1
    return tokens, learnt


def write_gguf(path: Path, seed: int = 0, architecture: str = "llama",
               tokenizer: str = "gpt2", pre: str = "smollm") -> Path:
    """A tiny model of ``architecture`` (only ``llama`` is runnable) at ``path``."""
    import gguf

    rng = np.random.default_rng(seed)
    tokens, merges = vocabulary()
    layers, hidden, heads, kv_heads, ffn = (SHAPE[k] for k in (
        "layers", "hidden", "heads", "kv_heads", "ffn"))
    head_dim = hidden // heads
    writer = gguf.GGUFWriter(str(path), architecture)
    writer.add_name("tiny-llama")
    writer.add_block_count(layers)
    writer.add_context_length(256)
    writer.add_embedding_length(hidden)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_rope_freq_base(10000.0)
    writer.add_rope_dimension_count(head_dim)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(len(tokens))
    writer.add_tokenizer_model(tokenizer)
    writer.add_tokenizer_pre(pre)
    writer.add_token_list(tokens)
    writer.add_token_types([3 if t in CONTROL else 1 for t in tokens])
    writer.add_token_merges(merges)
    writer.add_bos_token_id(0)
    writer.add_eos_token_id(2)
    writer.add_add_bos_token(False)
    writer.add_chat_template(CHATML)

    def matrix(rows: int, columns: int, scale: float = 1.0) -> Any:
        return (rng.normal(size=(rows, columns)) * scale / np.sqrt(columns)).astype(np.float32)

    def norm() -> Any:
        return (1.0 + 0.1 * rng.normal(size=hidden)).astype(np.float32)

    def add(name: str, array: Any, quantization: str | None = None) -> None:
        if quantization is None:
            writer.add_tensor(name, array)
            return
        kind = getattr(gguf.GGMLQuantizationType, quantization)
        writer.add_tensor(name, gguf.quants.quantize(array, kind), raw_dtype=kind)

    add("token_embd.weight", (rng.normal(size=(len(tokens), hidden))).astype(np.float32), "Q8_0")
    for i in range(layers):
        add(f"blk.{i}.attn_norm.weight", norm())
        add(f"blk.{i}.attn_q.weight", matrix(hidden, hidden, 2.0), "Q4_1")
        add(f"blk.{i}.attn_k.weight", matrix(kv_heads * head_dim, hidden, 2.0))
        add(f"blk.{i}.attn_v.weight", matrix(kv_heads * head_dim, hidden))
        add(f"blk.{i}.attn_output.weight", matrix(hidden, hidden))
        add(f"blk.{i}.ffn_norm.weight", norm())
        add(f"blk.{i}.ffn_gate.weight", matrix(ffn, hidden))
        add(f"blk.{i}.ffn_up.weight", matrix(ffn, hidden))
        add(f"blk.{i}.ffn_down.weight", matrix(hidden, ffn))
    add("output_norm.weight", norm())
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


TOLERANCE = 1e-4  # logits: float32 sums in another order (with or without AVX-512) differ ~1e-5


def reference(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"{name}-reference.json").read_text("utf-8"))


def check_parity(model: Decoder, expected: dict[str, Any]) -> None:
    """Token ids, last-position logits and greedy continuations as the reference has them."""
    for case in expected["tokenizer_cases"]:
        assert model.tokenizer.encode(case["text"]) == case["ids"], case["text"]
        assert model.tokenizer.decode(case["ids"]) == case["text"]
    for prompt in expected["prompts"]:
        assert model.tokenizer.encode(prompt["text"]) == prompt["ids"]
        cache = KVCache()
        logits = model.network.forward(prompt["ids"], cache).logits
        chosen = prompt["logits"]["ids"]
        np.testing.assert_allclose(logits[chosen], prompt["logits"]["values"], rtol=0,
                                   atol=TOLERANCE)
        greedy = []
        for _ in prompt["greedy"]:
            greedy.append(int(np.argmax(logits)))
            logits = model.network.forward([greedy[-1]], cache).logits
        assert greedy == prompt["greedy"], prompt["text"]

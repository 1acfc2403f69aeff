"""Tiny Llama-family GGUF files for the language-model tests, written with the ``gguf`` package.

`write_gguf` makes a 2-block model with a byte-level BPE vocabulary (the 256 byte symbols, merges
learnt from `CORPUS`, control tokens) and seeded random weights, some quantized (Q8_0, Q4_1) as
real files are; ``llama3=True`` gives it what Llama 3.x GGUFs have beside (see `write_gguf`).
scripts/make_decoder_fixtures.py wrote the committed tests/data/decoder/tiny-llama.gguf and
tiny-llama3.gguf with it; tests write variants (another architecture, another tokenizer, settings
out of range) the same way.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from latentcli.networks.decoder.decoder import Decoder
from latentcli.networks.decoder.network import KVCache

DATA = Path(__file__).resolve().parent / "data" / "decoder"
TINY_GGUF = DATA / "tiny-llama.gguf"
TINY_LLAMA3_GGUF = DATA / "tiny-llama3.gguf"
CONTROL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
LLAMA3_CONTROL = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
                  "<|end_header_id|>", "<|eot_id|>"]
CORPUS = ("The capital of France is Paris. The cat sat on the mat, and the dog sat on the log. "
          "I love dogs; I hate Mondays. 12345 67890 def f(x): return x ** 2\n")
SHAPE = {"layers": 2, "hidden": 64, "heads": 4, "kv_heads": 2, "ffn": 128}
CHATML = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + "
          "message['content'] + '<|im_end|>' + '\n'}}{% endfor %}")
# Meta-Llama-3-8B-Instruct's template, as its tokenizer_config.json has it
LLAMA3_CHAT = ("{% set loop_messages = messages %}{% for message in loop_messages %}{% set "
               "content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ "
               "message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set "
               "content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if "
               "add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}"
               "{% endif %}")
# Llama 3.1's rope_scaling, with the original context shrunk from 8192 to 64 so that the tiny
# model's 8 frequency pairs fall in all three of its bands (kept, smoothed, divided by factor)
LLAMA3_ROPE = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
               "high_freq_factor": 4.0, "original_max_position_embeddings": 64}


def _alphabet() -> dict[int, str]:
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1),
                 *range(ord("®"), ord("ÿ") + 1)]
    shifted = [b for b in range(256) if b not in printable]
    return {**{b: chr(b) for b in printable}, **{b: chr(256 + i) for i, b in enumerate(shifted)}}


def vocabulary(control: list[str] = CONTROL, merges: int = 80) -> tuple[list[str], list[str]]:
    """Tokens and merges: BPE learnt on the corpus's space-led words (ties: the first pair)."""
    alphabet = _alphabet()
    words = [[alphabet[b] for b in (" " + word).encode()] for word in CORPUS.split(" ")]
    tokens = [*control, *alphabet.values()]
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


def rope_factors(head_dim: int, base: float, scaling: dict[str, Any]) -> Any:
    """``rope_freqs.weight`` as llama.cpp's convert_hf_to_gguf.py computes it for Llama 3.1:
    what each RoPE frequency is divided by."""
    frequencies = 1.0 / base ** (np.arange(0, head_dim, 2, dtype=np.float32) / head_dim)
    factor, low, high = (scaling[k] for k in ("factor", "low_freq_factor", "high_freq_factor"))
    old_context = scaling["original_max_position_embeddings"]
    factors = []
    for frequency in frequencies:
        wavelength = 2 * np.pi / frequency
        if wavelength < old_context / high:
            factors.append(1.0)
        elif wavelength > old_context / low:
            factors.append(factor)
        else:
            smooth = (old_context / wavelength - low) / (high - low)
            factors.append(1 / ((1 - smooth) / factor + smooth))
    return np.array(factors, dtype=np.float32)


def write_gguf(path: Path, seed: int = 0, architecture: str = "llama",
               tokenizer: str = "gpt2", pre: str = "smollm", llama3: bool = False,
               counts: dict[str, int] | None = None, fields: dict[str, Any] | None = None,
               tensors: Callable[[str, Any], Any] | None = None) -> Path:
    """A tiny model of ``architecture`` (only ``llama`` is runnable) at ``path``.

    ``llama3``: Llama 3.x's control tokens, chat template and pre-tokenizer, a BOS token added,
    ``rope_freqs`` (Llama 3.1's long-context scaling, `LLAMA3_ROPE`) and an untied output head.
    ``counts`` replaces settings as written (``{"attention.head_count": 0}``), not the weights.
    Crafted files: ``fields`` sets keys by their full name after the others (a float is
    written as float32, an int as int32, bytes as a string however they decode; None leaves the
    key out), and ``tensors`` is given each tensor's name and float32 array before it is written
    and returns what to write instead (another array, or None to leave the tensor out).
    """
    import gguf

    rng = np.random.default_rng(seed)
    tokens, merges = vocabulary(LLAMA3_CONTROL if llama3 else CONTROL)
    layers, hidden, heads, kv_heads, ffn = (SHAPE[k] for k in (
        "layers", "hidden", "heads", "kv_heads", "ffn"))
    head_dim = hidden // heads
    writer = gguf.GGUFWriter(str(path), architecture)
    writer.add_name("tiny-llama3" if llama3 else "tiny-llama")
    written = {"block_count": layers, "context_length": 256, "embedding_length": hidden,
               "feed_forward_length": ffn, "attention.head_count": heads,
               "attention.head_count_kv": kv_heads, "rope.dimension_count": head_dim}
    assert set(counts or {}) <= set(written), counts
    written.update(counts or {})
    for key, value in written.items():
        if key == "rope.dimension_count":  # in the order llama.cpp writes them
            writer.add_rope_freq_base(10000.0)
        writer.add_uint32(f"{architecture}.{key}", value)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(len(tokens))
    writer.add_tokenizer_model(tokenizer)
    writer.add_tokenizer_pre("llama-bpe" if llama3 else pre)
    writer.add_token_list(tokens)
    control = LLAMA3_CONTROL if llama3 else CONTROL
    writer.add_token_types([3 if t in control else 1 for t in tokens])
    writer.add_token_merges(merges)
    writer.add_bos_token_id(0)
    writer.add_eos_token_id(tokens.index("<|eot_id|>") if llama3 else 2)
    writer.add_add_bos_token(llama3)
    writer.add_chat_template(LLAMA3_CHAT if llama3 else CHATML)
    for key, value in (fields or {}).items():
        if value is None:
            del writer.kv_data[0][key]
        else:
            writer.add_key_value(key, value, gguf.GGUFValueType.get_type(value))

    def matrix(rows: int, columns: int, scale: float = 1.0) -> Any:
        return (rng.normal(size=(rows, columns)) * scale / np.sqrt(columns)).astype(np.float32)

    def norm() -> Any:
        return (1.0 + 0.1 * rng.normal(size=hidden)).astype(np.float32)

    def add(name: str, array: Any, quantization: str | None = None) -> None:
        if tensors is not None:
            array = tensors(name, array)
            if array is None:
                return
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
    if llama3:
        add("output.weight", matrix(len(tokens), hidden, 4.0), "Q8_0")
        add("rope_freqs.weight", rope_factors(head_dim, 10000.0, LLAMA3_ROPE))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


TOLERANCE = 1e-4  # logits: float32 sums in another order (with or without AVX-512) differ ~1e-5


def reference(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"{name}-reference.json").read_text("utf-8"))


def check_parity(model: Decoder, expected: dict[str, Any]) -> None:
    """Token ids, chat prompts, last-position logits, greedy continuations and logit-lens ranks
    as the reference has them. A tokenizer case's ids decode to its ``decoded`` text where the
    reference gives one (a BOS token's text in front), else to the text itself."""
    for case in expected["tokenizer_cases"]:
        assert model.tokenizer.encode(case["text"]) == case["ids"], case["text"]
        assert model.tokenizer.decode(case["ids"]) == case.get("decoded", case["text"])
    for case in expected.get("chat_cases", []):
        assert model.prompt_ids(case["text"], chat=True) == case["ids"], case["text"]
    for prompt in expected["prompts"]:
        assert model.tokenizer.encode(prompt["text"]) == prompt["ids"]
        cache = KVCache(model.network.config, 1, len(prompt["ids"]) + len(prompt["greedy"]))
        logits = model.network.forward([prompt["ids"]], cache)[0]
        chosen = prompt["logits"]["ids"]
        np.testing.assert_allclose(logits[chosen], prompt["logits"]["values"], rtol=0,
                                   atol=TOLERANCE)
        greedy = []
        for _ in prompt["greedy"]:
            greedy.append(int(np.argmax(logits)))
            logits = model.network.forward([[greedy[-1]]], cache)[0]
        assert greedy == prompt["greedy"], prompt["text"]
        if "lens" in prompt:
            check_lens(model, prompt["ids"], prompt["greedy"][0], prompt["lens"])


def check_lens(model: Decoder, ids: list[int], token: int, ranks: list[int]) -> None:
    """The logit lens's rank of ``token`` at every block is the reference's, up to the tokens
    whose logits are within `TOLERANCE` of its own (their order is float32 noise)."""
    names = [f"blocks.{layer}.resid_post" for layer in range(model.network.layers)]
    _, leaving = model.network.run_with_cache([ids], names)
    assert len(ranks) == len(names)
    for layer, (name, rank) in enumerate(zip(names, ranks, strict=True)):
        logits = model.network.logits(leaving[name][0, -1])
        above = logits - logits[token]
        assert np.sum(above > TOLERANCE) + 1 <= rank <= np.sum(above >= -TOLERANCE), (layer, rank)


def rewrite_gguf(source: Path, target: Path, architecture: str | None = None,
                 fields: dict[str, Any] | None = None) -> Path:
    """A copy of the F32 GGUF ``source`` at ``target``: its keys moved to ``architecture``'s
    names (``qwen2.block_count`` → ``llama.block_count``), then ``fields`` set by their full
    name (an int as uint32, a float as float32, a list of bools as an array of them; None leaves
    the key out). Its tensors as they are."""
    import gguf

    reader = gguf.GGUFReader(source)
    old = str(reader.get_field("general.architecture").contents())
    new = architecture or old
    writer = gguf.GGUFWriter(str(target), new)
    kinds = gguf.GGUFValueType
    changed = dict(fields or {})
    for name, field in reader.fields.items():
        if name.startswith("GGUF.") or name == "general.architecture":
            continue
        name = new + name[len(old):] if name.startswith(f"{old}.") else name
        if name in changed:
            continue
        sub_type = field.types[1] if field.types[0] == kinds.ARRAY else None
        writer.add_key_value(name, field.contents(), field.types[0], sub_type)
    for name, value in changed.items():
        if value is None:
            continue
        if isinstance(value, list):
            writer.add_key_value(name, value, kinds.ARRAY, kinds.BOOL)
        else:
            writer.add_key_value(name, value, kinds.UINT32 if isinstance(value, int)
                                 else kinds.FLOAT32)
    for tensor in reader.tensors:
        assert tensor.tensor_type == gguf.GGMLQuantizationType.F32, tensor.name
        writer.add_tensor(tensor.name, np.asarray(tensor.data))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return target


def check_gemma3(model: Decoder, expected: dict[str, Any]) -> None:
    """Gemma 3 270M as transformers computes it (tests/data/decoder/gemma3-270m-*.json): each
    prompt's ids, its last-position logits at the reference's ids (top 50 and a fixed spread)
    within `TOLERANCE`, its greedy ids through the KV cache, and the lens's rank of the first
    greedy token at every state (the scaled embedding, then each block's output) within 2% of
    the reference's."""
    from latentcli.analysis.lens import lens

    for prompt in expected["prompts"]:
        ids = prompt["ids"]
        assert model.tokenizer.encode(prompt["text"]) == ids, prompt["text"][:40]
        cache = KVCache(model.network.config, 1, len(ids) + len(prompt["greedy"]))
        logits = model.network.forward([ids], cache)[0]
        chosen = prompt["logits"]["ids"]
        np.testing.assert_allclose(logits[chosen], prompt["logits"]["values"], rtol=0,
                                   atol=TOLERANCE)
        greedy: list[int] = []
        for _ in prompt["greedy"]:
            greedy.append(int(np.argmax(logits)))
            logits = model.network.forward([[greedy[-1]]], cache)[0]
        assert greedy == prompt["greedy"], prompt["text"][:40]
        if "lens" not in prompt:
            continue
        answer = prompt["answer"]
        embedded = model.network.logits(model.network.resid_pre([ids], 0)[0, -1])
        ranks = [int(np.sum(embedded > embedded[answer]))] + [
            layer.tracked[0].rank - 1 for layer in lens(model, prompt["text"]).layers]
        for rank, want in zip(ranks, [state["answer_rank"] for state in prompt["lens"]],
                              strict=True):
            assert abs(rank - want) <= 0.02 * want, (prompt["text"], ranks)

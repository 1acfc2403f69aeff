"""Reference token ids and logits for the language-model parity tests, from transformers + torch.

Run in a scratch virtual environment, never latent's own (torch and transformers are not
dependencies; ``tokenizers`` is the tokenizer reference):

    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install torch transformers accelerate \
        tokenizers gguf
    /tmp/refvenv/bin/python scripts/make_decoder_references.py [SmolLM2-135M-Instruct.Q4_1.gguf]

Transformers reads the same GGUF (dequantized to float32, its Q/K rows un-permuted to its own RoPE
layout), so it is an independent implementation of the forward pass. Its GGUF tokenizer
conversion drops SmolLM's digit splitting, so the token ids come from a ``tokenizers``
tokenizer built as the model's tokenizer.json is (scripts/bpe_reference.py). It writes
tests/data/decoder/<name>-reference.json and prints the parity of latent's numpy forward pass
(max |logit difference| over the whole vocabulary, greedy ids identical?).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import bpe_reference
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
OUT = ROOT / "tests" / "data" / "decoder"
PROMPTS = ["The capital of France is", "def fibonacci(n):\n    ", "1, 2, 3, 5, 8, 13,",
           "Москва — столица", "I feel 🙂 because", "I think dogs are"]
TOKENIZER_CASES = [
    "Hello world", "  leading spaces and trailing  ", "don't won't I'll we've they're",
    "3.14159 and 2024-12-05, 1,000,000", "tabs\tand\nnew\n\nlines\r\n", "naïve café résumé",
    "日本語のテキスト", "emoji 🙂👍🏽 and ½ ² ٣", "<|im_start|>user\nhi<|im_end|>\n",
    "x**2 + y_1 == z;  // comment", "ALL CAPS and MiXeD", "\u3000ideographic space",
]
GREEDY = 40
KEPT_LOGITS = 600  # of a large vocabulary: the highest 100 and evenly spaced others


def kept(logits: np.ndarray) -> list[int]:
    if len(logits) <= KEPT_LOGITS:
        return list(range(len(logits)))
    top = np.argsort(-logits, kind="stable")[:100]
    spaced = np.linspace(0, len(logits) - 1, KEPT_LOGITS - 100).astype(int)
    return sorted(set(top.tolist()) | set(spaced.tolist()))


def main(gguf_file: Path) -> None:
    import tempfile

    import tokenizers
    import torch
    import transformers
    from transformers import AutoModelForCausalLM

    from latentcli.networks.decoder.convert import convert
    from latentcli.networks.decoder.decoder import Decoder
    from latentcli.networks.decoder.network import KVCache

    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as scratch:
        convert(gguf_file, Path(scratch))
        ours = Decoder.open(Path(scratch), gguf_file.name)
        tokenizer = bpe_reference.tokenizer(ours.weights.tokenizer)
        model = AutoModelForCausalLM.from_pretrained(
            str(gguf_file.parent), gguf_file=gguf_file.name, dtype=torch.float32).eval()
        cases = [{"text": text, "ids": tokenizer.encode(text).ids} for text in TOKENIZER_CASES]
        prompts, worst, identical = [], 0.0, True
        for text in PROMPTS:
            ids = tokenizer.encode(text).ids
            with torch.no_grad():
                out = model(torch.tensor([ids]), use_cache=True)
                logits = out.logits[0, -1].numpy()
                past, greedy = out.past_key_values, []
                nxt = int(np.argmax(logits))
                for _ in range(GREEDY):
                    greedy.append(nxt)
                    out = model(torch.tensor([[nxt]]), past_key_values=past, use_cache=True)
                    past, nxt = out.past_key_values, int(out.logits[0, -1].argmax())
            mine = ours.network.forward(ids, cache := KVCache())
            ours_greedy = []
            step = mine.logits
            for _ in range(GREEDY):
                ours_greedy.append(int(np.argmax(step)))
                step = ours.network.forward([ours_greedy[-1]], cache).logits
            delta = float(np.max(np.abs(mine.logits - logits)))
            worst = max(worst, delta)
            identical &= ours_greedy == greedy and ours.tokenizer.encode(text) == ids
            print(f"{text!r}: {len(ids)} tokens, max |Δlogit| {delta:.2e}, greedy identical: "
                  f"{ours_greedy == greedy}")
            chosen = kept(logits)
            prompts.append({"text": text, "ids": ids, "greedy": greedy,
                            "logits": {"ids": chosen,
                                       "values": [float(logits[i]) for i in chosen]}})
        mismatched = [c["text"] for c in cases if ours.tokenizer.encode(c["text"]) != c["ids"]]
        print(f"{gguf_file.name}: max |Δlogit| {worst:.2e} over {len(PROMPTS)} prompts; greedy "
              f"ids identical: {identical}; tokenizer cases differing: {mismatched or 'none'}")
    target = OUT / f"{gguf_file.stem}-reference.json"
    target.write_text(json.dumps({
        "model": gguf_file.name, "torch": torch.__version__,
        "transformers": transformers.__version__, "tokenizers": tokenizers.__version__,
        "prompts": prompts, "tokenizer_cases": cases}, ensure_ascii=False) + "\n", "utf-8")
    print("wrote", target)


if __name__ == "__main__":
    for name in sys.argv[1:] or [str(OUT / "tiny-llama.gguf")]:
        main(Path(name).resolve())

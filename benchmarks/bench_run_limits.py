"""The language model against hostile use at run time (issue 24): a long word, a long prompt,
many steering pairs, and what the run-time checks cost.

    python benchmarks/bench_run_limits.py            # SmolLM2-135M from LATENT_CACHE_DIR's cache
    python benchmarks/bench_run_limits.py --smoke    # the tiny test GGUF, small sizes

One run reports:

- BPE: seconds to tokenize a word of 2,000 / 8,000 / 50,000 'a' (one piece each; the tokenizer's
  cache emptied first), and to refuse a prompt of a million characters;
- the lens of an 8,001-token prompt in a new process (``latent lens … --json``): wall-clock
  seconds and peak RSS (``getrusage(RUSAGE_CHILDREN)``);
- the mean-difference vector of 10,000 pairs (what ``--pairs`` with 10,000 lines computes): all
  sides of one length in one forward pass stopping at the layer, against the previous way (each
  side alone, through every block) timed on the first 200 pairs and scaled up;
- the run-time check (every logit and the last residual finite) against one generation step,
  and the sample digest of ``weights.f32`` that opening verifies, against opening the model.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TINY_GGUF = ROOT / "tests" / "data" / "decoder" / "tiny-llama.gguf"


def seconds(call: object, repeat: int = 1) -> float:
    """The median wall-clock seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bpe(model: object, lengths: list[int]) -> None:
    from latentcli.errors import UsageError

    tokenizer = model.tokenizer  # type: ignore[attr-defined]
    for length in lengths:
        tokenizer._cache.clear()
        word = "a" * length
        print(f"BPE, {length:,} 'a': {seconds(partial(tokenizer.encode, word)):.3f} s")
    start = time.perf_counter()
    try:
        model.prompt("a" * 1_000_000)  # type: ignore[attr-defined]
    except UsageError as refused:
        print(f"a million characters refused in {time.perf_counter() - start:.3f} s: {refused}")


def long_lens(model: object, spec: str, count: int) -> None:
    """``latent lens`` on a prompt of exactly ``count`` tokens, in a new process."""
    tokenizer = model.tokenizer  # type: ignore[attr-defined]
    prompt = " the" * count  # one token each
    assert len(tokenizer.encode(prompt)) == count
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "latentcli", "lens", prompt, "-m", spec, "--json"],
                   check=True, stdout=subprocess.DEVNULL)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"lens of a {count:,}-token prompt: {time.perf_counter() - start:.1f} s, "
          f"peak RSS {rss:,.0f} MB")


def pairs_of(model: object, count: int) -> list[tuple[str, str]]:
    """``count`` contrast pairs of a few lengths, from the model's lower-case word tokens."""
    tokenizer = model.tokenizer  # type: ignore[attr-defined]
    words = [text[1:] for i in range(len(tokenizer.tokens))
             if (text := tokenizer.readable(i))[:1] == " " and text[1:].isalpha()
             and text[1:].islower() and len(text) > 3][: 2 * count]
    return [(f"I love {a}" + f" and {b}" * (i % 3), f"I hate {a}" + f" and {b}" * (i % 3))
            for i, (a, b) in enumerate(zip(words[::2], words[1::2], strict=False))][:count]


def many_pairs(model: object, count: int, sample: int) -> None:
    from latentcli.analysis.steering import steer_vector

    pairs = pairs_of(model, count)
    layer = round(model.network.layers / 3)  # type: ignore[attr-defined]
    now = seconds(lambda: steer_vector(model, pairs, "mean", layer, 1.0))  # type: ignore[arg-type]
    name = f"blocks.{layer}.resid_pre"

    def one_at_a_time() -> None:  # the previous way: every side alone, through every block
        for toward, away in pairs[:sample]:
            for side in (toward, away):
                ids = model.prompt_ids(side, sink=True)  # type: ignore[attr-defined]
                model.network.run_with_cache([ids], [name])  # type: ignore[attr-defined]

    before = seconds(one_at_a_time) * len(pairs) / sample
    print(f"{len(pairs):,} pairs: {now:.1f} s batched by length, against {before:.0f} s one "
          f"side at a time (timed on {sample} pairs, scaled)")


def check_cost(model: object, directory: Path) -> None:
    from latentcli.networks.decoder.decoder import Decoder
    from latentcli.networks.decoder.network import KVCache
    from latentcli.store.artifacts import sample_digest

    network = model.network  # type: ignore[attr-defined]
    ids = model.prompt_ids("The capital of France is")  # type: ignore[attr-defined]
    cache = KVCache(network.config, 1, len(ids) + 65)
    logits = network.forward([ids], cache)
    steps = []
    for _ in range(64):
        start = time.perf_counter()
        logits = network.forward([[int(np.argmax(logits[0]))]], cache)
        steps.append(time.perf_counter() - start)
    residual = np.zeros((1, 1, network.config.hidden), dtype=np.float32)
    check = seconds(lambda: (np.isfinite(logits).all(), np.isfinite(residual).all()), 201)
    step = statistics.median(steps)
    print(f"run-time check: {check * 1e6:.0f} µs per token, against a step of "
          f"{step * 1e3:.1f} ms ({100 * check / step:.2f} %)")
    weights = directory / "weights.f32"
    sample = seconds(lambda: sample_digest(weights), 21)
    opening = seconds(lambda: Decoder.open(directory, "bench"), 7)
    print(f"sample digest of {weights.stat().st_size / 1e6:,.0f} MB of weights: "
          f"{sample * 1e3:.1f} ms, against {opening * 1e3:.0f} ms to open the model")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="the tiny GGUF, small sizes")
    args = parser.parse_args()
    from latentcli.environment import Environment
    from latentcli.store.resolve import resolve

    spec = str(TINY_GGUF) if args.smoke else "smollm2-135m"
    model = resolve(spec).open_decoder(Environment())
    print(f"{model.name}; load average {os.getloadavg()[0]:.1f}")
    bpe(model, [2_000] if args.smoke else [2_000, 8_000, 50_000])
    long_lens(model, spec, 200 if args.smoke else 8_001)
    many_pairs(model, 100 if args.smoke else 10_000, 20 if args.smoke else 200)
    check_cost(model, model.weights.directory)


if __name__ == "__main__":
    main()

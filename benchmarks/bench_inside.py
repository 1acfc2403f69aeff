"""`latent patch` and `latent attention` against the goals of issue 26 §6.

    python benchmarks/bench_inside.py [--runs N]   # SmolLM2-135M from LATENT_CACHE_DIR's cache
    python benchmarks/bench_inside.py --smoke      # the tiny test GGUF, one run each

One run reports, as medians of ``--runs`` runs on a warm cache:

- the full patching grid of the Eiffel Tower pair (30 blocks x 9 positions: 270 patched runs),
  the patched runs of each column one growing batch started at their block from the corrupt
  run's residual (`analysis.patching.patch`), for each site; against a naive loop in the same
  process — one run per cell through every block, the clean activation put back by a hook —
  and the goal (≤ 10 s);
- ``latent attention`` of the Eiffel Tower prompt: the API call on an open model, and the whole
  command in a new process (start-up, opening the model, the forward pass, the JSON), against
  the goal (≤ 1 s warm) and against ``latent neighbors king --json`` (start-up alone, as
  bench_startup.py times it), which says how much of it a busy machine added;
- the same grid with ``latent patch … --json`` in a new process.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from timing import median_seconds

ROOT = Path(__file__).resolve().parent.parent
TINY_GGUF = ROOT / "tests" / "data" / "decoder" / "tiny-llama.gguf"
CLEAN, CORRUPT = "The Eiffel Tower is in the city of", "The Colosseum is in the city of"
TINY_CLEAN, TINY_CORRUPT = "The cat sat on the mat", "The dog sat on the log"


def naive_grid(model: Any, clean: str, corrupt: str, site: str) -> np.ndarray:
    """The recovered shares with every cell its own run of the corrupt prompt through every
    block, the clean activation put back by a hook (what the batched grid replaces; the tests
    check both give the same grid)."""
    from latentcli.analysis.patching import SITES

    network = model.network
    a, b = model.prompt_ids(clean), model.prompt_ids(corrupt)
    names = [f"blocks.{layer}.{SITES[site]}" for layer in range(network.layers)]
    clean_logits, kept = network.run_with_cache([a], names)
    corrupt_logits = network.forward([b])
    good, bad = int(np.argmax(clean_logits[0])), int(np.argmax(corrupt_logits[0]))
    high = clean_logits[0, good] - clean_logits[0, bad]
    low = corrupt_logits[0, good] - corrupt_logits[0, bad]
    grid = np.zeros((network.layers, len(a)))
    for layer, name in enumerate(names):
        for position in range(len(a)):
            def put(activation: Any, point: Any, p: int = position,
                    source: Any = kept[name]) -> Any:
                changed = activation.copy()
                changed[:, p] = source[:, p]
                return changed

            logits = network.forward([b], hooks={name: put})[0]
            grid[layer, position] = (logits[good] - logits[bad] - low) / (high - low)
    return grid


def process_seconds(argv: list[str], runs: int) -> float:
    return median_seconds(lambda: subprocess.run([sys.executable, "-m", "latentcli", *argv],
                                                 check=True, stdout=subprocess.DEVNULL), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="the tiny GGUF, one run each")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()
    from latentcli.analysis.attention import attention
    from latentcli.analysis.patching import SITES, patch
    from latentcli.environment import Environment
    from latentcli.store.resolve import resolve

    spec = str(TINY_GGUF) if args.smoke else "smollm2-135m"
    clean, corrupt = (TINY_CLEAN, TINY_CORRUPT) if args.smoke else (CLEAN, CORRUPT)
    runs = 1 if args.smoke else args.runs
    model = resolve(spec).open_decoder(Environment())
    count = len(model.prompt_ids(clean))
    print(f"{model.name}: {model.network.layers} blocks x {count} positions; load average "
          f"{os.getloadavg()[0]:.1f}; medians of {runs} run(s)")
    for site in SITES:
        batched = median_seconds(lambda site=site: patch(model, clean, corrupt, site=site), runs)
        print(f"patching grid, --site {site}: {batched:.2f} s   (goal: ≤ 10 s)")
    grid = np.array(patch(model, clean, corrupt).recovered)
    batched = median_seconds(lambda: patch(model, clean, corrupt), runs)
    slow: list[np.ndarray] = []
    naive = median_seconds(lambda: slow.append(naive_grid(model, clean, corrupt, "resid")), runs)
    print(f"one run per cell, --site resid: {naive:.1f} s, {naive / batched:.1f}x the batched "
          f"grid's {batched:.2f} s (the grids differ by at most "
          f"{np.max(np.abs(slow[-1] - grid)):.1e})")
    print(f"attention, API call: {median_seconds(lambda: attention(model, clean), runs):.3f} s")
    command = process_seconds(["attention", clean, "-m", spec, "--json"], runs)
    process_seconds(["neighbors", "king", "--json"], 1)  # its model converted, if not yet
    start = process_seconds(["neighbors", "king", "--json"], runs)
    print(f"latent attention … --json, new process: {command:.2f} s   (goal: ≤ 1 s warm); "
          f"{command / start:.1f}x latent's start-up, `latent neighbors king --json` "
          f"{start:.2f} s in the same run")
    whole = process_seconds(["patch", clean, corrupt, "-m", spec, "--json"], runs)
    print(f"latent patch … --json, new process: {whole:.2f} s")


if __name__ == "__main__":
    main()

"""Cold process, warm cache: `latent neighbors king --json` against a numpy floor and gensim.

The floor is the least a program can do for the same answer: memory-map the unit-norm matrix of
latent's cache, find the word, one mat-vec, print the top 10. The peer is gensim
`KeyedVectors.load(path, mmap="r")` + `most_similar` on the same vectors. All three run
interleaved, in one invocation, so the machine's noise hits them alike; medians and ratios are
printed. Targets (issue 2): latent <= 1.3x the floor, and >= 5x faster than gensim.

Then every other command a user types often, as a whole process, against `neighbors king --json`
run interleaved with them: each should cost at most 1.3x neighbors plus its own computation (the
same call timed inside one process on an open model, median of several), i.e. start-up no worse
than the fast path's (issue 18).

    python benchmarks/bench_startup.py [--runs 21] [--command-runs 7] [--smoke]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from baselines import gensim_builtin
from timing import timed_process, warm_latent

FLOOR = r"""
import json, sys
import numpy as np
directory, word = sys.argv[1], sys.argv[2].encode()
vectors = np.load(directory + "/vectors.npy", mmap_mode="r")
offsets = np.load(directory + "/offsets.npy", mmap_mode="r")
with open(directory + "/words.txt", "rb") as handle:
    blob = handle.read()
at = blob.find(b"\n" + word + b"\n")
row = 0 if blob.startswith(word + b"\n") else blob.count(b"\n", 0, at + 1)
scores = vectors @ vectors[row]
best = np.argpartition(-scores, 11)[:11]
best = best[np.argsort(-scores[best])]
print(json.dumps([[blob[offsets[i]:offsets[i + 1] - 1].decode(), float(scores[i])]
                  for i in best if i != row][:10]))
"""

PEER = r"""
import json, sys
from gensim.models import KeyedVectors
vectors = KeyedVectors.load(sys.argv[1], mmap="r")
print(json.dumps(vectors.most_similar(sys.argv[2], topn=10)))
"""


def prepare(workdir: Path, peer: bool = True) -> tuple[Path, Path]:
    """Warm latent's cache, byte-compile latent and (unless ``peer`` is False) save the same raw
    vectors in gensim's native format."""
    warm_latent({**os.environ, "LATENT_CACHE_DIR": str(workdir / "cache")})
    entry = workdir / "cache" / "models" / "glove-6b-50d"
    if peer:
        gensim_builtin().save(str(workdir / "glove.kv"))
    return entry, workdir / "glove.kv"


# command line after `latent`, and the same work through the API (timed in one process)
COMMANDS: dict[str, tuple[list[str], Callable[[Any], object]]] = {
    "similarity": (["similarity", "cat", "dog"], lambda m: m.similarity("cat", "dog")),
    "odd": (["odd", "breakfast", "lunch", "dinner", "car"],
            lambda m: m.odd("breakfast", "lunch", "dinner", "car")),
    "path": (["path", "cat", "dog"], lambda m: m.path("cat", "dog")),
    "cluster (4 words)": (["cluster", "dog", "cat", "red", "blue"],
                          lambda m: m.cluster(["dog", "cat", "red", "blue"])),
    "map (6 words)": (["map", "dog", "cat", "horse", "red", "blue", "green"],
                      lambda m: m.map(["dog", "cat", "horse", "red", "blue", "green"])),
    "evaluate (30000)": (["evaluate", "analogies", "--restrict", "30000"],
                         lambda m: m.evaluate_analogies(restrict=30000)),
}


def compute_seconds(cache: Path, runs: int) -> dict[str, float]:
    """Each command's own work, in this process on the opened model (its first call, which may
    import scikit-learn, is left out): the part of a command's time that is not start-up."""
    os.environ["LATENT_CACHE_DIR"] = str(cache)
    import latentcli

    model = latentcli.open()
    seconds = {}
    for name, (_, work) in COMMANDS.items():
        work(model)
        taken = []
        for _ in range(runs):
            started = time.perf_counter()
            work(model)
            taken.append(time.perf_counter() - started)
        seconds[name] = statistics.median(taken)
    return seconds


def other_commands(latent: str, env: dict[str, str], cache: Path, runs: int) -> None:
    own = compute_seconds(cache, runs)
    baseline: list[float] = []
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, (argv, _) in COMMANDS.items():
            baseline.append(timed_process([latent, "neighbors", "king", "--json"], env))
            times[name].append(timed_process([latent, *argv, "--json"], env))
    base = statistics.median(baseline)
    print(f"\nneighbors king --json  median {base * 1000:7.1f} ms (interleaved with each below)")
    print(f"{'command --json':22s} {'process':>9s} {'own work':>9s}  process / (neighbors + own)")
    for name in COMMANDS:
        median = statistics.median(times[name])
        ratio = median / (base + own[name])
        print(f"{name:22s} {median * 1000:7.0f} ms {own[name] * 1000:6.0f} ms  {ratio:5.2f}x"
              f"   (target <= 1.3)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--word", default="king")
    parser.add_argument("--command-runs", type=int, default=7,
                        help="runs of each other command (and of its neighbors baseline)")
    parser.add_argument("--smoke", action="store_true",
                        help="a tiny run that only checks the script still works (the tests)")
    args = parser.parse_args()
    if args.smoke:
        args.runs = 1
    with tempfile.TemporaryDirectory() as temp:
        workdir = Path(temp)
        entry, kv = prepare(workdir, peer=not args.smoke)
        env = {**os.environ, "LATENT_CACHE_DIR": str(workdir / "cache")}
        latent = str(Path(sys.executable).with_name("latent"))
        commands = {
            "floor (numpy)": [sys.executable, "-c", FLOOR, str(entry), args.word],
            "latent": [latent, "neighbors", args.word, "--json"],
            "gensim": [sys.executable, "-c", PEER, str(kv), args.word],
        }
        if args.smoke:  # gensim's load alone takes seconds: the smoke run times latent only
            del commands["gensim"]
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed_process(command, env))
        print_neighbors(times, args.runs)
        other_commands(latent, env, workdir / "cache", 1 if args.smoke else args.command_runs)


def print_neighbors(times: dict[str, list[float]], runs: int) -> None:
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:14s} median {median * 1000:7.1f} ms over {runs} runs")
    floor, ours = medians["floor (numpy)"], medians["latent"]
    print(f"latent / floor  = {ours / floor:.2f}x   (target <= 1.3)")
    if "gensim" in medians:
        print(f"gensim / latent = {medians['gensim'] / ours:.2f}x   (target >= 5)")


if __name__ == "__main__":
    main()

"""Cold process, warm cache: `latent neighbors king --json` against a numpy floor and gensim.

The floor is the least a program can do for the same answer: memory-map the unit-norm matrix of
latent's cache, find the word, one mat-vec, print the top 10. The peer is gensim
`KeyedVectors.load(path, mmap="r")` + `most_similar` on the same vectors. All three run
interleaved, in one invocation, so the machine's noise hits them alike; medians and ratios are
printed. Targets (issue 2): latent <= 1.3x the floor, and >= 5x faster than gensim.

    python benchmarks/bench_startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--word", default="king")
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
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:14s} median {median * 1000:7.1f} ms over {args.runs} runs")
    floor, ours = medians["floor (numpy)"], medians["latent"]
    print(f"latent / floor  = {ours / floor:.2f}x   (target <= 1.3)")
    if "gensim" in medians:
        print(f"gensim / latent = {medians['gensim'] / ours:.2f}x   (target >= 5)")


if __name__ == "__main__":
    main()

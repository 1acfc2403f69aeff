"""Throughput, import+load time and peak RSS: latent's numpy encoder vs sentence-transformers.

Runs ONLY in the scratch venv (sentence-transformers and torch are needed for the comparison):

    PYTHONPATH=src /tmp/st-venv/bin/python scripts/measure_transformer.py MODEL_DIR [RUNS]

Each engine and thread count runs in a fresh process: import time, load time, then the median
of RUNS encodings of 1,000 short sentences at batch size 32, and the process's peak RSS.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
engine, model, threads, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
subjects = ["The cat", "A young woman", "My neighbour", "The committee", "Every student",
            "The old train", "A small robot", "Our team", "The river", "This recipe"]
verbs = ["quickly finished", "never liked", "carefully studied", "suddenly remembered",
         "often visits", "rarely mentions", "happily shared", "slowly crossed"]
objects = ["the long report.", "a quiet village near the sea.", "the results of the test!",
           "an old friend from school.", "the best pizza in town.", "the empty station.",
           "a difficult question about physics?", "the garden after the rain."]
texts = [f"{subjects[i % 10]} {verbs[(i // 10) % 8]} {objects[(i // 80) % 8]} ({i})"
         for i in range(1000)]
start = time.perf_counter()
if engine == "latent":
    from latentcli.transformer.encoder import Encoder
    imported = time.perf_counter()
    model = Encoder.open(model, threads=threads)
    encode = lambda: model.encode(texts, batch_size=32)
else:
    import torch
    from sentence_transformers import SentenceTransformer
    torch.set_num_threads(threads)
    imported = time.perf_counter()
    model = SentenceTransformer(model, device="cpu")
    encode = lambda: model.encode(texts, batch_size=32)
loaded = time.perf_counter()
times = []
for _ in range(runs):
    t = time.perf_counter()
    encode()
    times.append(time.perf_counter() - t)
print(json.dumps({"import": imported - start, "load": loaded - imported, "encode": times,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    model = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    for threads in (1, 2):
        for engine in ("latent", "sentence-transformers"):
            done = subprocess.run([sys.executable, "-c", CHILD, engine, model, str(threads),
                                   str(runs)], capture_output=True, text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            median = statistics.median(result["encode"])
            each = [round(t, 2) for t in result["encode"]]
            print(f"{engine:22s} threads={threads}: {1000 / median:7.0f} sentences/s "
                  f"(median of {runs}: {median:.2f} s; all {each}), "
                  f"import {result['import']:.2f} s, load {result['load']:.2f} s, "
                  f"peak RSS {result['rss_mb']:.0f} MB", flush=True)


if __name__ == "__main__":
    main()

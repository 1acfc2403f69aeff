"""Throughput, import+load time and peak RSS: latent's numpy encoder vs sentence-transformers.

Runs ONLY in the scratch venv (sentence-transformers and torch are needed for the comparison):

    PYTHONPATH=src /tmp/st-venv/bin/python scripts/measure_encoder.py MODEL_DIR [RUNS] [1,2]

For each thread count (default 1 and 2) both engines load in fresh processes (import and load
time), then encode 1,000 short sentences at batch size 32 RUNS times each, interleaved so both
see the same machine load; reported: the median, every run, and each process's peak RSS.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
engine, model, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
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
    from latentcli.networks.encoder.encoder import Encoder
    imported = time.perf_counter()
    model = Encoder.open(model, threads=threads)
else:
    import torch
    from sentence_transformers import SentenceTransformer
    torch.set_num_threads(threads)
    imported = time.perf_counter()
    model = SentenceTransformer(model, device="cpu")
loaded = time.perf_counter()
print(json.dumps({"import": imported - start, "load": loaded - imported}), flush=True)
for line in sys.stdin:
    if line.strip() != "run":
        break
    t = time.perf_counter()
    model.encode(texts, batch_size=32)
    print(time.perf_counter() - t, flush=True)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True)
"""
ENGINES = ("latent", "sentence-transformers")


def main() -> None:
    model = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    for threads in [int(n) for n in (sys.argv[3] if len(sys.argv) > 3 else "1,2").split(",")]:
        workers = {engine: subprocess.Popen([sys.executable, "-c", CHILD, engine, model,
                                             str(threads)], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, text=True)
                   for engine in ENGINES}
        started = {e: json.loads(w.stdout.readline()) for e, w in workers.items()}
        times: dict[str, list[float]] = {e: [] for e in ENGINES}
        for run in range(runs):  # interleaved, so both see the same machine load
            for engine in (ENGINES if run % 2 == 0 else ENGINES[::-1]):
                workers[engine].stdin.write("run\n")
                workers[engine].stdin.flush()
                times[engine].append(float(workers[engine].stdout.readline()))
        for engine, worker in workers.items():
            rss = float(worker.communicate("quit\n")[0].split()[-1])
            median = statistics.median(times[engine])
            each = [round(t, 2) for t in times[engine]]
            print(f"{engine:22s} threads={threads}: {1000 / median:5.0f} sentences/s "
                  f"(median of {runs}: {median:.2f} s; all {each}), "
                  f"import {started[engine]['import']:.2f} s, "
                  f"load {started[engine]['load']:.2f} s, peak RSS {rss:.0f} MB", flush=True)


if __name__ == "__main__":
    main()

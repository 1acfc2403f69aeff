"""latent embed against sentence-transformers: cold start, throughput and peak memory.

    python benchmarks/bench_transformers.py [--venv DIR] [--runs N]
    python benchmarks/bench_transformers.py --smoke   # the tiny test model, latent side only

sentence-transformers and torch live only in a scratch venv (``--venv``, else
``$LATENT_BENCH_VENV``, else /tmp/st-venv), created on first use with ``torch==2.13.0`` and
``sentence-transformers`` and reused afterwards; latent never depends on them. One run reports:

- cold ``latent embed "hello" --json`` (a new process, an empty text cache: the text is really
  embedded) against a new process running sentence-transformers on the same text, the medians of
  alternating runs;
- throughput on 1,000 short sentences, batch 32, one thread each, encode timed in the process;
- the peak RSS of every process (``getrusage(RUSAGE_CHILDREN)`` in a wrapper around each one);

and the ratios against the goals (≥ 15x faster cold, ≥ 0.8x throughput, ≤ 0.5x memory).
``--smoke`` runs the latent side once on a given model (default: the tiny test BERT), without
torch.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TINY_MODEL = ROOT / "tests" / "data" / "encoder" / "tiny-bert"
DEFAULT_VENV = "/tmp/st-venv"
# Runs ``argv`` and prints its wall-clock seconds and peak RSS (MB), then its stdout's last line.
WRAPPER = r"""
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, text=True, check=True)
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
last = (done.stdout.strip().splitlines() or [""])[-1]
print(seconds, rss, last)
"""
ST_HELLO = r"""
import json, sys, torch
torch.set_num_threads(1)
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(sys.argv[1], device="cpu")
vector = model.encode([sys.argv[2]])[0]
print(json.dumps({"model": sys.argv[1], "text": sys.argv[2], "vector": vector.tolist()}))
"""
THROUGHPUT = r"""
import sys, time
engine, model, path = sys.argv[1], sys.argv[2], sys.argv[3]
texts = open(path, encoding="utf-8").read().splitlines()
if engine == "latent":
    from latentcli.networks.encoder.encoder import Encoder
    encoder = Encoder.open(model, threads=1)
else:
    import torch
    torch.set_num_threads(1)
    from sentence_transformers import SentenceTransformer
    encoder = SentenceTransformer(model, device="cpu")
encoder.encode(texts[:32], batch_size=32)
start = time.perf_counter()
encoder.encode(texts, batch_size=32)
print(time.perf_counter() - start)
"""


def sentences(count: int) -> list[str]:
    """Short, varied sentences, the same on every run."""
    subjects = ["The cat", "A young woman", "My neighbour", "The committee", "Every student",
                "The old train", "A small robot", "Our team", "The river", "This recipe"]
    verbs = ["quickly finished", "never liked", "carefully studied", "suddenly remembered",
             "often visits", "rarely mentions", "happily shared", "slowly crossed"]
    objects = ["the long report.", "a quiet village near the sea.", "the results of the test!",
               "an old friend from school.", "the best pizza in town.", "the empty station."]
    return [f"{subjects[i % 10]} {verbs[(i // 10) % 8]} {objects[(i // 80) % 6]} ({i})"
            for i in range(count)]


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, last output line) of one process."""
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command], env=env,
                          capture_output=True, text=True, check=True)
    seconds, rss, *last = done.stdout.split(" ", 2)
    return float(seconds), float(rss), (last[0].strip() if last else "")


def scratch_venv(path: Path) -> Path:
    """The venv's python, after creating it with torch and sentence-transformers if needed."""
    python = path / "bin" / "python"
    probe = [str(python), "-c", "import sentence_transformers, torch"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    print(f"creating {path} with torch==2.13.0 and sentence-transformers (once)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "torch==2.13.0",
                    "sentence-transformers"], check=True)
    return python


def builtin_model(env: dict[str, str]) -> Path:
    """The built-in encoder's directory, fetched into the benchmark's cache if needed."""
    subprocess.run([sys.executable, "-m", "latentcli", "embed", "warm up", "--json"], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    return Path(env["LATENT_CACHE_DIR"]) / "encoders" / "all-minilm-l6-v2"


def cold_latent(env: dict[str, str], model: str) -> tuple[float, float, str]:
    """One cold ``latent embed hello --json``: a new process and no stored text vectors."""
    shutil.rmtree(Path(env["LATENT_CACHE_DIR"]) / "embeddings", ignore_errors=True)
    return measured([sys.executable, "-m", "latentcli", "embed", "hello", "--json", "-m", model],
                    env)


def report(name: str, runs: list[tuple[float, float, str]]) -> tuple[float, float]:
    seconds = statistics.median(run[0] for run in runs)
    rss = max(run[1] for run in runs)
    each = ", ".join(f"{run[0]:.2f}" for run in runs)
    print(f"{name}: median {seconds:.3f} s of {len(runs)} ({each}); peak RSS {rss:.0f} MB",
          flush=True)
    return seconds, rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--venv", default=os.environ.get("LATENT_BENCH_VENV", DEFAULT_VENV))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--model", help="a model directory (default: the built-in encoder)")
    parser.add_argument("--smoke", action="store_true", help="latent only, one run, no torch")
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="latent-bench-"))
    env = {**os.environ, "LATENT_CACHE_DIR": str(cache), "OMP_NUM_THREADS": "1",
           "PYTHONPATH": str(ROOT / "src")}
    try:
        if args.smoke:
            args.model = args.model or str(TINY_MODEL)
            runs = [cold_latent(env, args.model)]
            assert json.loads(runs[0][2])["text"] == "hello"
            report("latent embed hello --json (cold)", runs)
            throughput(env, args.model, None, 1, 64)
            return
        model = args.model or str(builtin_model(env))
        python = scratch_venv(Path(args.venv))
        latent_runs, st_runs = [], []
        for run in range(args.runs):  # alternating, so both see the same machine load
            order = ("latent", "st") if run % 2 == 0 else ("st", "latent")
            for engine in order:
                if engine == "latent":
                    latent_runs.append(cold_latent(env, model))
                else:
                    st_runs.append(measured([str(python), "-c", ST_HELLO, model, "hello"], env))
        latent_cold, latent_rss = report("latent embed hello --json (cold)", latent_runs)
        st_cold, st_rss = report("sentence-transformers, same text (cold)", st_runs)
        latent_rate, st_rate, latent_big, st_big = throughput(env, model, python, args.runs, 1000)
        print(f"ratios: cold start {st_cold / latent_cold:.1f}x faster (goal >= 15x); "
              f"throughput {latent_rate / st_rate:.2f}x (goal >= 0.8x); "
              f"peak RSS {latent_rss / st_rss:.2f}x cold, {latent_big / st_big:.2f}x on 1,000 "
              "sentences (goal <= 0.5x)")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def throughput(env: dict[str, str], model: str, python: Path | None, runs: int,
               count: int) -> tuple[float, float, float, float]:
    """Sentences per second and peak RSS of each engine on ``count`` sentences (the latent
    side only without ``python``); alternating runs, medians."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as out:
        out.write("\n".join(sentences(count)) + "\n")
    engines = {"latent": sys.executable} if python is None else {
        "latent": sys.executable, "sentence-transformers": str(python)}
    found: dict[str, list[tuple[float, float, str]]] = {engine: [] for engine in engines}
    try:
        for run in range(runs):
            for engine in (list(engines) if run % 2 == 0 else list(engines)[::-1]):
                found[engine].append(measured([engines[engine], "-c", THROUGHPUT, engine,
                                               model, out.name], env))
    finally:
        os.unlink(out.name)
    rates = {}
    for engine, results in found.items():
        seconds = statistics.median(float(result[2]) for result in results)
        rss = max(result[1] for result in results)
        rates[engine] = (count / seconds, rss)
        print(f"{engine} throughput: {count / seconds:.0f} sentences/s on {count} (median of "
              f"{runs}, 1 thread, batch 32); peak RSS {rss:.0f} MB", flush=True)
    latent = rates["latent"]
    other = rates.get("sentence-transformers", latent)
    return latent[0], other[0], latent[1], other[1]


if __name__ == "__main__":
    main()

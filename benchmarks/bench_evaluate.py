"""`latent evaluate analogies` against gensim's `evaluate_word_analogies`, in the same run.

Targets (issue 5): at least 20x faster than gensim at restrict 300000 and 10x at 30000, with the
same accuracy. Ours is the median of several runs; gensim (minutes at 300000) runs once unless
--gensim-repeats says otherwise. Both time only the evaluation: the model is open beforehand.

Then what a user times (issue 18: >= 20x at 30000): whole processes, interleaved, on a warm
cache: `latent evaluate analogies --restrict 30000 --json` against a script doing what a gensim
user would (load the same vectors saved in gensim's format, `evaluate_word_analogies`).

    python benchmarks/bench_evaluate.py [--restrict 300000 30000] [--repeats 3]
                                        [--gensim-blas-threads 1] [--process-runs 3]

On small machines OpenBLAS's threads slow gensim's one-question mat-vecs down a lot (latent keeps
BLAS single-threaded for its small products); --gensim-blas-threads 1 gives gensim the same
treatment, for a fairer baseline.
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

from baselines import gensim_builtin
from latentcli import DEFAULT_MODEL
from latentcli.analysis.evaluation import ANALOGY_FILE, default_benchmark, evaluate_analogies
from latentcli.environment import Environment
from latentcli.networks.threads import limited
from latentcli.store.resolve import open_space
from timing import timed_process, warm_latent


def timed(action: Callable[[], float], repeats: int) -> tuple[float, float]:
    """(median seconds, the accuracy the action returned)."""
    times, accuracy = [], 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        accuracy = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), accuracy


PEER = r"""
import sys
from gensim.models import KeyedVectors
vectors = KeyedVectors.load(sys.argv[1])
print(vectors.evaluate_word_analogies(sys.argv[2], restrict_vocab=int(sys.argv[3]))[0])
"""
PROCESS_RESTRICT = 30_000
PROCESS_TARGET = 20.0


def whole_processes(keyed: object, questions: Path, runs: int, blas_threads: int | None,
                    peer: bool = True) -> None:
    """`latent evaluate analogies` and the gensim script as whole processes, interleaved."""
    with tempfile.TemporaryDirectory() as temp:
        workdir = Path(temp)
        env = {**os.environ, "LATENT_CACHE_DIR": str(workdir / "cache")}
        warm_latent(env)
        latent = [str(Path(sys.executable).with_name("latent")), "evaluate", "analogies",
                  "--restrict", str(PROCESS_RESTRICT), "--json"]
        ours: list[float] = []
        theirs: list[float] = []
        peer_env = env if blas_threads is None else {**env,
                                                     "OPENBLAS_NUM_THREADS": str(blas_threads)}
        if peer:
            keyed.save(str(workdir / "glove.kv"))  # type: ignore[attr-defined]
        for _ in range(runs):
            ours.append(timed_process(latent, env))
            if peer:
                theirs.append(timed_process([sys.executable, "-c", PEER, str(workdir / "glove.kv"),
                                             str(questions), str(PROCESS_RESTRICT)], peer_env))
        line = (f"whole process, restrict {PROCESS_RESTRICT}: latent "
                f"{statistics.median(ours):6.2f} s (median of {runs})")
        if theirs:
            ratio = statistics.median(theirs) / statistics.median(ours)
            line += (f"  gensim {statistics.median(theirs):6.2f} s (BLAS threads: "
                     f"{blas_threads or 'default'})  ratio {ratio:5.1f}x  (target >= "
                     f"{PROCESS_TARGET:g}x: {'met' if ratio >= PROCESS_TARGET else 'NOT met'})")
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restrict", type=int, nargs="+", default=[300_000, 30_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--gensim-repeats", type=int, default=1)
    parser.add_argument("--gensim-blas-threads", type=int, default=None)
    parser.add_argument("--process-runs", type=int, default=3,
                        help="interleaved whole-process runs of each (0: skip them)")
    parser.add_argument("--smoke", action="store_true",
                        help="a tiny run that only checks the script still works (the tests)")
    options = parser.parse_args()
    if options.smoke:
        options.restrict, options.repeats, options.gensim_repeats = [300], 1, 1
        options.process_runs = 1
    blas = options.gensim_blas_threads or "default"
    space = open_space(DEFAULT_MODEL, Environment())
    keyed = gensim_builtin()
    questions = default_benchmark(ANALOGY_FILE)
    targets = {300_000: 20.0, 30_000: 10.0}
    for restrict in options.restrict:
        ours, our_accuracy = timed(
            lambda r=restrict: evaluate_analogies(space, questions, r).accuracy, options.repeats)
        with limited(options.gensim_blas_threads):
            theirs, their_accuracy = timed(
                lambda r=restrict: keyed.evaluate_word_analogies(str(questions),
                                                                 restrict_vocab=r)[0],
                options.gensim_repeats)
        ratio = theirs / ours
        target = targets.get(restrict)
        verdict = "" if target is None else f"  (target >= {target:g}x: " + (
            "met)" if ratio >= target else "NOT met)")
        same = "identical" if our_accuracy == their_accuracy else "DIFFERENT"
        print(f"restrict {restrict:>7}: latent {ours:7.2f} s (median of {options.repeats})  "
              f"gensim {theirs:7.2f} s (BLAS threads: {blas})  ratio {ratio:5.1f}x{verdict}")
        print(f"                 accuracy latent {our_accuracy:.6f}  gensim {their_accuracy:.6f}"
              f"  {same}")
    if options.process_runs:  # the smoke run times latent alone: gensim's process takes seconds
        whole_processes(keyed, questions, options.process_runs, options.gensim_blas_threads,
                        peer=not options.smoke)


if __name__ == "__main__":
    main()

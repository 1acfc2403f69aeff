"""`latent probe` and `latent trace` (issue 26): a probe over 48 texts against its goal of 10 s.

    python benchmarks/bench_concepts.py [--runs N]   # SmolLM2-135M from LATENT_CACHE_DIR's cache
    python benchmarks/bench_concepts.py --smoke      # the tiny test GGUF, one run

One run reports, for the example sets of docs/examples (24 texts a side):

- the whole probe in this process (`LanguageModel.probe`: every text's residuals, then the
  logistic regressions and the directions at every block), median of ``--runs``;
- its two parts: the residuals read in batches of one token count, against one text at a time
  (the ratio is what batching saves), and the fits, on one BLAS thread as the probe runs them,
  against BLAS's own thread count (the ratio is what one thread saves);
- ``latent probe A B --json`` in a new process (start-up, opening the model, scikit-learn's
  import, the probe): what a user waits for;
- ``latent trace`` of two prompts, in this process and in a new process.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from unittest import mock

import numpy as np

from timing import median_seconds

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
TINY_GGUF = ROOT / "tests" / "data" / "decoder" / "tiny-llama.gguf"
SETS = (("true.txt", "false.txt"), ("positive.txt", "negative.txt"))
TRACED = ("The Eiffel Tower is in the city of", "The Colosseum is in the city of")
GOAL = 10.0  # seconds for a probe over 48 texts


def process(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "latentcli", *argv], check=True,
                   stdout=subprocess.DEVNULL, env=dict(os.environ))
    return time.perf_counter() - start


def lines(name: str) -> list[str]:
    return [line for line in (EXAMPLES / name).read_text("utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    spec = str(TINY_GGUF) if args.smoke else "smollm2-135m"
    runs = 1 if args.smoke else args.runs

    import latentcli
    from latentcli.analysis import probes
    from latentcli.analysis.probes import separation, split
    from latentcli.analysis.residuals import last_states

    lm = latentcli.open(spec)
    model = lm.decoder
    print(f"{lm.name}: {lm.blocks} blocks; {runs} run(s) each, medians; load average "
          f"{os.getloadavg()[0]:.1f}")
    for name_a, name_b in SETS:
        texts_a, texts_b = lines(name_a), lines(name_b)
        ids = [model.prompt(text, sink=True).ids for text in (*texts_a, *texts_b)]
        lm.probe(texts_a, texts_b)  # warm: scikit-learn imported, pages mapped
        whole = median_seconds(lambda: lm.probe(texts_a, texts_b), runs)  # noqa: B023
        batched = median_seconds(lambda: last_states(model, ids), runs)  # noqa: B023
        alone = median_seconds(lambda: [last_states(model, [one]) for one in ids], runs)  # noqa: B023
        states = last_states(model, ids)
        is_a = np.arange(len(ids)) < len(texts_a)
        fold, folds = split(len(texts_a), len(texts_b))
        def all_fits() -> None:
            for block in range(lm.blocks):
                separation(states[:, block], is_a, fold, folds)  # noqa: B023

        fits = median_seconds(all_fits, runs)
        with mock.patch.object(probes, "limited", lambda threads: nullcontext()):
            threaded = median_seconds(all_fits, runs)
        lengths = len({len(one) for one in ids})
        command = process(["probe", str(EXAMPLES / name_a), str(EXAMPLES / name_b), "-m", spec,
                           "--json"])
        print(f"probe {name_a} vs {name_b} ({len(ids)} texts, {lengths} token counts): "
              f"{whole:.2f} s in process (goal {GOAL:.0f} s: {whole / GOAL:.2f} of it); "
              f"residuals batched {batched:.2f} s vs one text at a time {alone:.2f} s "
              f"({alone / batched:.1f}x); fits at {lm.blocks} blocks {fits:.2f} s on one BLAS "
              f"thread vs {threaded:.2f} s on BLAS's own ({threaded / fits:.1f}x); "
              f"`latent probe --json` in a new process {command:.2f} s")
    lm.trace(*TRACED)
    traced = median_seconds(lambda: lm.trace(*TRACED), runs)
    command = process(["trace", *TRACED, "-m", spec, "--json"])
    print(f"trace of 2 prompts: {traced:.2f} s in process; `latent trace --json` in a new "
          f"process {command:.2f} s")


if __name__ == "__main__":
    main()

"""The whole guided tour, piped: `latent explain --all` against `latent neighbors king`.

Three figures, each a cold process on a warm model cache, stdout not a terminal:

- the tour computed from scratch (its stored copy deleted before each run), as on a model's
  first tour or after latent's code changed;
- the tour as it usually runs (its sections stored by the first run);
- the baseline `latent neighbors king`, interleaved with the stored tour so the machine's noise
  hits both alike; the ratio of their medians is what to compare between machines.

Target (issue 12): the usual tour in <= 3 s on the built-in model.

    python benchmarks/bench_tour.py [--runs 7] [--computed-runs 3] [--model NAME|PATH]
    python benchmarks/bench_tour.py --smoke --model PATH   # one quick run of each (tests)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import timed_process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--computed-runs", type=int, default=3)
    parser.add_argument("--model", default="glove-6b-50d")
    parser.add_argument("--smoke", action="store_true", help="one run of each, for the tests")
    args = parser.parse_args()
    runs, computed_runs = (1, 1) if args.smoke else (args.runs, args.computed_runs)
    latent = str(Path(sys.executable).with_name("latent"))
    model = ["-m", args.model]
    with tempfile.TemporaryDirectory() as temp:
        cache = Path(temp) / "cache"
        env = {**os.environ, "LATENT_CACHE_DIR": str(cache)}
        if not args.smoke:  # as an installed package is: see bench_startup.py
            import compileall

            import latentcli

            compileall.compile_dir(str(Path(latentcli.__file__).parent), quiet=1)
        subprocess.run([latent, "neighbors", "king", "--json", *model], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        tour = [latent, "explain", "--all", *model]
        computed = []
        for _ in range(computed_runs):
            shutil.rmtree(cache / "tours", ignore_errors=True)
            computed.append(timed_process(tour, env))
        times: dict[str, list[float]] = {"neighbors king": [], "explain --all": []}
        for _ in range(runs):
            times["neighbors king"].append(
                timed_process([latent, "neighbors", "king", *model], env))
            times["explain --all"].append(timed_process(tour, env))
    print(f"{'explain --all, computed':26s} median {statistics.median(computed):6.2f} s "
          f"over {computed_runs} runs")
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:26s} median {median:6.2f} s over {runs} runs")
    ratio = medians["explain --all"] / medians["neighbors king"]
    print(f"ratio explain --all / neighbors king = {ratio:.1f}x; computed / stored = "
          f"{statistics.median(computed) / medians['explain --all']:.1f}x "
          f"(target: the tour in <= 3 s)")


if __name__ == "__main__":
    main()

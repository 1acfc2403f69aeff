"""Time to the first painted frame of `latent explore king` in a pseudo-terminal (issue 13).

Each run starts the command in a fresh 80x24 pseudo-terminal and reads its output until the word
``queen`` (one of king's neighbours, so the list has been drawn) appears, then quits the app.
The baseline, measured interleaved in the same invocation, is `latent neighbors king` in the same
kind of terminal, read until the same word: the ratio says what the app costs on top of a query.
Goal: a median first frame <= 1.5 s. Medians over ``--runs`` (>= 5); ``--smoke`` does one run.

    python benchmarks/bench_explore.py [--runs 7] [--smoke] [--cache DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from timing import first_output, warm_latent

GOAL_SECONDS = 1.5
MARKER = b"queen"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="one run each (for the test suite)")
    parser.add_argument("--cache", type=Path, help="a latent cache already holding the model")
    args = parser.parse_args()
    runs = 1 if args.smoke else max(args.runs, 5)
    latent = str(Path(sys.executable).with_name("latent"))
    commands = {"neighbors (baseline)": [latent, "neighbors", "king"],
                "explore": [latent, "explore", "king"]}
    with tempfile.TemporaryDirectory() as temp:
        cache = args.cache or Path(temp) / "cache"
        env = {**os.environ, "LATENT_CACHE_DIR": str(cache), "TERM": "xterm-256color"}
        warm_latent(env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, command in commands.items():
                times[name].append(first_output(command, env, MARKER, quit_key=b"\x11"))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:22s} median {median * 1000:7.1f} ms to first frame over {runs} runs")
    ours, base = medians["explore"], medians["neighbors (baseline)"]
    print(f"explore / neighbors = {ours / base:.2f}x; explore first frame {ours:.2f} s "
          f"(goal <= {GOAL_SECONDS} s: {'met' if ours <= GOAL_SECONDS else 'MISSED'})")


if __name__ == "__main__":
    main()

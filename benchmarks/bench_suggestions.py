"""How long 'did you mean' takes over the built-in model's 400,000 words (target: < 100 ms).

Baseline in the same run: one exact lookup, and one full decode of the vocabulary into a Python
list (what a naive `difflib` approach would have to start from). Medians over several typos.

    python benchmarks/bench_suggestions.py
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from latentcli import DEFAULT_MODEL
from latentcli.core.suggestions import suggest
from latentcli.environment import Environment
from latentcli.store.resolve import open_space

TYPOS = ["kingg", "queeen", "intelligense", "beautifull", "xyzzyq", "Pariis", "computr", "helo"]


def median_ms(action: Callable[[str], object], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        for word in TYPOS:
            start = time.perf_counter()
            action(word)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true",
                        help="a tiny run that only checks the script still works (the tests)")
    repeats = 1 if parser.parse_args().smoke else 5
    space = open_space(DEFAULT_MODEL, Environment())
    vocabulary = space.vocabulary
    suggestions = median_ms(lambda word: suggest(vocabulary, word), repeats)
    lookup = median_ms(vocabulary.row, repeats)
    decode = median_ms(lambda word: list(vocabulary), repeats)
    print(f"suggest (5 closest of {len(vocabulary)} words)  median {suggestions:6.1f} ms")
    print(f"exact lookup (binary search)            median {lookup:6.3f} ms")
    print(f"decoding the vocabulary to a list       median {decode:6.1f} ms")
    print(f"suggest / full decode = {suggestions / decode:.2f}x   (target: suggest < 100 ms)")


if __name__ == "__main__":
    main()

"""Measure how well each in-space naming method names the everyday categories of the test set.

    LATENT_CACHE_DIR=/tmp/naming-cache python scripts/measure_naming.py [--quiet]
    python scripts/measure_naming.py --export-words /tmp/naming-top20000.txt  # for the MiniLM run

Runs in latent's own venv on the built-in GloVe 6B 50-d model (about a minute on one core).
Candidates are plain words (`naming.is_plain_word`) among the most frequent rows (rows are in
frequency order): the N most frequent, or a cut-off relative to the members' own frequency ranks.
For every variant tried it prints the first-name and top-3 hit rates over
tests/data/categories.json, the two halves of the set separately (first 13 + last 13, a check
against luck) and, unless --quiet, each category's three names (``*`` marks an accepted name).
The transformer (phrase) method is measured by scripts/measure_naming_minilm.py in another venv.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from latentcli import DEFAULT_MODEL
from latentcli.analysis import naming
from latentcli.analysis.naming import CENTRE, MEAN_STD, MINIMUM, SOFTMIN, Method
from latentcli.core.space import Space
from latentcli.environment import Environment
from latentcli.store.resolve import open_space

CATEGORIES = Path(__file__).resolve().parent.parent / "tests" / "data" / "categories.json"
EXPORTED = 20_000  # candidate words written by --export-words, for the MiniLM measurement


@dataclass(frozen=True)
class Category:
    name: str
    members: list[str]
    accept: set[str]


def load_categories(path: Path = CATEGORIES) -> list[Category]:
    data = json.loads(path.read_text(encoding="utf-8"))["categories"]
    return [Category(item["category"], item["members"], set(item["accept"])) for item in data]


def candidate_rows(space: Space, count: int) -> list[int]:
    """The plain words among the ``count`` most frequent rows of ``space``."""
    return [row for row in range(min(count, len(space.vocabulary)))
            if naming.is_plain_word(space.vocabulary.word(row))]


def hit_rates(names: list[naming.Names], categories: list[Category]) -> tuple[int, int]:
    """How many categories get an accepted first name, and an accepted name among the top 3."""
    pairs = list(zip(names, categories, strict=True))
    first = sum(bool(found) and found[0][0] in category.accept for found, category in pairs)
    top3 = sum(any(word in category.accept for word, _ in found[:3]) for found, category in pairs)
    return first, top3


# Variants outside naming.py, each (space, rows, categories) -> names -------------------------

Namer = Callable[[Space, list[int], list[Category]], list[naming.Names]]


def _members(space: Space, category: Category) -> naming.Vectors:
    return np.asarray(space.vectors[[space.lookup(w).row for w in category.members]],
                      dtype=np.float32)


def relative_cutoff(method: Method, rule: str, floor: int) -> Namer:
    """Candidates no rarer than the members' median (or rarest) rank, and at least ``floor``."""
    def run(space: Space, rows: list[int], categories: list[Category]) -> list[naming.Names]:
        names = []
        for category in categories:
            ranks = [space.lookup(word).row for word in category.members]
            limit = max(float(np.median(ranks) if rule == "median" else max(ranks)) + 1, floor)
            kept = [row for row in rows if row < limit]
            words = [space.vocabulary.word(row) for row in kept]
            names += naming.name_groups(np.asarray(space.vectors[kept]), words,
                                        [_members(space, category)], [category.members],
                                        method=method)
        return names
    return run


def frequency_prior(method: Method, weight: float) -> Namer:
    """The method's score minus ``weight``·log10(frequency rank + 1)."""
    def run(space: Space, rows: list[int], categories: list[Category]) -> list[naming.Names]:
        words = [space.vocabulary.word(row) for row in rows]
        candidates = np.asarray(space.vectors[rows], dtype=np.float32)
        penalty = weight * np.log10(np.asarray(rows, dtype=np.float64) + 1)
        names = []
        for category in categories:
            cosines = candidates @ _members(space, category).T
            if method.aggregate == CENTRE:
                cosines = cosines.mean(axis=1, keepdims=True)
            scores = naming.aggregate(cosines, method) - penalty
            names.append(_top(scores, words, naming.excluded(words, category.members)))
        return names
    return run


def rank_aggregate(kind: str) -> Namer:
    """Rank of each candidate among each member's neighbours: worst rank, or mean log rank."""
    def run(space: Space, rows: list[int], categories: list[Category]) -> list[naming.Names]:
        words = [space.vocabulary.word(row) for row in rows]
        candidates = np.asarray(space.vectors[rows], dtype=np.float32)
        names = []
        for category in categories:
            mask = naming.excluded(words, category.members)
            cosines = candidates @ _members(space, category).T
            cosines[mask] = -np.inf
            ranks = np.argsort(np.argsort(-cosines, axis=0), axis=0).astype(np.float64)
            scores = -ranks.max(axis=1) if kind == "worst" else -np.log1p(ranks).mean(axis=1)
            names.append(_top(scores, words, mask))
        return names
    return run


def all_but_the_top(method: Method, drop: int) -> Namer:
    """Mu & Viswanath's post-processing first: remove the candidates' mean and top directions."""
    def run(space: Space, rows: list[int], categories: list[Category]) -> list[naming.Names]:
        candidates = np.asarray(space.vectors[rows], dtype=np.float32)
        mean = candidates.mean(axis=0)
        _, _, components = np.linalg.svd(candidates - mean, full_matrices=False)
        projection = np.eye(candidates.shape[1]) - components[:drop].T @ components[:drop]

        def moved(vectors: naming.Vectors) -> naming.Vectors:
            out = (vectors - mean) @ projection
            lengths = np.linalg.norm(out, axis=1, keepdims=True)
            return np.asarray(out / np.where(lengths > 0, lengths, 1), dtype=np.float32)

        return naming.name_groups(moved(candidates), [space.vocabulary.word(r) for r in rows],
                                  [moved(_members(space, c)) for c in categories],
                                  [c.members for c in categories], method=method)
    return run


def _top(scores: naming.Vectors, words: list[str], mask: naming.Mask) -> naming.Names:
    scores = np.where(mask, -np.inf, scores)
    order = np.argsort(-scores, kind="stable")[:3]
    return [(words[i], float(scores[i])) for i in order if scores[i] > -np.inf]


def in_space(method: Method) -> Namer:
    def run(space: Space, rows: list[int], categories: list[Category]) -> list[naming.Names]:
        vectors = np.asarray(space.vectors, dtype=np.float32)
        return naming.name_groups(vectors[rows], [space.vocabulary.word(r) for r in rows],
                                  [_members(space, c) for c in categories],
                                  [c.members for c in categories], method=method)
    return run


def variants() -> list[tuple[str, int, Namer]]:
    """(label, candidate count N, namer) for every variant tried, in the order they were tried."""
    core = [Method(CENTRE), Method(MINIMUM), Method(SOFTMIN, 5), Method(SOFTMIN, 10),
            Method(SOFTMIN, 20), Method(SOFTMIN, 40), Method(MEAN_STD, 0.5), Method(MEAN_STD, 1),
            Method(MEAN_STD, 2), Method(MEAN_STD, 3)]
    tried = []
    for count in (1_000, 2_000, 3_000, 5_000, 7_500, 10_000, 20_000, 50_000):
        tried += [(m.describe(), count, in_space(m)) for m in core]
    for count in (5_000, 20_000):
        for m in (Method(CENTRE, csls=10), Method(MINIMUM, csls=10),
                  Method(SOFTMIN, 10, csls=10), Method(MEAN_STD, 1, csls=10),
                  Method(MEAN_STD, 2, csls=10)):
            tried.append((m.describe(), count, in_space(m)))
        tried += [(f"rank: {kind}", count, rank_aggregate(kind)) for kind in ("worst", "mean log")]
    for m in (Method(CENTRE), Method(MINIMUM), Method(SOFTMIN, 10)):
        tried.append((f"{m.describe()}, all-but-the-top 3", 20_000, all_but_the_top(m, 3)))
    for m in (Method(CENTRE), Method(MINIMUM), Method(SOFTMIN, 10), Method(MEAN_STD, 2)):
        for rule, floor in (("median", 0), ("rarest", 0), ("median", 5_000), ("rarest", 5_000)):
            label = f"{m.describe()}, no rarer than the {rule} member" + (
                f" (at least {floor})" if floor else "")
            tried.append((label, 50_000, relative_cutoff(m, rule, floor)))
        for weight in (0.02, 0.05, 0.1):
            tried.append((f"{m.describe()}, minus {weight}·log10 rank", 20_000,
                          frequency_prior(m, weight)))
    return tried


def main(argv: list[str]) -> int:
    space = open_space(DEFAULT_MODEL, Environment())
    if "--export-words" in argv:
        target = Path(argv[argv.index("--export-words") + 1])
        words = (space.vocabulary.word(row) for row in range(min(EXPORTED, len(space.vocabulary))))
        target.write_text("\n".join(words) + "\n", encoding="utf-8")
        return 0
    quiet = "--quiet" in argv
    categories = load_categories()
    half = len(categories) // 2
    print(f"{len(categories)} categories, {space.name}; candidates: plain words among the N "
          f"most frequent; halves = categories 1-{half} + {half + 1}-{len(categories)}\n")
    summary = []
    for label, count, namer in variants():
        started = time.perf_counter()
        names = namer(space, candidate_rows(space, count), categories)
        elapsed = time.perf_counter() - started
        first, top3 = hit_rates(names, categories)
        first_half, _ = hit_rates(names[:half], categories[:half])
        line = (f"{first:2d} / {top3:2d}  ({first_half:2d} + {first - first_half:2d})  "
                f"N={count:<6d} {label}")
        summary.append(line)
        if not quiet:
            print(f"== {line}  [{elapsed:.1f}s]")
            for category, found in zip(categories, names, strict=True):
                shown = ", ".join(word + ("*" if word in category.accept else "")
                                  for word, _ in found)
                print(f"   {category.name:20} {shown}")
    print(f"\nsummary: first / top-3 (halves of first), out of {len(categories)}")
    print("\n".join(summary))
    print(f"\nchosen (naming.IN_SPACE): {naming.IN_SPACE.describe()}, "
          f"N={naming.IN_SPACE_CANDIDATES}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

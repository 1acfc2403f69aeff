"""How well groups of texts are named, on tests/data/topics.json, with the built-in encoder.

Usage: LATENT_CACHE_DIR=DIR python scripts/measure_topic_names.py [PHRASE DISTINCT FREQUENCY]
(DIR: a cache where the encoder is fetched; the weights default to `analysis.topics.WEIGHTS`).

Each topic's texts are named as one group beside the corpus's other topics (the true groups, so
the figure measures naming, not clustering); a name counts if it is one of the topic's accepted
words or a regular inflection of one (coffees, exercising). It prints each topic's three names,
the k `latent cluster` chooses for each corpus, and the first-name and top-3 hit rates and the
right k's, apart for the corpora used to choose the method and for those held out.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from latentcli.analysis import topics
from latentcli.analysis.clustering import choose_k
from latentcli.analysis.naming import is_inflection
from latentcli.core.space import normalise_rows
from latentcli.environment import Environment
from latentcli.store.builtins import MINILM
from latentcli.store.resolve import open_space

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "topics.json"


def measure(weights: tuple[float, ...]) -> dict[str, list[int]]:
    """Per part ("tuned", "held out"): [first names right, top 3 right, topics, corpora whose
    automatic k is their number of topics, corpora], printing every topic's names."""
    topics.WEIGHTS = weights
    namer = open_space(MINILM.name, Environment())
    encoder = namer.encoder
    assert encoder is not None
    tally = {"tuned": [0, 0, 0, 0, 0], "held out": [0, 0, 0, 0, 0]}
    for corpus in json.loads(DATA.read_text(encoding="utf-8"))["corpora"]:
        counts = tally["held out" if corpus.get("held_out") else "tuned"]
        members = [topic["texts"] for topic in corpus["topics"]]
        vectors = [normalise_rows(np.asarray(encoder.encode(texts), dtype=np.float32))[0]
                   for texts in members]
        names = topics.name_topics(namer, encoder.encode, members, vectors)
        for topic, ranked in zip(corpus["topics"], names, strict=True):
            words = [word for word, _ in ranked]
            right = [any(is_inflection(word, name) for name in topic["accept"]) for word in words]
            counts[0] += bool(right) and right[0]
            counts[1] += any(right)
            counts[2] += 1
            print(f"{corpus['name']:<10} {'+' if right and right[0] else '-'} "
                  f"{', '.join(words):<40} ({topic['accept'][0]})")
        labels, scores, _, _ = choose_k(np.concatenate(vectors), "kmeans", 0, lambda *_: None)
        k = len(set(labels.tolist()))
        counts[3] += k == len(members)
        counts[4] += 1
        tried = ", ".join(f"{s.k}: {s.silhouette:.3f}" for s in scores)
        print(f"{corpus['name']:<10} automatic k = {k} for {len(members)} topics ({tried})")
    for part, (first, top3, total, right_k, corpora) in tally.items():
        print(f"{part}: first name {first}/{total}, top 3 {top3}/{total}, "
              f"automatic k right for {right_k}/{corpora} corpora")
    print(f"weights {weights}")
    return tally


if __name__ == "__main__":
    given = tuple(float(value) for value in sys.argv[1:])
    measure(given if given else topics.WEIGHTS)  # type: ignore[arg-type]

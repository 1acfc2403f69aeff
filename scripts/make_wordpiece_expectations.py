"""Write the real-vocabulary tokenizer expectations the unit tests check (run once, committed).

Runs ONLY in the scratch venv with ``tokenizers`` installed (never a latent dependency):

    PYTHONPATH=src /tmp/st-venv/bin/python scripts/make_wordpiece_expectations.py \
        MINILM_DIR MPNET_DIR

For each model: the ids ``tokenizers`` gives a set of varied texts (handpicked plus generated
ones from scripts/check_wordpiece_parity.py), and the model's tokenizer.json cut down to the
vocabulary entries WordPiece could possibly look up for those texts: every entry equal to a
piece of a pre-tokenized word (as ``tokenizers`` itself normalises and splits them), with or
without the ``##`` prefix, plus the unknown and added tokens (tokenizers renumbers added
tokens missing from the vocabulary). Greedy longest-match only ever asks about such pieces, so
the cut tokenizer gives the full one's ids on these texts, and the fixture stays small.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from check_wordpiece_parity import random_text
from tokenizers import Tokenizer

DATA = Path(__file__).resolve().parent.parent / "tests/data/encoder"
HANDPICKED = [
    "Hello, world!", "  leading and trailing  ", "!!!", "", " ", "unbelievably tokenized",
    "Crème brûlée, naïve café, Ångström, Straße, İstanbul, ΣΊΣΥΦΟΣ",
    "東京は日本の首都です。我喜欢学习。서울은 한국의 수도입니다.", "مرحبا، كيف حالك؟",
    "Привет, как дела?", "नमस्ते दुनिया", "I am so happy 😀😀 🎉 👍🏽 👨‍👩‍👧",
    "tab\tnew\nline\r\nno-break\u00a0ideographic\u3000space", "nul\x00bell\x07zero\u200bwidth",
    "a [MASK] and [SEP] and [CLS] written in the text", "a <mask> and <s> and <UNK> too",
    "supercalifragilisticexpialidocious " + "x" * 150, "https://example.com/a?b=1 a.b@c.org",
    "3.14159, 2,718 and -42", "word " * 400,
]


def main() -> None:
    rng = random.Random(2026)
    for name, directory in (("minilm", Path(sys.argv[1])), ("mpnet", Path(sys.argv[2]))):
        spec = json.loads((directory / "tokenizer.json").read_text(encoding="utf-8"))
        max_length = json.loads((directory / "sentence_bert_config.json").read_text())[
            "max_seq_length"]
        vocab: dict[str, int] = spec["model"]["vocab"]
        words_for_texts = [w for w in vocab if w.isalpha()]
        texts = HANDPICKED + [random_text(rng, words_for_texts) for _ in range(40)]
        tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length)
        cases = [[text, encoding.ids] for text, encoding in
                 zip(texts, tokenizer.encode_batch(texts), strict=True)]
        normalizer, splitter = tokenizer.normalizer, tokenizer.pre_tokenizer
        pieces: set[str] = set()
        for text in texts:
            for word, _ in splitter.pre_tokenize_str(normalizer.normalize_str(text)):
                for start in range(len(word)):
                    for end in range(start + 1, len(word) + 1):
                        pieces.add(word[start:end] if start == 0 else "##" + word[start:end])
        keep = pieces | {spec["model"]["unk_token"]} | {t["content"] for t in spec["added_tokens"]}
        kept = {token: i for token, i in vocab.items() if token in keep}
        spec["model"]["vocab"] = kept
        out = DATA / f"wordpiece_{name}.json"
        out.write_text(json.dumps({"source": f"{directory.name} tokenizer.json, cut down",
                                   "max_length": max_length, "tokenizer": spec,
                                   "cases": cases}, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{out.name}: {len(cases)} cases, {len(kept)} of {len(vocab)} vocabulary entries, "
              f"{out.stat().st_size} bytes")


if __name__ == "__main__":
    main()

"""Compare latent's WordPiece tokenizer with Hugging Face ``tokenizers`` and transformers.

Runs ONLY in the scratch venv that has ``tokenizers``/``transformers`` installed (never a latent
dependency):

    PYTHONPATH=src /tmp/st-venv/bin/python scripts/check_wordpiece_parity.py MODEL_DIR [N] [SEED]

Generates N varied texts (ASCII, accents, CJK, emoji, Arabic, control characters, long words,
whitespace oddities, special tokens written in the text) and checks that the ids are identical
to ``tokenizers`` (truncated at the model's ``max_seq_length``, no padding) and to the
transformers tokenizer sentence-transformers uses. Prints the count and the first mismatches.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from tokenizers import Tokenizer
from transformers import AutoTokenizer

from latentcli.networks.encoder.wordpiece import WordPieceTokenizer

POOLS = [
    "the quick brown fox jumps over lazy dog unbelievable tokenization embedding ",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~¡¿«»—\u2013…\u2018\u2019“”•§¶†",
    "éèêëàâäçñüöÅÆØœßİıẞﬁﬂǅΣσςΩ\u0301\u0308\u0327Ǆ",
    "漢字中文日本語の文章한국어텍스트ひらがなカタカナ𠀀𪜀豈",
    "😀👍🏽👨‍👩‍👧🥲🫠🇫🇷✨❤️\ufe0f🤖",
    "مرحبا بالعالم العربية שלום עולם",
    "Привет мир Ελληνικά नमस्ते दुनिया สวัสดีครับ ქართული",
    "\x00\x01\x07\x1b\x7f\x85\u200b\u200d\ufeff\ufffd\u00ad\x1c\x1f",
    " \t\n\r\xa0\u3000\u2028\u2029\u2003\u202f\u1680\x0b\x0c",
]
SPECIALS = ["[CLS]", "[SEP]", "[MASK]", "[UNK]", "[PAD]", "<s>", "</s>", "<mask>", "<unk>",
            "<UNK>", "<pad>", " <mask> ", "[mask]"]


def random_text(rng: random.Random, words: list[str]) -> str:
    """One text mixing vocabulary words, characters from the pools and odd code points."""
    parts: list[str] = []
    for _ in range(rng.randint(0, 30)):
        roll = rng.random()
        if roll < 0.35:
            parts.append(rng.choice(words))
        elif roll < 0.75:
            pool = rng.choice(POOLS)
            parts.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 8))))
        elif roll < 0.82:
            parts.append(rng.choice(SPECIALS))
        elif roll < 0.87:
            parts.append(rng.choice(words) * rng.randint(10, 60))  # words over 100 characters
        elif roll < 0.95:
            code = rng.randint(0x20, 0x2FFFF)  # any code point but a surrogate, even unassigned
            parts.append(chr(code if not 0xD800 <= code <= 0xDFFF else 0xE000))
        else:
            parts.append(rng.choice(["", " ", "  ", "\n\n"]))
    return (rng.choice(["", " ", "\t"]) + rng.choice(["", " ", "-"]).join(parts)
            + rng.choice(["", " ", "\n", "!!!"]))


def main() -> None:
    directory = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    max_length = json.loads((directory / "sentence_bert_config.json").read_text())["max_seq_length"]
    ours = WordPieceTokenizer.from_file(directory / "tokenizer.json", max_length)
    reference = Tokenizer.from_file(str(directory / "tokenizer.json"))
    reference.no_padding()
    reference.enable_truncation(max_length)
    auto = AutoTokenizer.from_pretrained(str(directory))
    words = [w for w in ours.vocab if w.isalpha()]
    texts = [random_text(rng, words) for _ in range(count)]
    texts += ["", " ", "!!!", "a" * 300, "word " * 400, "x" * 101, "x" * 100]
    expected = [e.ids for e in reference.encode_batch(texts, add_special_tokens=True)]
    via_transformers = auto(texts, truncation=True, max_length=max_length)["input_ids"]
    bad = 0
    for text, want, want_hf in zip(texts, expected, via_transformers, strict=True):
        got = ours.encode(text).ids
        if got != want or got != want_hf:
            bad += 1
            if bad <= 5:
                print("MISMATCH", repr(text)[:300], "\n ours", got[:40], "\n tokenizers",
                      want[:40], "\n transformers", want_hf[:40])
    print(f"{directory.name}: {len(texts) - bad}/{len(texts)} texts give identical ids")


if __name__ == "__main__":
    main()

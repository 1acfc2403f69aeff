"""Write tests/data/decoder/bpe_expectations.json: what ``tokenizers`` makes of thousands of texts
under each byte-level BPE pre-tokenizer latent knows (run once, committed; the tests need no
``tokenizers`` and no network).

Runs ONLY in the scratch venv with ``tokenizers`` installed (never a latent dependency):

    PYTHONPATH=src:tests /work/scratch/refvenv/bin/python scripts/make_bpe_expectations.py \
        [SMOLLM2_MODEL_JSON]

For every text and each pre-tokenizer (``gpt2``; ``smollm``, digits split off one by one;
``llama-bpe``, Llama 3's regex; see scripts/bpe_reference.py) it records the pieces the text is cut
into, which depend on no vocabulary (as their lengths in characters), and the ids with the tiny
fixture vocabulary of tests/decoder_files.py (control tokens written in the text included).

With SmolLM2-135M's real vocabulary (latent's conversion of its GGUF, SMOLLM2_MODEL_JSON, by
default the network tests' cache) it records the ids under its own ``smollm`` and, to run
Llama 3's ``ignore_merges`` on a real vocabulary, under ``llama-bpe``; and the vocabulary cut
down to what these texts can reach: every token that is a substring of a piece's byte-level
spelling, the merges that make them and the control tokens. Merging a piece only ever looks at
such tokens, in the merges' order, so the cut vocabulary gives the full one's ids on these texts.
"""

from __future__ import annotations

import json
import random
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import tokenizers
from bpe_reference import CONTROL, KINDS, USER_DEFINED, pieces, tokenizer

from decoder_files import CONTROL as TINY_CONTROL
from decoder_files import vocabulary
from latentcli.networks import unicode_tables
from latentcli.networks.decoder.tokenizer import byte_alphabet

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests/data/decoder/bpe_expectations.json"
SMOLLM2 = Path.home() / ".cache/latent-test-language/language/smollm2-135m/model.json"
GENERATED = 2000
# Ids take far more room than pieces (a rare character is three or four byte tokens): they are
# kept for the first texts only (the handpicked ones, then generated ones), pieces for all.
IDS_KEPT = {("tiny", "gpt2"): 200, ("tiny", "smollm"): 200, ("tiny", "llama-bpe"): 200,
            ("tiny-whole", "gpt2"): 200, ("tiny-whole", "llama-bpe"): 200,
            ("smollm2", "smollm"): 600, ("smollm2", "llama-bpe"): 300}
# Whole tokens no merge of the tiny vocabulary makes: Llama 3's ignore_merges takes a piece equal
# to one as it is (neither the tiny nor SmolLM2's vocabulary has such a token).
WHOLE = ["Hello", " world", " café", "123", "'LL", "日本", "\n\n"]

# Each case names what it is there for; the Llama 3 ones are also checked one by one in the tests.
HANDPICKED = [
    "", " ", "  ", "a", "Hello world", "Hello, world!", "  leading and trailing  ",
    # contractions: GPT-2 takes lower case only, Llama 3 any case (and what case folding gives)
    "don't won't I'll we've they're she'd I'm it's", "DON'T WON'T I'LL WE'VE THEY'RE SHE'D I'M",
    "It'S the cat'S toy'LL be 'Re 'vE", "'s 't 're 've 'm 'll 'd", "'S 'T 'RE 'VE 'M 'LL 'D",
    "'\u017f '\u017ft Kelvin'\u212a 'İ", "I'M HERE", "they'LL go", "'s'S", "DON'T",
    "rock'n'roll O'Neil o'clock '90s", "'''", "' s", "''s",
    # [^\r\n\p{L}\p{N}]?\p{L}+: one sign or space joins the letters after it, a newline does not
    "$hello #tag @user _under -dash .dot", "!!!wow ??what", "a\nb c\rd", "\u3000日本 \xa0x",
    "$hello #tag", "!!!\n\nwow", "  \n  x",
    # \p{N}{1,3}: digits in threes (Llama 3), single digits (SmolLM), runs (GPT-2)
    "1 12 123 1234 12345 123456 1234567", "3.14159 2,718 1,000,000 -42 +7", "2024-12-05T10:30",
    "1234567", "x1234y", "12ab34 ab12", "٣٤٥٦٧", " 123", "0x1F 1e10 1_000",
    "٣٤٥٦٧ १२३४५ \uff10\uff11\uff12\uff13 ²³ ½ Ⅻ ①②③",
    # whitespace: runs, newlines, \s(?!\S), and what Python's \s takes but White_Space does not
    "a  b   c    d", "tab\tand\t\ttabs", "new\nline\n\nlines\r\nwindows\r\n\r\nend\n",
    "trailing spaces   \n  indented\n\tcode", "\n\n\n", "   \n", " \r\n ", "\x0b\x0c\x85 x",
    "\u2028line\u2029para\u1680ogham\u2003em\u202f\u205f", "\x1c\x1d\x1e\x1f unit separators",
    "\u180e\u200b\ufeff zero width",
    # control characters and odd code points
    "nul\x00bell\x07esc\x1b del\x7f c1\x80\x9f", "soft\xadhyphen zw\u200dj", "\ufffd\ufffe\uffff",
    "\ue000 private \U000f0000 \U0010ffff", "\u0378 unassigned \U0002fffe",
    # scripts
    "Привет, как дела?", "Ελληνικά κείμενα", "مرحبا، كيف حالك؟", "שלום עולם", "नमस्ते दुनिया",
    "สวัสดีครับ", "ქართული ენა", "서울은 한국의 수도입니다.", "東京は日本の首都です。", "我喜欢学习。",
    "𠀀𪜀 CJK extensions", "ሰላም ዓለም", "Ꮳꮃꭹ Cherokee",
    # combining marks
    "e\u0301 a\u0308\u0323 n\u0303", "Z\u0334\u0321\u031ba\u0337l\u0338g\u0336o\u0335",
    "naïve café résumé Ångström", "क्षि ह्रस्व", "\u0301 starts with a mark",
    # emoji: skin tones, ZWJ sequences, flags, variation selectors
    "I feel 🙂 because 😀😀 🎉 👍🏽", "👨‍👩‍👧 family 🏳️‍🌈 ❤️ ✨", "🇫🇷🇯🇵 flags", "🫠🥲🤖",
    # symbols and code
    "x**2 + y_1 == z;  // comment", "def f(x):\n    return x ** 2\n", "if (a && b) { c++; }",
    '<div class="x">&amp;</div>', "https://example.com/a?b=1&c=%20 a.b@c.org", "€£¥₹ →⇒∀∃∑√∞",
    "«quoted» „low“ \u2018single\u2019 — \u2013 … ¿¡", "┌─┐│└┘ ♥♠", "~~~ ``` ||| \\\\ //",
    # letters and numbers newer than Python 3.11's unicodedata
    "\u1c89\u1c8a \ua7cb\ua7cc Todhri \U000105c0\U000105c1 Garay \U00010d4a\U00010d40\U00010d41",
    "Kawi \U00011f04\U00011f05 CJK-H \U00031350\U00031351 Kirat \U00016d43\U00016d44",
    "Tolong Siki digits \U00011de0\U00011de1 \U00016ff4",
    # control tokens of the tiny vocabulary, written in the text
    "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", "a<|endoftext|>b<|endoftext|>",
    "<|im_start|> <|im_end|>", "<|im_start<|im_end|>|>",
]
POOLS = [
    "the quick brown fox jumps over lazy dog cat sat mat Paris France capital ",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "0123456789", "٠١٢٣٤٥٦٧٨٩०१२३४५६७८९²³¹½¼Ⅻ①" + "".join(map(chr, range(0xFF10, 0xFF1A))),
    "'sStTreREvVEmMlLdD'''", "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~¡¿«»—\u2013…\u2018\u2019“”•§¶†€£¥",
    "éèêëàâäçñüöÅÆØœßİıẞﬁﬂǅΣσςΩ\u017f\u0301\u0308\u0327\u0323\u0336",
    "漢字中文日本語の文章한국어텍스트ひらがなカタカナ𠀀𪜀豈",
    "😀👍🏽👨‍👩‍👧🥲🫠🇫🇷✨❤️\ufe0f🤖\u200d",
    "مرحبا بالعالم العربية שלום עולם Привет мир Ελληνικά नमस्ते दुनिया สวัสดีครับ ქართული",
    " \t\n\r\xa0\u3000\u2028\u2029\u2003\u202f\u1680\x0b\x0c\x85",
    "\x00\x01\x07\x1b\x7f\x9f\x1c\x1d\x1e\x1f\u180e\u200b\ufeff\ufffd\u00ad\ue000",
    "\r\n\r\n\n\n ",
]
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


def newer_unicode() -> list[str]:
    """Characters that are letters or numbers to ``tokenizers`` but not to this Python's
    unicodedata (so a tokenizer reading unicodedata would split them differently)."""
    found = []
    for name in ("LETTERS", "NUMBERS", "NUMERIC"):
        for first, last in unicode_tables.ranges(getattr(unicode_tables, name)):
            found += [chr(p) for p in range(first, last + 1)
                      if unicodedata.category(chr(p))[0] not in "LN"]
    return sorted(set(found))


def random_text(rng: random.Random, words: list[str], newer: list[str]) -> str:
    """One text mixing words, runs from the pools, control tokens and odd code points."""
    parts: list[str] = []
    for _ in range(rng.randint(1, 12)):
        roll = rng.random()
        if roll < 0.3:
            parts.append(rng.choice(words))
        elif roll < 0.75:
            pool = rng.choice(POOLS)
            parts.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 8))))
        elif roll < 0.77:
            parts.append(rng.choice(SPECIALS))
        elif roll < 0.85:
            parts.append("".join(rng.choice(newer) for _ in range(rng.randint(1, 4))))
        elif roll < 0.9:
            code = rng.randint(0x20, 0x10FFFF)  # any code point but a surrogate
            parts.append(chr(code if not 0xD800 <= code <= 0xDFFF else 0xE000))
        elif roll < 0.95:
            parts.append(rng.choice("a1 \n!'") * rng.randint(2, 40))  # long runs
        else:
            parts.append(rng.choice(["", " ", "  ", "\n", "\r\n", "\t"]))
    return rng.choice(["", " ", "\n"]).join(parts)


def plain(text: str) -> bool:
    return not any(special in text for special in SPECIALS)


def segments(texts: list[str]) -> list[str]:
    """The texts' parts between control tokens: what is pre-tokenized."""
    between = re.compile("|".join(map(re.escape, SPECIALS)))
    return [part for text in texts for part in between.split(text) if part]


def lengths(pre: str, text: str) -> list[int]:
    split = pieces(pre, text)
    assert "".join(split) == text, (pre, text)  # the pieces cover the text, in order
    return [len(piece) for piece in split]


def cut(data: dict[str, Any], texts: list[str]) -> dict[str, Any]:
    """``data``'s vocabulary cut down to what merging these texts' pieces can look at."""
    alphabet = byte_alphabet()
    spelled = {"".join(alphabet[b] for b in piece.encode()) for pre in KINDS
               for part in segments(texts) for piece in pieces(pre, part)}
    reachable = {s[i:j] for s in spelled for i in range(len(s)) for j in range(i + 1, len(s) + 1)}
    kept = {i: token for i, (token, kind) in enumerate(zip(data["tokens"], data["types"],
                                                          strict=True))
            if token in reachable or kind in (CONTROL, USER_DEFINED)}
    return {"size": len(data["tokens"]), "tokens": kept,
            "types": {i: data["types"][i] for i in kept if data["types"][i] != 1},
            "merges": [m for m in data["merges"] if m.replace(" ", "", 1) in reachable],
            "pre": data["pre"]}


def ids(reference: Any, texts: list[str]) -> list[list[int]]:
    return [encoding.ids for encoding in reference.encode_batch(texts)]


def main(smollm2: Path) -> None:
    rng = random.Random(2026)
    tokens, merges = vocabulary()
    tiny = {"tokens": tokens, "types": [3 if t in TINY_CONTROL else 1 for t in tokens],
            "merges": merges}
    words = [*POOLS[0].split(), "don't", "I'LL", "It'S", "café", "東京", "Привет", "1234567"]
    newer = newer_unicode()
    texts = HANDPICKED + [random_text(rng, words, newer) for _ in range(GENERATED)]
    alphabet = byte_alphabet()
    whole = ["".join(alphabet[b] for b in text.encode()) for text in WHOLE]
    real = json.loads(smollm2.read_text("utf-8"))["tokenizer"]
    vocabularies = {"tiny": tiny, "smollm2": real,
                    "tiny-whole": {**tiny, "tokens": [*tokens, *whole],
                                   "types": [*tiny["types"], *[1] * len(whole)]}}
    out: dict[str, Any] = {
        "tokenizers": tokenizers.__version__, "texts": texts, "whole_tokens": WHOLE,
        "pieces": {pre: [lengths(pre, text) if plain(text) else None for text in texts]
                   for pre in KINDS},
        "smollm2_vocabulary": cut(real, texts[:max(IDS_KEPT.values())]),
        "ids": {f"{name} {pre}": ids(tokenizer({**vocabularies[name], "pre": pre}),
                                     texts[:count])
                for (name, pre), count in IDS_KEPT.items()},
    }
    for name, data in vocabularies.items():
        merged = ids(tokenizer({**data, "pre": "llama-bpe"}, ignore_merges=False), texts)
        whole = ids(tokenizer({**data, "pre": "llama-bpe"}), texts)
        changed = sum(a != b for a, b in zip(merged, whole, strict=True))
        print(f"{name}: llama-bpe's ignore_merges changes the ids of {changed} of {len(texts)} "
              "texts")
    OUT.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    kept = out["smollm2_vocabulary"]
    print(f"wrote {OUT.relative_to(ROOT)}: {len(texts)} texts ({sum(map(plain, texts))} without "
          f"control tokens, {len(newer)} newer characters to draw from); SmolLM2 cut to "
          f"{len(kept['tokens'])} of {kept['size']} tokens, {len(kept['merges'])} merges; "
          f"{OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SMOLLM2)

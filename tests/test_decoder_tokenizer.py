"""The byte-level BPE tokenizer against Hugging Face ``tokenizers``, offline and without it.

tests/data/decoder/bpe_expectations.json holds what ``tokenizers`` makes of some two thousand texts
(scripts/make_bpe_expectations.py): the pieces each pre-tokenizer cuts them into, and the ids
with the tiny fixture vocabulary, with that vocabulary plus whole tokens no merge makes (which
Llama 3's ``ignore_merges`` takes as they are), and with SmolLM2-135M's real vocabulary cut down to
the tokens these texts can reach.
"""

from __future__ import annotations

import ast
import inspect
import json
from functools import cache
from itertools import pairwise
from typing import Any

import pytest

from decoder_files import CONTROL, DATA, vocabulary
from latentcli.networks import unicode_tables
from latentcli.networks.decoder import tokenizer as bpe
from latentcli.networks.decoder.tokenizer import PRE_TOKENIZERS, Stream, Tokenizer, byte_alphabet


@cache
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "bpe_expectations.json").read_text("utf-8"))
    return data


def spelled(text: str) -> str:
    """``text``'s UTF-8 bytes in GPT-2's byte alphabet, as a vocabulary holds them."""
    return "".join(byte_alphabet()[b] for b in text.encode("utf-8"))


def bytes_only(pre: str, extra: tuple[str, ...] = ()) -> Tokenizer:
    """A vocabulary of the 256 byte symbols (and ``extra`` tokens), without merges."""
    tokens = [*byte_alphabet().values(), *extra]
    return Tokenizer({"tokens": tokens, "types": [1] * len(tokens), "merges": [], "pre": pre})


def vocabulary_data(name: str) -> dict[str, Any]:
    """The tokens, types and merges of one vocabulary the expectations were made with."""
    if name in ("tiny", "tiny-whole"):
        tokens, merges = vocabulary()
        if name == "tiny-whole":
            tokens = [*tokens, *map(spelled, expected()["whole_tokens"])]
        return {"tokens": tokens, "types": [3 if t in CONTROL else 1 for t in tokens],
                "merges": merges}
    cut = expected()["smollm2_vocabulary"]
    # Ids not kept get a placeholder no text can reach: a byte-level piece never holds a space.
    tokens = [f"<not kept {i}>" for i in range(cut["size"])]
    types = [1] * cut["size"]
    for i, token in cut["tokens"].items():
        tokens[int(i)] = token
    for i, kind in cut["types"].items():
        types[int(i)] = kind
    return {"tokens": tokens, "types": types, "merges": cut["merges"]}


def pieces_of(text: str, lengths: list[int]) -> list[str]:
    found, start = [], 0
    for length in lengths:
        found.append(text[start:start + length])
        start += length
    return found


@pytest.mark.parametrize("pre, reference", [
    ("gpt2", "gpt2"), ("default", "gpt2"), ("smollm", "smollm"), ("llama-bpe", "llama-bpe"),
    ("llama3", "llama-bpe")])
def test_pieces_match_tokenizers(pre: str, reference: str) -> None:
    """Every text cut where ``tokenizers`` cuts it: the character classes and the patterns."""
    tokenizer = bytes_only(pre)
    checked = 0
    for text, lengths in zip(expected()["texts"], expected()["pieces"][reference], strict=True):
        if lengths is not None:  # a text holding control tokens: its ids are checked below
            assert tokenizer.pre_tokenize(text) == pieces_of(text, lengths), text
            checked += 1
    assert checked > 1800


@pytest.mark.parametrize("case", ["tiny gpt2", "tiny smollm", "tiny llama-bpe", "tiny-whole gpt2",
                                  "tiny-whole llama-bpe", "smollm2 smollm", "smollm2 llama-bpe"])
def test_ids_match_tokenizers(case: str) -> None:
    """The whole encoding: control tokens in the text, pieces, merges, byte symbols, and bytes
    the vocabulary has no symbol for (dropped)."""
    name, pre = case.split()
    tokenizer = Tokenizer({**vocabulary_data(name), "pre": pre})
    cases = expected()["ids"][case]
    for text, ids in zip(expected()["texts"], cases, strict=False):
        assert tokenizer.encode(text) == ids, text
        if not dropped_bytes(tokenizer) & set(text.encode()):
            assert tokenizer.decode(ids) == text
    assert len(cases) >= 200


def dropped_bytes(tokenizer: Tokenizer) -> set[int]:
    return {b for b, symbol in byte_alphabet().items() if symbol not in tokenizer.ids}


def test_the_expectations_cover_what_they_are_for() -> None:
    """The texts hold characters this Python's unicodedata misclassifies, control tokens, and
    pieces Llama 3's ignore_merges takes whole; and the pieces split as each pattern says."""
    texts = expected()["texts"]
    newer = {chr(0x1C89), chr(0x105C0), chr(0x10D40), chr(0x11DE0)}  # Unicode 16 and 17
    assert all(any(c in text for text in texts) for c in newer)
    assert sum(any(t in text for t in CONTROL) for text in texts) > 100
    smollm2 = Tokenizer({**vocabulary_data("smollm2"), "pre": "smollm"})
    dropped = dropped_bytes(smollm2)
    assert {0x04, 0x1D} <= dropped
    assert sum(bool(dropped & set(text.encode())) for text in texts[:600]) > 10
    whole = Tokenizer({**vocabulary_data("tiny-whole"), "pre": "llama-bpe"})
    merged = Tokenizer({**vocabulary_data("tiny-whole"), "pre": "gpt2"})
    taken = [spelled(w) for w in expected()["whole_tokens"]]
    assert [whole.encode(w) for w in ("Hello", " world")] == [[whole.ids[t]] for t in taken[:2]]
    assert all(len(merged.encode(w)) > 1 for w in ("Hello", " world"))


@pytest.mark.parametrize("text, gpt2, smollm, llama3", [
    ("I'M HERE", ["I", "'", "M", " HERE"], ["I", "'", "M", " HERE"], ["I", "'M", " HERE"]),
    ("DON'T", ["DON", "'", "T"], ["DON", "'", "T"], ["DON", "'T"]),
    ("'s'S", ["'s", "'", "S"], ["'s", "'", "S"], ["'s", "'S"]),
    ("$hello #tag", ["$", "hello", " #", "tag"], ["$", "hello", " #", "tag"],
     ["$hello", " #", "tag"]),
    ("!!!\n\nwow", ["!!!", "\n", "\n", "wow"], ["!!!", "\n", "\n", "wow"], ["!!!\n\n", "wow"]),
    ("  \n  x", ["  \n ", " x"], ["  \n ", " x"], ["  \n", " ", " x"]),
    ("1234567", ["1234567"], list("1234567"), ["123", "456", "7"]),
    ("x1234y", ["x", "1234", "y"], ["x", "1", "2", "3", "4", "y"], ["x", "123", "4", "y"]),
    ("٣٤٥٦٧", ["٣٤٥٦٧"], list("٣٤٥٦٧"), ["٣٤٥", "٦٧"]),
    (" 123", [" 123"], [" ", "1", "2", "3"], [" ", "123"]),
])
def test_the_three_patterns_on_what_tells_them_apart(text: str, gpt2: list[str],
                                                     smollm: list[str],
                                                     llama3: list[str]) -> None:
    """Llama 3's contractions in any case, one sign joining the letters after it, newlines
    ending a run of signs, numbers in threes; SmolLM's single digits. Each case is also in the
    expectations, so ``tokenizers`` agrees with what is written here."""
    at = expected()["texts"].index(text)
    for pre, pieces in (("gpt2", gpt2), ("smollm", smollm), ("llama-bpe", llama3)):
        assert pieces_of(text, expected()["pieces"][pre][at]) == pieces
        assert bytes_only(pre).pre_tokenize(text) == pieces


def test_white_space_is_one_table_for_both_tokenizers() -> None:
    """Python's ``\\s`` takes U+001C-U+001F and its unicodedata follows its own Unicode; both
    tokenizers read White_Space, letters and digits from `unicode_tables` alone."""
    from latentcli.networks.encoder import wordpiece

    white = {chr(p) for a, b in unicode_tables.ranges(unicode_tables.WHITE_SPACE)
             for p in range(a, b + 1)}
    assert {" ", "\t", "\n", "\u3000", "\xa0", "\x85"} <= white
    assert white == wordpiece.WHITE_SPACE
    gpt2 = bytes_only("gpt2")
    for space in white:  # ends a run of signs in BPE, is dropped between words in WordPiece
        assert gpt2.pre_tokenize(f"!{space}") == ["!", space]
        assert wordpiece._pre_tokenize(f"a{space}b", 0, 3) == [(0, 1), (2, 3)]
    for sign in ("\x1c", "\x1f", "\u180e", "\u200b"):  # is a sign, or part of a word: kept
        assert gpt2.pre_tokenize(f"!{sign}") == [f"!{sign}"]
        assert any(a <= 1 < b for a, b in wordpiece._pre_tokenize(f"a{sign}b", 0, 3))
    for module in (bpe, unicode_tables):
        nodes = list(ast.walk(ast.parse(inspect.getsource(module))))
        imported = {alias.name for node in nodes if isinstance(node, ast.Import | ast.ImportFrom)
                    for alias in node.names}
        assert "unicodedata" not in imported


def test_pre_tokenizer_names() -> None:
    assert PRE_TOKENIZERS["default"] == PRE_TOKENIZERS["gpt2"]
    assert PRE_TOKENIZERS["llama3"] == PRE_TOKENIZERS["llama-bpe"]
    assert [name for name, p in PRE_TOKENIZERS.items() if p.ignore_merges] == ["llama-bpe",
                                                                                "llama3"]


def test_the_tables_read_back() -> None:
    assert unicode_tables.ranges("41-5A 61 10FFFF") == [(0x41, 0x5A), (0x61, 0x61),
                                                          (0x10FFFF, 0x10FFFF)]
    assert unicode_tables.mapping("\u00c0\u00e0 \u0130i\u0307 ") == {"À": "à", "İ": "i\u0307"}
    for name in ("WHITE_SPACE", "LETTERS", "NUMBERS", "NUMERIC", "CONTROL", "CJK", "NONSPACING",
                 "PUNCTUATION"):
        spans = unicode_tables.ranges(getattr(unicode_tables, name))
        assert all(first <= last for first, last in spans), name
        assert all(a[1] + 1 < b[0] for a, b in pairwise(spans)), name  # sorted, apart
    for name in ("LOWERCASE", "STRIPPED"):
        table = unicode_tables.mapping(getattr(unicode_tables, name))
        assert all(key != value and value for key, value in table.items()), name


# Tokens (bytes in hex) straddling characters: "é" is C3 A9, "日" E6 97 A5, "🙂" F0 9F 99 82.
STRADDLING = ["A9 E6", "97 A5", "F0 9F", "99 82"]


def split_vocabulary() -> tuple[Tokenizer, dict[str, int]]:
    """The byte symbols and the straddling tokens; each token's id by its bytes in hex."""
    def spell(name: str) -> str:
        return "".join(byte_alphabet()[b] for b in bytes.fromhex(name))

    tokenizer = bytes_only("gpt2", tuple(map(spell, STRADDLING)))
    names = [*STRADDLING, *(f"{b:02X}" for b in range(256))]
    return tokenizer, {name: tokenizer.ids[spell(name)] for name in names}


@pytest.mark.parametrize("names, written, tail", [
    (["E6", "97", "A5"], ["", "", "日"], ""),               # one character in three tokens
    (["C3", "A9 E6", "97 A5"], ["", "é", "日"], ""),        # tokens straddling two characters
    (["F0 9F", "99 82"], ["", "🙂"], ""),                   # four bytes in two tokens
    (["C3", "A9 E6", "97"], ["", "é", ""], "\ufffd"),      # the text ends inside a character
    (["F0 9F", "99 82", "C3"], ["", "🙂", ""], "\ufffd"),
])
def test_a_streamed_character_is_written_once_whole(names: list[str], written: list[str],
                                                    tail: str) -> None:
    """Each character is written when its last byte arrives, never a part of it; bytes left at
    the end are one U+FFFD, as decoding the whole sequence gives."""
    tokenizer, ids = split_vocabulary()
    stream = Stream(tokenizer)
    assert [stream.add(ids[name]) for name in names] == written
    assert stream.finish() == tail
    assert "".join(written) + tail == tokenizer.decode([ids[name] for name in names])

"""The SentencePiece tokenizer's rules one by one, the shared BPE merge step, and how a GGUF's and
a tokenizer.json's settings are read (tests/test_decoder_family_tokenizers.py checks the whole
against transformers on real vocabularies)."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from latentcli.errors import ModelError
from latentcli.networks.decoder import bpe, convert, hf_tokenizer
from latentcli.networks.decoder.sentencepiece import BYTE, UNKNOWN, SentencePiece
from latentcli.networks.decoder.tokenizer import CONTROL, USER_DEFINED, Stream

NORMAL = 1
BYTES = [f"<0x{b:02X}>" for b in range(256)]


def naive_merge(parts: list[str], ranks: dict[tuple[str, str], int]) -> list[str]:
    """The merge loop as written before the heap: scan every pair, merge the best, leftmost."""
    parts = list(parts)
    while True:
        ranked = [(ranks[pair], i) for i, pair in enumerate(pairwise(parts)) if pair in ranks]
        if not ranked:
            return parts
        _, i = min(ranked)
        parts[i : i + 2] = [parts[i] + parts[i + 1]]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from("abc"), max_size=40),
       st.dictionaries(st.tuples(st.sampled_from(["a", "b", "c", "ab", "bc", "ca", "aa", "abc"]),
                                 st.sampled_from(["a", "b", "c", "ab", "bc", "cc", "aa"])),
                       st.integers(0, 5), max_size=20))
def test_the_heap_merges_as_the_scan_does(parts: list[str],
                                         ranks: dict[tuple[str, str], int]) -> None:
    """Equal ranks (ties), pairs a merge breaks and pairs it makes: the same result."""
    assert bpe.merge(parts, lambda a, b: ranks.get((a, b))) == naive_merge(parts, ranks)


def test_a_long_word_costs_a_few_rank_lookups_per_symbol() -> None:
    """Each merge looks up the two pairs it makes, so 50,000 symbols take ~3 lookups each, not
    one per pair per merge."""
    calls = 0

    def rank(a: str, b: str) -> int | None:
        nonlocal calls
        calls += 1
        return len(a + b) if len(a + b) <= 8 else None

    merged = bpe.merge(["a"] * 50_000, rank)
    assert merged == ["a" * 8] * 6250
    assert calls < 3 * 50_000


def vocabulary(normal: list[str], special: tuple[tuple[str, int], ...] = (
        ("<unk>", UNKNOWN), ("<s>", CONTROL), ("</s>", CONTROL))) -> dict[str, Any]:
    """Special tokens, the 256 byte tokens, then ``normal``: a SentencePiece vocabulary."""
    tokens = [t for t, _ in special] + BYTES + normal
    types = [kind for _, kind in special] + [BYTE] * 256 + [NORMAL] * len(normal)
    return {"model": "llama", "tokens": tokens, "types": types, "bos": 1, "eos": 2,
            "add_bos": True}


LLAMA = vocabulary(["▁", "h", "i", "▁h", "▁hi", "hi", "é", "▁▁"])


def spelled(tokenizer: SentencePiece, ids: list[int]) -> list[str]:
    return [tokenizer.tokens[i] for i in ids]


def test_a_space_prefix_starts_every_stretch_between_special_tokens() -> None:
    tokenizer = SentencePiece(LLAMA)
    assert spelled(tokenizer, tokenizer.encode("hi</s>hi")) == ["<s>", "▁hi", "</s>", "▁hi"]
    assert spelled(tokenizer, tokenizer.encode("<unk>hi")) == ["<s>", "<unk>", "▁hi"]
    assert spelled(tokenizer, tokenizer.encode(" hi")) == ["<s>", "▁", "▁hi"]
    assert tokenizer.encode("") == [1]
    plain = SentencePiece({**LLAMA, "add_space_prefix": False, "add_bos": False})
    assert spelled(plain, plain.encode("hi</s> hi")) == ["hi", "</s>", "▁hi"]


def test_a_character_without_a_token_is_its_utf8_bytes() -> None:
    tokenizer = SentencePiece({**LLAMA, "add_space_prefix": False, "add_bos": False})
    ids = tokenizer.encode("hé🙂")
    assert spelled(tokenizer, ids) == ["h", "é", "<0xF0>", "<0x9F>", "<0x99>", "<0x82>"]
    assert tokenizer.decode(ids) == "hé🙂"
    stream = Stream(tokenizer)
    assert [stream.add(i) for i in ids] == ["h", "é", "", "", "", "🙂"]


@pytest.mark.parametrize("order, expected", [
    ({}, ["▁", "▁hi"]),  # neither merges nor scores: the merged token's id, lowest first
    ({"merges": [["h", "i"], ["▁", "hi"], ["▁", "h"]]}, ["▁", "▁hi"]),
    ({"merges": [["▁", "▁"], ["h", "i"]]}, ["▁▁", "hi"]),
])
def test_which_pair_merges_first(order: dict[str, Any], expected: list[str]) -> None:
    tokenizer = SentencePiece({**LLAMA, **order, "add_bos": False})
    assert spelled(tokenizer, tokenizer.encode(" hi")) == expected


def test_scores_rank_the_merged_token_and_ties_go_to_the_longer_left_piece() -> None:
    """``▁▁▁`` can be ``▁▁`` + ``▁`` or ``▁`` + ``▁▁``: the longer left piece first, as
    transformers' rebuilt merges have it; a higher score merges first."""
    data = vocabulary(["▁", "▁▁", "▁▁▁", "a", "▁a"])
    scores = [0.0] * (259 + 5)
    scores[-4:] = [-3.0, -1.0, -2.0, -9.0]  # ▁▁, ▁▁▁, a, ▁a: both runs merge before ▁a
    tokenizer = SentencePiece({**data, "scores": scores, "add_bos": False,
                               "add_space_prefix": False})
    assert spelled(tokenizer, tokenizer.encode("   a")) == ["▁▁▁", "a"]
    assert bpe.merge(["▁", "▁▁", "▁"], tokenizer._rank) == ["▁", "▁▁▁"]  # (▁▁, ▁) first


def test_the_space_a_prefix_added_is_left_out_after_a_special_token_only() -> None:
    """A text's ids decode to the text; a continuation's first ``▁`` is the space between it and
    the prompt, so it stays (as its stream writes it)."""
    tokenizer = SentencePiece(LLAMA)
    assert tokenizer.decode(tokenizer.encode("hi</s>hi hi")) == "<s>hi</s>hi hi"
    continuation = [tokenizer.ids["▁hi"], tokenizer.ids["▁hi"]]
    assert tokenizer.decode(continuation) == " hi hi"
    stream = Stream(tokenizer)
    assert "".join(stream.add(i) for i in [2, *continuation]) == "</s>hi hi"
    assert tokenizer.readable(tokenizer.ids["▁hi"]) == " hi"


def test_a_vocabulary_that_contradicts_itself_is_refused() -> None:
    data = vocabulary(["a"])
    data["tokens"][3] = "<0xZZ>"
    with pytest.raises(ModelError, match="byte token 3 is '<0xZZ>'"):
        SentencePiece(data)
    with pytest.raises(ModelError, match="5 token scores for 260 tokens"):
        SentencePiece({**vocabulary(["a"]), "scores": [0.0] * 5})
    with pytest.raises(ModelError, match="its merge of 'a' and 'a' makes no token"):
        SentencePiece({**vocabulary(["a"]), "merges": [["a", "a"]]})


def write_vocabulary(path: Path, architecture: str, tokens: list[str], types: list[int],
                     model: str = "llama", **keys: Any) -> Path:
    """A GGUF holding only a tokenizer (what `convert.tokenizer_data` reads)."""
    import gguf

    writer = gguf.GGUFWriter(str(path), architecture)
    writer.add_tokenizer_model(model)
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_scores([-float(i) for i in range(len(tokens))])
    writer.add_bos_token_id(1)
    for key, value in keys.items():
        getattr(writer, f"add_{key}")(value)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.close()
    return path


def test_gemma_spaces_are_respelled_and_its_merges_follow_token_order(tmp_path: Path) -> None:
    """A Gemma GGUF stores a token of spaces with real spaces (a user-defined token); read as
    transformers reads Gemma it is ``▁▁``, merged like any other, in token order."""
    special = [("<pad>", CONTROL), ("<bos>", CONTROL), ("<unk>", CONTROL), ("\n", USER_DEFINED),
               ("  ", USER_DEFINED)]
    tokens = [t for t, _ in special] + BYTES + ["▁", "a", "▁a"]
    types = [k for _, k in special] + [BYTE] * 256 + [NORMAL] * 3
    gemma = convert.tokenizer_data(write_vocabulary(tmp_path / "g.gguf", "gemma3", tokens, types,
                                                    add_space_prefix=False))
    assert gemma["tokens"][4] == "▁▁" and "scores" not in gemma
    built = SentencePiece(gemma)
    assert spelled(built, built.encode("  a\n")) == ["<bos>", "▁▁", "a", "\n"]
    llama = convert.tokenizer_data(write_vocabulary(tmp_path / "l.gguf", "llama", tokens, types))
    assert llama["tokens"] == tokens and llama["scores"][:3] == [0.0, -1.0, -2.0]
    assert llama["add_bos"] is True and llama["add_space_prefix"] is True  # llama.cpp's defaults


@pytest.mark.parametrize("model", ["t5", "rwkv", "bert"])
def test_other_tokenizers_are_refused_by_name(tmp_path: Path, model: str) -> None:
    path = write_vocabulary(tmp_path / f"{model}.gguf", "llama", ["a"], [NORMAL], model=model)
    with pytest.raises(ModelError, match=f"^{model}.gguf: its tokenizer is '{model}'; latent "
                                         "reads byte-level BPE"):
        convert.tokenizer_data(path)


def tokenizer_json(tmp_path: Path, **changes: Any) -> Path:
    """A folder with a small SentencePiece-style tokenizer.json (legacy Llama), changed."""
    vocab = {token: i for i, token in enumerate(["<unk>", "<s>", "</s>", *BYTES, "▁", "a", "▁a"])}
    spec: dict[str, Any] = {
        "added_tokens": [{"id": i, "content": t, "special": True, "normalized": False,
                          "lstrip": False, "rstrip": False, "single_word": False}
                         for i, t in enumerate(["<unk>", "<s>", "</s>"])],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "▁"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
        "pre_tokenizer": None,
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                      {"Sequence": {"id": "A", "type_id": 0}}],
                           "special_tokens": {"<s>": {"id": "<s>", "ids": [1],
                                                      "tokens": ["<s>"]}}},
        "model": {"type": "BPE", "byte_fallback": True, "vocab": vocab,
                  "merges": [["▁", "a"]]},
    }
    for key, value in changes.items():
        if key.startswith("model_"):
            spec["model"][key[6:]] = value
        else:
            spec[key] = value
    (tmp_path / "tokenizer.json").write_text(json.dumps(spec), "utf-8")
    return tmp_path


def test_a_legacy_llama_tokenizer_json_reads(tmp_path: Path) -> None:
    data = hf_tokenizer.tokenizer_data(tokenizer_json(tmp_path))
    assert data["model"] == "llama" and data["add_space_prefix"] is True
    assert data["bos"] == 1 and data["add_bos"] is True and data["merges"] == [["▁", "a"]]
    assert data["types"][:4] == [CONTROL, CONTROL, CONTROL, BYTE]
    built = SentencePiece(data)
    assert spelled(built, built.encode("a a")) == ["<s>", "▁a", "▁a"]
    metaspace = {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "never",
                 "split": False}
    never = hf_tokenizer.tokenizer_data(tokenizer_json(tmp_path, normalizer=None,
                                                       pre_tokenizer=metaspace))
    assert never["add_space_prefix"] is False


@pytest.mark.parametrize("changes, problem", [
    ({"model_type": "Unigram"}, "a 'Unigram' tokenizer; latent reads BPE tokenizers only"),
    ({"model_dropout": 0.1}, "its BPE sets dropout"),
    ({"model_byte_fallback": False}, "neither a byte-level BPE nor a SentencePiece-style one"),
    ({"normalizer": {"type": "Lowercase"}}, r"its normalizer and pre-tokenizer \(Lowercase\)"),
    ({"normalizer": None, "pre_tokenizer": {"type": "Metaspace", "replacement": "▁",
                                             "prepend_scheme": "first", "split": False}},
     "puts a space before the first one only"),
    ({"pre_tokenizer": {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": "\\d+"}, "behavior": "Isolated",
         "invert": False}, {"type": "ByteLevel", "use_regex": False}]}},
     "splits on a pattern latent does not know"),
    ({"pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": True}},
     "not one latent knows \\(a ByteLevel step last, adding no space\\)"),
    ({"post_processor": {"type": "TemplateProcessing", "single": [
        {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
        "special_tokens": {}}}, "adds tokens other than one before the text"),
    ({"post_processor": {"type": "RobertaProcessing"}}, "'RobertaProcessing' is not one"),
    ({"added_tokens": [{"id": 1, "content": "<s>", "special": True, "lstrip": True}]},
     "its added token '<s>' sets lstrip"),
    ({"added_tokens": [{"id": 9999, "content": "<x>", "special": True}]},
     "its token ids are not 0 to 262 \\(there is no token 262\\)"),
])
def test_what_a_tokenizer_json_cannot_say_is_refused_naming_it(
        tmp_path: Path, changes: dict[str, Any], problem: str) -> None:
    path = tokenizer_json(tmp_path, **changes)
    with pytest.raises(ModelError) as error:
        hf_tokenizer.tokenizer_data(path)
    message = str(error.value)
    assert message.startswith(f"{path / 'tokenizer.json'}: ") and "\n" not in message
    assert re.search(problem, message), message


def test_a_missing_tokenizer_json_is_named(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=f"^{tmp_path / 'tokenizer.json'}: cannot read it"):
        hf_tokenizer.tokenizer_data(tmp_path)

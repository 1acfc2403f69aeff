"""The WordPiece tokenizer: ids identical to Hugging Face tokenizers on the fixture vocabularies.

The ids in ``ids.json`` were made by the ``tokenizers`` library
(scripts/make_encoder_fixtures.py); the large-scale agreement check on the real vocabularies is
scripts/check_wordpiece_parity.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from encoder_files import DATA, TEXTS, TINY_BERT, TINY_MPNET
from latentcli.errors import ModelError
from latentcli.networks.encoder.wordpiece import WordPieceTokenizer

MAX_LENGTH = 24  # the fixtures' sentence_bert_config max_seq_length


@pytest.mark.parametrize("model", [TINY_BERT, TINY_MPNET], ids=["bert", "mpnet"])
def test_ids_match_tokenizers(model: Path) -> None:
    tokenizer = WordPieceTokenizer.from_file(model / "tokenizer.json", MAX_LENGTH)
    expected = json.loads((model / "ids.json").read_text())
    assert [tokenizer.encode(text).ids for text in TEXTS] == expected


def test_truncates_at_max_length_counting_specials_not_at_the_files_128() -> None:
    tokenizer = WordPieceTokenizer.from_file(TINY_BERT / "tokenizer.json", MAX_LENGTH)
    long = tokenizer.encode("cat " * 300)
    assert len(long.ids) == MAX_LENGTH
    assert long.tokens[0] == "[CLS]" and long.tokens[-1] == "[SEP]"
    short = tokenizer.encode("cat")
    assert short.tokens == ["[CLS]", "cat", "[SEP]"]  # no padding to 128


def test_bert_pipeline_pieces() -> None:
    tokenizer = WordPieceTokenizer.from_file(TINY_BERT / "tokenizer.json", 64)
    encoding = tokenizer.encode(" Cafés,\tTHE cats!")
    assert encoding.tokens == ["[CLS]", "cafe", "##s", ",", "the", "cat", "##s", "!", "[SEP]"]
    assert encoding.offsets == [(0, 0), (1, 5), (5, 6), (6, 7), (8, 11), (12, 15), (15, 16),
                                (16, 17), (0, 0)]
    assert encoding.word_ids == [None, 0, 0, 1, 2, 3, 3, 4, None]
    assert tokenizer.encode("日本x").tokens[1:-1] == ["日", "本", "x"]
    assert tokenizer.encode("x" * 101).tokens[1:-1] == ["[UNK]"]  # max_input_chars_per_word
    assert tokenizer.encode("a\x00b\u200b").tokens[1:-1] == ["a", "##b"]  # control chars dropped
    assert tokenizer.encode("").tokens == ["[CLS]", "[SEP]"]


def test_special_tokens_written_in_the_text() -> None:
    bert = WordPieceTokenizer.from_file(TINY_BERT / "tokenizer.json", 64)
    assert bert.encode("a [MASK] b").tokens[1:-1] == ["a", "[MASK]", "b"]
    mpnet = WordPieceTokenizer.from_file(TINY_MPNET / "tokenizer.json", 64)
    # <mask> strips the space on its left; <unk> matches after lowercasing (normalized: true)
    assert mpnet.encode("a <mask> <UNK>").tokens == ["<s>", "a", "<mask>", "<unk>", "</s>"]


def test_unsupported_tokenizer_names_the_file(tmp_path: Path) -> None:
    spec = json.loads((TINY_BERT / "tokenizer.json").read_text())
    spec["model"]["type"] = "BPE"
    path = tmp_path / "tokenizer.json"
    path.write_text(json.dumps(spec))
    with pytest.raises(ModelError, match=r"tokenizer\.json.*BPE"):
        WordPieceTokenizer.from_file(path, 64)
    path.write_text("{not json")
    with pytest.raises(ModelError, match=str(path)):
        WordPieceTokenizer.from_file(path, 64)


@pytest.mark.parametrize("name", ["minilm", "mpnet"])
def test_real_vocabularies_match_tokenizers(name: str) -> None:
    """60 texts each, ids from tokenizers on all-MiniLM-L6-v2's / all-mpnet-base-v2's own
    tokenizer.json, cut down to the entries these texts can reach
    (scripts/make_wordpiece_expectations.py)."""
    fixture = json.loads((DATA / f"wordpiece_{name}.json").read_text(encoding="utf-8"))
    tokenizer = WordPieceTokenizer(fixture["tokenizer"], fixture["max_length"])
    for text, ids in fixture["cases"]:
        assert tokenizer.encode(text).ids == ids, text
    assert max(len(ids) for _, ids in fixture["cases"]) == fixture["max_length"]


def test_normalisation_is_the_same_on_every_python() -> None:
    """Python 3.11 follows Unicode 14, 3.13 Unicode 15.1, 3.14 Unicode 16; tokenizers has its own
    tables. So normalisation reads only latent's tables (complete, not differences from one
    Python's Unicode): the module consults neither unicodedata nor str's case methods."""
    import ast
    import inspect

    from latentcli.networks.encoder import wordpiece

    tree = ast.parse(inspect.getsource(wordpiece))
    nodes = list(ast.walk(tree))
    imported = {alias.name for node in nodes if isinstance(node, ast.Import | ast.ImportFrom)
                for alias in node.names}
    imported |= {node.module for node in nodes if isinstance(node, ast.ImportFrom)}
    called = {node.func.attr for node in nodes
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    assert "unicodedata" not in imported
    assert not called & {"lower", "upper", "casefold", "isspace", "isalpha", "isalnum", "normalize"}
    normalise = wordpiece._Normalizer(clean_text=True, chinese_chars=True, strip_accents=True,
                                      lowercase=True).char
    assert normalise("É") == "e" and normalise("ǅ") == "ǆ" and normalise("\u0301") == ""
    assert normalise("각") == "\u1100\u1161\u11a8"  # a Hangul syllable: NFD by formula
    assert normalise("\U00016ea0") == "\U00016ebb"  # Unicode 16 (Beria Erfe): newer than 3.11's
    assert normalise("\U00011938") == "\U00011938"  # kept whole by tokenizers, not by 3.11's NFD

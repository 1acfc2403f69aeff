"""Every family's tokenizer, from its GGUF and from its Hugging Face folder, against transformers.

tests/data/decoder/families/<family>/ holds issue 25's tiny models as they were made (an F32 GGUF
written by llama.cpp's converter from the HF folder beside it; see the README there), and
tokenizer-cases.json.xz what transformers makes of 2,000 strings with each
(scripts/make_family_tokenizer_cases.py). The HF folder's tokenizer.json is the reference for
both forms, but where a GGUF cannot say what the folder says: Qwen's NFC normalizer, which only
tokenizer.json states; there the GGUF form follows the GGUF (as transformers and llama.cpp read
it, without NFC) and the folder form the folder.
"""

from __future__ import annotations

import gzip
import json
import lzma
import unicodedata
from functools import cache
from typing import Any

import numpy as np
import pytest

from decoder_files import DATA, TOLERANCE
from latentcli.environment import Environment
from latentcli.networks.decoder import convert, hf_tokenizer
from latentcli.networks.decoder.decoder import Decoder, Sampling, tokenizer
from latentcli.networks.decoder.network import KVCache
from latentcli.networks.decoder.sentencepiece import SPACE, SentencePiece
from latentcli.networks.decoder.tokenizer import Stream, Tokenizer
from latentcli.store.builtins import BY_NAME
from latentcli.store.resolve import resolve
from shared_models import cache_at, kept

FAMILIES = DATA / "families"
NAMES = ("llama-bpe", "llama-sp", "qwen2", "qwen3", "gemma3")
KIND = {"llama-bpe": Tokenizer, "qwen2": Tokenizer, "qwen3": Tokenizer,
        "llama-sp": SentencePiece, "gemma3": SentencePiece}


@cache
def cases() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(lzma.decompress(
        (FAMILIES / "tokenizer-cases.json.xz").read_bytes()))
    return found


@cache
def data(family: str, form: str) -> dict[str, Any]:
    """The tokenizer data of a family's GGUF or HF folder, as a conversion writes it."""
    if form == "gguf":
        return convert.tokenizer_data(FAMILIES / family / f"{family}.gguf")
    return hf_tokenizer.tokenizer_data(FAMILIES / family / "hf")


def expected(family: str, form: str) -> list[list[int]]:
    """The reference ids: the HF folder's, but a GGUF's own where the format differs."""
    own = cases()["gguf_ids"].get(family, {}) if form == "gguf" else {}
    return [own.get(text, ids) for text, ids in zip(cases()["strings"], cases()["ids"][family],
                                                    strict=True)]


@pytest.mark.parametrize("form", ["gguf", "hf"])
@pytest.mark.parametrize("family", NAMES)
def test_ids_equal_the_reference_on_every_string(family: str, form: str) -> None:
    tokenizer_ = tokenizer(data(family, form))
    assert type(tokenizer_) is KIND[family]
    wrong = [text for text, ids in zip(cases()["strings"], expected(family, form), strict=True)
             if tokenizer_.encode(text) != ids]
    assert wrong == []
    assert len(cases()["strings"]) == 2000


def test_only_nfc_separates_the_qwen_forms() -> None:
    """The GGUF's own ids differ from the folder's on the strings NFC changes, and there only."""
    for family in ("qwen2", "qwen3"):
        own = cases()["gguf_ids"][family]
        assert len(own) == 3
        assert all(unicodedata.normalize("NFC", text) != text for text in own)
        assert data(family, "hf")["normalizer"] == "nfc" and "normalizer" not in data(
            family, "gguf")
    assert cases()["gguf_ids"].keys() == {"qwen2", "qwen3"}


@pytest.mark.parametrize("form", ["gguf", "hf"])
@pytest.mark.parametrize("family", NAMES)
def test_ids_decode_to_their_text(family: str, form: str) -> None:
    """Decoding gives the text back (the BOS's text before it), each character written once,
    whole, by a stream; the space a SentencePiece prefix adds is left out. Folder-form Qwen gives
    the text composed (NFC); a literal ▁ in a SentencePiece text comes back as a space."""
    built = tokenizer(data(family, form))
    start = built.tokens[built.bos] if built.add_bos and built.bos is not None else ""
    normal = data(family, form).get("normalizer")
    checked = 0
    for text, ids in zip(cases()["strings"], expected(family, form), strict=True):
        stream = Stream(built)
        streamed = "".join(stream.add(token) for token in ids) + stream.finish()
        assert streamed == built.decode(ids), text
        if isinstance(built, SentencePiece) and SPACE in text:
            assert built.decode(ids) == start + text.replace(SPACE, " ")
            continue
        assert built.decode(ids) == start + (unicodedata.normalize("NFC", text) if normal
                                             else text)
        checked += 1
    assert checked > 1990


@pytest.mark.parametrize("family", NAMES)
def test_both_forms_read_into_the_same_tokenizer(family: str) -> None:
    """The same tokens, kind, BOS, end token, space prefix, pre-tokenizer and chat template. The
    forms may type a token differently only between kinds that are all cut out of the text
    whole (``<unk>``: unknown in a GGUF, special in a folder), or as Gemma's ``\\n`` and ``\\t``:
    plain in the tiny GGUF, added in the folder; BPE merges a run of them as the folder cuts it
    out."""
    gguf, hf = data(family, "gguf"), data(family, "hf")
    for key in ("model", "tokens", "bos", "eos", "add_bos", "add_space_prefix", "pre",
                "chat_template"):
        assert gguf.get(key) == hf.get(key), key
    retyped = {(gguf["tokens"][i], a, b) for i, (a, b) in enumerate(zip(
        gguf["types"], hf["types"], strict=True)) if a != b}
    assert retyped <= {("<unk>", 2, 3), ("\n", 1, 4), ("\n\n", 1, 4), ("\t", 1, 4)}


def test_a_sentencepiece_llama_converts_and_runs() -> None:
    """The tiny Llama with a SentencePiece vocabulary, opened from its GGUF as users open one:
    its prompts' ids, last logits (within 1e-4) and 20 greedy ids as transformers has them on the
    HF folder, and the continuation's streamed text the decoded text."""
    reference = json.loads(gzip.decompress(
        (FAMILIES / "llama-sp" / "reference.json.gz").read_bytes()))
    model = resolve(str(FAMILIES / "llama-sp" / "llama-sp.gguf")).open_decoder(Environment())
    assert isinstance(model.tokenizer, SentencePiece)
    for prompt in reference["prompts"]:
        ids = model.tokenizer.encode(prompt["text"])
        if not prompt["add_special_tokens"]:  # a rendered chat template holds its own <s>
            ids = ids[1:]
        assert ids == prompt["ids"], prompt["text"]
        cache = KVCache(model.network.config, 1, len(ids))
        logits = model.network.forward([ids], cache)[0]
        np.testing.assert_allclose(logits, prompt["logits"], rtol=0, atol=TOLERANCE)
        written: list[str] = []
        greedy = model.generate(ids, len(prompt["greedy"]), Sampling(), listen=written.append)
        assert greedy == prompt["greedy"]
        assert "".join(written) == model.tokenizer.decode(greedy)


@pytest.mark.network
@pytest.mark.slow
def test_the_real_gemma3_tokenizes_as_transformers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Gemma 3 270M fetched as users fetch it: its 262,144-token vocabulary (too big to commit)
    gives transformers' ids on the 2,000 strings, its merges rebuilt in token order."""
    if "gemma3-270m" not in BY_NAME:
        pytest.skip("latent has no built-in gemma3-270m yet (issue 25 item 1): until it does, "
                    "scripts/check_gemma3_tokenizer.py runs these cases on the GGUF itself")
    root = kept("LATENT_TEST_LANGUAGE", "latent-test-language")
    with cache_at(root):
        model: Decoder = resolve("gemma3-270m").open_decoder(Environment())
    built = model.tokenizer
    wrong = [text for text, ids in zip(cases()["strings"], cases()["ids"]["gemma3-270m"],
                                       strict=True) if built.encode(text) != ids]
    assert wrong == []
    assert isinstance(built, SentencePiece) and built.pair_ranks is None
    assert "scores" not in model.weights.tokenizer

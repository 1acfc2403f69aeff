"""Every decoder family's forward pass against transformers, from its GGUF (F32 and Q8_0) and
from its Hugging Face folder.

tests/data/decoder/families/<family>/ holds issue 25's tiny random models (see the README
there): llama-bpe (Llama 3.1's rope_freqs, an untied head), llama-sp (SentencePiece, GQA), qwen2
(QKV biases), qwen3 (QK-norm, heads x key_length != width) and gemma3 (QK-norm, four norms a
block, GELU, the scaled embedding, a window of 4 on blocks 0-4 with their own RoPE base, block 5
global), and transformers' references made on the HF folder (on the Q8_0 GGUF for the Q8_0
forms): for 10 prompts the ids, every last-position logit and 20 greedy ids. Logits must agree
within `TOLERANCE` (1e-4); ids and greedy ids exactly. Greedy decoding runs with the KV cache,
one token a step, so the window is checked through the cache as well.
"""

from __future__ import annotations

import gzip
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from decoder_files import DATA, TOLERANCE, check_gemma3, rewrite_gguf, write_gguf
from latentcli.environment import Environment
from latentcli.errors import ModelError
from latentcli.networks.arrays import Array
from latentcli.networks.decoder import network
from latentcli.networks.decoder.convert import convert
from latentcli.networks.decoder.decoder import Decoder, Sampling
from latentcli.networks.decoder.hooks import HookPoint
from latentcli.networks.decoder.network import KVCache
from latentcli.store.builtins import BY_NAME
from latentcli.store.resolve import resolve
from shared_models import cache_at, kept

FAMILIES = DATA / "families"
NAMES = ("llama-bpe", "llama-sp", "qwen2", "qwen3", "gemma3")
# (family, form): the F32 GGUF, the Q8_0 GGUF, the Hugging Face folder
FORMS = [*((family, "gguf") for family in NAMES), ("qwen2", "q8_0"), ("qwen3", "q8_0"),
         *((family, "hf") for family in NAMES)]


@cache
def reference(family: str, form: str) -> dict[str, Any]:
    name = "reference-q8_0.json.gz" if form == "q8_0" else "reference.json.gz"
    found: dict[str, Any] = json.loads(gzip.decompress((FAMILIES / family / name).read_bytes()))
    return found


def source(family: str, form: str) -> Path:
    if form == "hf":
        return FAMILIES / family / "hf"
    return FAMILIES / family / (f"{family}.q8_0.gguf" if form == "q8_0" else f"{family}.gguf")


def opened(family: str, form: str, directory: Path) -> Decoder:
    return opened_file(source(family, form), directory)


def opened_file(path: Path, directory: Path) -> Decoder:
    """The model converted from ``path`` into ``directory`` (made if need be), opened."""
    directory.mkdir(parents=True, exist_ok=True)
    convert(path, directory)
    return Decoder.open(directory, path.name)


def prompt_ids(model: Decoder, prompt: dict[str, Any]) -> list[int]:
    """A reference prompt's ids as latent tokenizes it; a rendered chat template was encoded
    without the BOS its text already holds."""
    ids = model.tokenizer.encode(prompt["text"])
    return ids[1:] if not prompt["add_special_tokens"] and model.tokenizer.add_bos else ids


def greedy(model: Decoder, ids: list[int], count: int) -> tuple[Array, list[int]]:
    """The last-position logits of ``ids`` and ``count`` greedy ids after them, one token a
    step through the KV cache (end tokens do not stop it, as transformers' loop did not)."""
    cache_ = KVCache(model.network.config, 1, len(ids) + count)
    logits = first = model.network.forward([ids], cache_)[0]
    written: list[int] = []
    while len(written) < count:
        written.append(int(np.argmax(logits)))
        logits = model.network.forward([[written[-1]]], cache_)[0]
    return first, written


@pytest.mark.parametrize(("family", "form"), FORMS, ids=lambda value: value)
def test_every_family_equals_transformers(family: str, form: str, tmp_path: Path) -> None:
    """Ids, last-position logits within 1e-4, 20 greedy ids (through the cache)."""
    model = opened(family, form, tmp_path)
    worst = 0.0
    for prompt in reference(family, form)["prompts"]:
        assert prompt_ids(model, prompt) == prompt["ids"], prompt["text"]
        logits, written = greedy(model, prompt["ids"], len(prompt["greedy"]))
        worst = max(worst, float(np.max(np.abs(logits - np.array(prompt["logits"])))))
        assert written == prompt["greedy"], prompt["text"]
    assert worst <= TOLERANCE


def test_the_switches_each_family_turns_on(tmp_path: Path) -> None:
    """What each GGUF makes of its family (the parity above proves them right)."""
    found, configs = {}, {}
    for family in ("llama-bpe", "qwen2", "qwen3", "gemma3"):
        configs[family] = c = opened(family, "gguf", tmp_path / family).network.config
        found[family] = (c.rope_neox, c.qkv_bias, c.qk_norm, c.post_norms, c.activation)
    assert found == {"llama-bpe": (False, False, False, False, "silu"),
                     "qwen2": (True, True, False, False, "silu"),
                     "qwen3": (True, False, True, False, "silu"),
                     "gemma3": (True, False, True, True, "gelu_tanh")}
    qwen3, gemma = configs["qwen3"], configs["gemma3"]
    assert (qwen3.hidden, qwen3.heads, qwen3.head_dim) == (32, 4, 16)  # key_length, not 32 / 4
    assert (gemma.window, gemma.local_blocks, gemma.rope_base, gemma.rope_base_local) == (
        4, (0, 1, 2, 3, 4), 1e6, 1e4)
    assert gemma.embedding_scale == 4.0 and gemma.scale == 0.25  # √16, 1/√key_length
    assert gemma.softcap == 0 and configs["llama-bpe"].window == 0


def test_gemma_block_0_reads_the_scaled_embedding(tmp_path: Path) -> None:
    """The residual entering block 0 (the lens's state 0) is the embedding times √width, in
    float32."""
    model = opened("gemma3", "gguf", tmp_path)
    ids = reference("gemma3", "gguf")["prompts"][0]["ids"]
    entering = model.network.resid_pre([ids], 0)[0]
    scaled = model.network.embedding[ids] * np.float32(math.sqrt(16))
    assert entering.dtype == np.float32 and np.array_equal(entering, scaled)


def test_the_window_holds_in_every_chunk_of_queries(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Attention a query or two at a time (as a long prompt is computed) reads the same keys:
    the logits are the reference's, every prompt being longer than the window."""
    model = opened("gemma3", "gguf", tmp_path)
    monkeypatch.setattr(network, "SCORES", 2)  # one query of two heads at a time
    for prompt in reference("gemma3", "gguf")["prompts"]:
        assert len(prompt["ids"]) > model.network.config.window
        logits = model.network.forward([prompt["ids"]])[0]
        np.testing.assert_allclose(logits, prompt["logits"], rtol=0, atol=TOLERANCE)


def test_generation_keeps_the_window(tmp_path: Path) -> None:
    """`Decoder.generate` (the cache, one token a step) writes the reference's greedy ids; a
    model whose window is dropped does not (so the window is what the parity rests on)."""
    model = opened("gemma3", "gguf", tmp_path)
    prompts = [p for p in reference("gemma3", "gguf")["prompts"] if 1 not in p["greedy"]]
    for prompt in prompts:  # those that write no end token
        assert model.generate(prompt["ids"], 20, Sampling()) == prompt["greedy"]
    settings = json.loads((tmp_path / "model.json").read_text("utf-8"))["settings"]
    assert settings["local_blocks"] == [0, 1, 2, 3, 4]
    rewrite = rewrite_gguf(source("gemma3", "gguf"), tmp_path / "wide.gguf",
                           fields={"gemma3.attention.sliding_window": 0})
    wide = opened_file(rewrite, tmp_path / "wide")
    assert wide.network.config.local_blocks == ()
    assert any(wide.generate(p["ids"], 20, Sampling()) != p["greedy"] for p in prompts)


def test_a_local_blocks_pattern_is_zero_outside_its_window(tmp_path: Path) -> None:
    """The attention pattern a hook sees spans every key, those outside a local block's window
    (and later ones) at 0, each row summing to 1; on the global block every earlier key has
    weight. Asking for it changes nothing."""
    model = opened("gemma3", "gguf", tmp_path)
    ids = reference("gemma3", "gguf")["prompts"][0]["ids"]
    cache_ = KVCache(model.network.config, 1, len(ids) + 1)
    names = [f"blocks.{layer}.attn.pattern" for layer in (0, 5)]
    plain = model.network.forward([ids])
    logits, kept = model.network.run_with_cache([ids], names)
    np.testing.assert_array_equal(logits, plain)
    n = len(ids)
    query, key = np.arange(n)[:, None], np.arange(n)[None, :]
    local, full = kept[names[0]][0], kept[names[1]][0]  # heads x queries x keys
    np.testing.assert_allclose(local.sum(axis=-1), 1, rtol=1e-6)
    assert np.all(local[:, (key > query) | (query - key >= 4)] == 0)
    assert np.all(local[:, (key <= query) & (query - key < 4)] > 0)
    assert np.all(full[:, key <= query] > 0) and np.all(full[:, key > query] == 0)
    # one generated token through the cache: its pattern too spans every key, the window's 4
    model.network.forward([ids], cache_)
    seen: dict[str, Array] = {}

    def keep(pattern: Array, point: HookPoint) -> None:
        seen[point.name] = pattern

    model.network.forward([[ids[-1]]], cache_, hooks={names[0]: keep})
    row = seen[names[0]][0, :, 0]  # heads x keys
    assert row.shape[-1] == n + 1 and np.all(row[:, : n + 1 - 4] == 0)
    assert np.all(row[:, n + 1 - 4 :] > 0)


@pytest.mark.parametrize(("fields", "blocks"), [
    ({"gemma3.attention.sliding_window_pattern": 3}, (0, 1, 3, 4)),
    ({"gemma3.attention.sliding_window_pattern": 0}, (0, 1, 2, 3, 4, 5)),
    ({"gemma3.attention.sliding_window_pattern": [True, False] * 3}, (0, 2, 4)),
    ({}, (0, 1, 2, 3, 4)),  # every 6th block global when the file says nothing
])
def test_gemmas_local_blocks_are_the_files(tmp_path: Path, fields: dict[str, Any],
                                            blocks: tuple[int, ...]) -> None:
    path = rewrite_gguf(source("gemma3", "gguf"), tmp_path / "g.gguf", fields=fields)
    assert opened_file(path, tmp_path / "c").network.config.local_blocks == blocks


def test_gemmas_defaults_and_softcap(tmp_path: Path) -> None:
    """A file without the local RoPE base takes 10,000 (the real Gemma 3 270M has none); a final
    logit softcap c makes the logits c·tanh(logits / c) (here c = 1)."""
    plain = opened("gemma3", "gguf", tmp_path / "plain")
    bare = rewrite_gguf(source("gemma3", "gguf"), tmp_path / "bare.gguf",
                        fields={"gemma3.rope.freq_base_swa": None})
    assert opened_file(bare, tmp_path / "b").network.config.rope_base_local == 10000.0
    capped = opened_file(rewrite_gguf(
        source("gemma3", "gguf"), tmp_path / "cap.gguf",
        fields={"gemma3.final_logit_softcapping": 1.0}), tmp_path / "c")
    ids = reference("gemma3", "gguf")["prompts"][0]["ids"]
    before = plain.network.forward([ids])[0]
    after = capped.network.forward([ids])[0]
    assert np.abs(before).max() > 1 > np.abs(after).max()
    np.testing.assert_allclose(after, np.tanh(before), rtol=0, atol=1e-6)


def test_a_tensor_the_family_does_not_have_is_refused_by_name(tmp_path: Path) -> None:
    """Qwen 2's file read as a Llama: its biases would be left out, so it is refused."""
    path = rewrite_gguf(source("qwen2", "gguf"), tmp_path / "q.gguf", architecture="llama")
    with pytest.raises(ModelError) as refused:
        convert(path, tmp_path / "c")
    assert str(refused.value) == (
        "q.gguf: it holds tensors a llama model does not have in latent: 'blk.0.attn_k.bias', "
        "'blk.0.attn_q.bias', 'blk.0.attn_v.bias' and 3 more")


@pytest.mark.parametrize(("fields", "message"), [
    ({"llama.attention.key_length": 16, "llama.attention.value_length": 8},
     "its values are 8 wide per head and its keys 16; latent runs models whose keys and values "
     "are as wide"),
    ({"llama.rope.scaling.type": "yarn", "llama.rope.scaling.factor": 4.0},
     "its RoPE scaling is 'yarn', which latent does not compute (it reads Llama 3.1's, stored "
     "as rope_freqs)"),
])
def test_settings_latent_would_not_honour_are_refused(tmp_path: Path, fields: dict[str, Any],
                                                      message: str) -> None:
    path = write_gguf(tmp_path / "m.gguf", fields=fields)
    with pytest.raises(ModelError) as refused:
        convert(path, tmp_path / "c")
    assert str(refused.value) == f"m.gguf: {message}"


@pytest.mark.network
@pytest.mark.slow
def test_the_real_gemma3_equals_transformers() -> None:
    """Gemma 3 270M fetched as users fetch it (its Q4_K, Q5_0, Q6_K and Q8_0 tensors): on six
    prompts and one of 612 tokens (past its 512-token window), what transformers computes."""
    if "gemma3-270m" not in BY_NAME:
        pytest.skip("latent has no built-in gemma3-270m yet (issue 25 item 1): until it does, "
                    "decoder_files.check_gemma3 is run on the GGUF itself")
    root = kept("LATENT_TEST_LANGUAGE", "latent-test-language")
    with cache_at(root):
        model = resolve("gemma3-270m").open_decoder(Environment())
    for name in ("gemma3-270m", "gemma3-270m-long"):
        check_gemma3(model, json.loads((DATA / f"{name}-reference.json").read_text("utf-8")))


def test_a_sentencepiece_models_tokens_are_words(runner, tmp_path: Path) -> None:
    """A ▁-led token is the word after a space, as a Ġ-led one is (``▁path`` is ``path``); a
    piece is ``##piece``; a byte token its spelling (``<0x41>``, not the letter ``A``, a token
    of its own); a line break ``\\n``; every form printable and distinct, with no id needed to
    tell two apart. `latent neighbors` finds the word."""
    from latentcli.cli.app import app

    model = opened("gemma3", "gguf", tmp_path / "c")
    tokenizer = model.tokenizer
    forms = dict(zip(tokenizer.tokens, tokenizer.words(), strict=True))
    assert (forms["▁path"], forms["or"], forms["<0x41>"], forms["A"], forms["\n"]) == (
        "path", "##or", "<0x41>", "##A", "\\n")
    assert all(form.isprintable() and form.strip() for form in forms.values())
    assert len(set(forms.values())) == len(forms)
    assert not any(form.endswith(f"#{i}") for i, form in enumerate(tokenizer.words()))
    found = runner.invoke(app, ["neighbors", "path", "-m", str(source("gemma3", "gguf")),
                                "--json"])
    assert found.exit_code == 0, found.stderr
    assert json.loads(found.stdout)["query"] == "path"

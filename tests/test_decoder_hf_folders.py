"""A Hugging Face folder of a decoder model, as `-m DIR` opens it: converted once into the same
entry a GGUF makes (`networks.decoder.hf_model`); half-precision and sharded safetensors, both
spellings of config.json's RoPE, what is refused by name, and what the store makes of a folder
(a decoder by its config.json's architecture, known by its files' content)."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from decoder_files import DATA
from encoder_files import TINY_BERT, write_safetensors
from latentcli.cli.app import app
from latentcli.errors import ModelError
from latentcli.networks.decoder.convert import convert
from latentcli.networks.decoder.weights import MODEL_FILE, WEIGHTS_FILE
from latentcli.networks.encoder.safetensors import read_safetensors
from latentcli.store.encoder_spaces import EncoderReference
from latentcli.store.language_models import LanguageModelReference
from latentcli.store.paths import cache_root
from latentcli.store.resolve import resolve

FAMILIES = DATA / "families"


def folder(family: str, target: Path) -> Path:
    """A copy of the tiny ``family``'s Hugging Face folder at ``target``."""
    return Path(shutil.copytree(FAMILIES / family / "hf", target))


def edit_config(path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    config = json.loads((path / "config.json").read_text("utf-8"))
    edit(config)
    (path / "config.json").write_text(json.dumps(config), "utf-8")
    return path


def converted(path: Path, target: Path) -> Path:
    target.mkdir()
    convert(path, target)
    return target


def tensors(directory: Path) -> dict[str, np.ndarray]:
    """A conversion's tensors by name."""
    index = json.loads((directory / MODEL_FILE).read_text("utf-8"))["tensors"]
    flat = np.fromfile(directory / WEIGHTS_FILE, dtype=np.float32)
    return {name: flat[e["offset"] // 4 : e["offset"] // 4 + int(np.prod(e["shape"]))].reshape(
        e["shape"]) for name, e in index.items()}


@pytest.mark.parametrize("dtype", ["F16", "BF16"])
def test_half_precision_reads_as_float32(tmp_path: Path, dtype: str) -> None:
    """Each tensor stored in F16 or BF16 is its float32 widening, nothing lost beyond the
    storing (Gemma's norms then shifted by 1, in float32)."""
    model = folder("gemma3", tmp_path / "half")
    full = read_safetensors(model / "model.safetensors")
    halves = {name: (np.asarray(array, np.float16) if dtype == "F16" else
                     (np.asarray(array, np.float32).view(np.uint32) >> 16).astype(np.uint16))
              for name, array in full.items()}
    write_safetensors(model / "model.safetensors",
                      {name: (dtype, half) for name, half in halves.items()})
    got = tensors(converted(model, tmp_path / "c"))
    widened = {name: (half.astype(np.float32) if dtype == "F16"
                      else (half.astype(np.uint32) << 16).view(np.float32))
               for name, half in halves.items()}
    assert np.array_equal(got["blk.0.attn_q.weight"],
                          widened["model.layers.0.self_attn.q_proj.weight"])
    assert np.array_equal(got["token_embd.weight"], widened["model.embed_tokens.weight"])
    assert np.array_equal(got["blk.2.post_ffw_norm.weight"],
                          widened["model.layers.2.post_feedforward_layernorm.weight"]
                          + np.float32(1))
    assert not np.array_equal(widened["model.embed_tokens.weight"],
                              full["model.embed_tokens.weight"])  # the storing did round


def test_shards_read_as_one_file(tmp_path: Path) -> None:
    """The tensors split over two safetensors listed by model.safetensors.index.json convert
    into the very tensors the one file does."""
    whole = converted(folder("qwen2", tmp_path / "whole"), tmp_path / "a")
    sharded = folder("qwen2", tmp_path / "sharded")
    stored = read_safetensors(sharded / "model.safetensors")
    (sharded / "model.safetensors").unlink()
    names = sorted(stored)
    halves = {"model-00001-of-00002.safetensors": names[::2],
              "model-00002-of-00002.safetensors": names[1::2]}
    for shard, listed in halves.items():
        write_safetensors(sharded / shard, {name: ("F32", stored[name]) for name in listed})
    (sharded / "model.safetensors.index.json").write_text(json.dumps({
        "metadata": {}, "weight_map": {name: shard for shard, listed in halves.items()
                                       for name in listed}}), "utf-8")
    split, one = tensors(converted(sharded, tmp_path / "b")), tensors(whole)
    assert split.keys() == one.keys() and all(np.array_equal(split[n], one[n]) for n in one)


def _older_llama(config: dict[str, Any]) -> None:
    rope = config.pop("rope_parameters")
    config["rope_theta"] = rope.pop("rope_theta")
    config["rope_scaling"] = {**rope, "type": rope.pop("rope_type")}


def _older_gemma(config: dict[str, Any]) -> None:
    rope = config.pop("rope_parameters")
    config["rope_theta"] = rope["full_attention"]["rope_theta"]
    config["rope_local_base_freq"] = rope["sliding_attention"]["rope_theta"]
    del config["layer_types"]
    config["sliding_window_pattern"] = 6


@pytest.mark.parametrize(("family", "edit"), [("llama-bpe", _older_llama),
                                              ("gemma3", _older_gemma)])
def test_the_older_config_spelling_reads_the_same(tmp_path: Path, family: str,
                                                  edit: Callable[[dict[str, Any]], None]) -> None:
    """transformers 4's rope_theta, rope_scaling (Llama 3.1's factors, its "type" spelled the
    old way), rope_local_base_freq and sliding_window_pattern give what transformers 5's
    rope_parameters and layer_types give."""
    new = converted(folder(family, tmp_path / "new"), tmp_path / "a")
    old = converted(edit_config(folder(family, tmp_path / "old"), edit), tmp_path / "b")
    settings = [json.loads((d / MODEL_FILE).read_text("utf-8"))["settings"] for d in (new, old)]
    assert {**settings[0], "name": ""} == {**settings[1], "name": ""}
    assert (new / WEIGHTS_FILE).read_bytes() == (old / WEIGHTS_FILE).read_bytes()
    if family == "llama-bpe":  # the factors computed as llama.cpp's converter stored them
        stored = tensors(converted(FAMILIES / family / f"{family}.gguf", tmp_path / "g"))
        np.testing.assert_allclose(tensors(new)["rope_freqs.weight"],
                                   stored["rope_freqs.weight"], rtol=1e-6)


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda config: config.update({key: value})


@pytest.mark.parametrize(("family", "edit", "message"), [
    ("qwen2", _set("architectures", ["MistralForCausalLM"]),
     "config.json: a 'MistralForCausalLM' model; latent runs LlamaForCausalLM, Qwen2ForCausalLM, "
     "Qwen3ForCausalLM, Gemma3ForCausalLM folders (the Llama, Qwen 2/3 and Gemma 3 families) "
     "only"),
    ("qwen2", _set("rope_parameters", {"rope_type": "yarn", "rope_theta": 1e6, "factor": 4.0}),
     "config.json: its RoPE scaling is 'yarn', which latent does not compute"),
    ("qwen3", _set("hidden_act", "gelu"),
     "config.json: its activation is 'gelu'; a qwen3 model in latent has silu"),
    ("qwen2", _set("use_sliding_window", True),
     "config.json: it uses a sliding window (use_sliding_window), which latent computes for "
     "Gemma 3 only"),
    ("gemma3", _set("attn_logit_softcapping", 50.0),
     "config.json: it sets attn_logit_softcapping, which latent does not compute"),
    ("qwen3", _set("tie_word_embeddings", False),
     "config.json: its output head is not tied to the embedding, but the safetensors hold no "
     "lm_head.weight"),
    ("llama-sp", _set("num_attention_heads", 0),
     "config.json: its settings are out of range: heads must be a whole number above 0, not 0"),
    ("llama-sp", lambda config: config.pop("hidden_size"),
     "config.json: not a usable config.json (KeyError('hidden_size'))"),
    ("llama-bpe", lambda config: config["rope_parameters"].pop("factor"),
     "config.json: not a usable config.json (KeyError('factor'))"),
    ("llama-sp", _set("num_key_value_heads", 3),
     "config.json: its settings are out of range: the 4 query heads cannot share 3 key/value "
     "heads evenly"),
])
def test_what_latent_would_not_compute_is_refused_naming_the_file(
        tmp_path: Path, family: str, edit: Callable[[dict[str, Any]], None],
        message: str) -> None:
    model = edit_config(folder(family, tmp_path / "m"), edit)
    with pytest.raises(ModelError) as refused:
        converted(model, tmp_path / "c")
    assert str(refused.value) == f"{model}/{message}"


def test_a_tensor_latent_does_not_know_is_refused_by_name(tmp_path: Path) -> None:
    model = folder("llama-bpe", tmp_path / "m")
    stored = read_safetensors(model / "model.safetensors")
    extra = {"model.layers.0.mlp.experts.0.weight": np.zeros(32, np.float32)}
    write_safetensors(model / "model.safetensors",
                      {name: ("F32", array) for name, array in {**stored, **extra}.items()})
    with pytest.raises(ModelError) as refused:
        converted(model, tmp_path / "c")
    assert str(refused.value) == (f"{model / 'model.safetensors'}: it holds the tensor "
                                  "'model.layers.0.mlp.experts.0.weight', which a llama model "
                                  "does not have in latent")
    (model / "model.safetensors").unlink()
    with pytest.raises(ModelError) as missing:
        converted(model, tmp_path / "d")
    assert str(missing.value) == (f"{model}: no model.safetensors (or "
                                  "model.safetensors.index.json) in the folder")


def test_a_folder_opens_with_dash_m_as_a_gguf_does(runner, tmp_path: Path) -> None:
    """`-m DIR` generates, shows its lens, is listed and described as a folder; its conversion
    is keyed by its files' content, so a copy elsewhere shares it and an edit converts again."""
    model = folder("gemma3", tmp_path / "my-gemma")
    prompt = json.loads(gzip.decompress((FAMILIES / "gemma3" / "reference.json.gz")
                                        .read_bytes()))["prompts"][0]
    written = runner.invoke(app, ["generate", prompt["text"], "-m", str(model), "--max-tokens",
                                  "6", "--json"])
    assert written.exit_code == 0, written.stderr
    assert json.loads(written.stdout)["token_ids"] == prompt["greedy"][:6]
    lens = runner.invoke(app, ["lens", prompt["text"], "-m", str(model), "--json"])
    assert json.loads(lens.stdout)["final"]["id"] == prompt["greedy"][0]
    info = json.loads(runner.invoke(app, ["models", "info", str(model), "--json"]).stdout)
    assert (info["source"], info["architecture"], info["tokenizer_kind"], info["layers"]) == (
        f"folder {model}", "gemma3", "SentencePiece BPE", 6)
    [entry] = (cache_root() / "language").iterdir()
    assert entry.name.startswith("hf-")
    copy = Path(shutil.copytree(model, tmp_path / "copy"))
    assert isinstance(reference := resolve(str(copy)), LanguageModelReference)
    assert reference.key == entry.name
    edit_config(copy, _set("rms_norm_eps", 1e-5))
    again = runner.invoke(app, ["generate", prompt["text"], "-m", str(copy), "--max-tokens", "2",
                                "--json"])
    assert again.exit_code == 0, again.stderr
    assert len(list((cache_root() / "language").iterdir())) == 2
    listed = json.loads(runner.invoke(app, ["models", "--json"]).stdout)["conversions"]
    assert {(c["name"], c["source"], c["source_present"]) for c in listed} == {
        ("my-gemma", f"folder {model}", True), ("copy", f"folder {copy}", True)}


def test_an_encoder_folder_stays_an_encoder_and_another_model_is_refused(
        runner, tmp_path: Path) -> None:
    assert isinstance(resolve(str(TINY_BERT)), EncoderReference)
    other = edit_config(folder("qwen2", tmp_path / "phi"), _set("architectures",
                                                                ["Phi3ForCausalLM"]))
    result = runner.invoke(app, ["generate", "hi", "-m", str(other)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (f"Error: {other}/config.json: a 'Phi3ForCausalLM' model; latent "
                             "runs LlamaForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM, "
                             "Gemma3ForCausalLM folders (the Llama, Qwen 2/3 and Gemma 3 "
                             "families) only\n")
    assert not (cache_root() / "language").exists() or not list(
        (cache_root() / "language").iterdir())

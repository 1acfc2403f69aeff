"""A Hugging Face folder of a decoder model — ``config.json``, ``*.safetensors`` (one file, or
shards listed by ``model.safetensors.index.json``) and ``tokenizer.json`` — read into what
`convert` writes for a GGUF: the same settings and switches, tensors under their GGUF names, the
same tokenizer data (`hf_tokenizer`).

What differs from a GGUF of the same model, and is undone here:

- the tensors' names (`NAMES`; mind Llama's and Qwen's ``post_attention_layernorm``, the norm
  *before* the FFN, where Gemma's is the attention output's norm, its pre-FFN one
  ``pre_feedforward_layernorm``);
- Gemma's norms multiply by 1 + w: llama.cpp's converter stores 1 + w, safetensors w;
- llama.cpp permutes a Llama's Q and K rows for adjacent-pair RoPE; a folder keeps Hugging
  Face's rows, so every folder's RoPE turns NeoX's pairs;
- Llama 3.1's RoPE scaling is ``rope_parameters`` / ``rope_scaling`` (both spellings of
  config.json are read), from which the factors llama.cpp stores as ``rope_freqs`` are computed;
- Gemma's attention scale is config.json's ``query_pre_attn_scalar``, its blocks' kinds its
  ``layer_types`` (or an older ``sliding_window_pattern``), its local RoPE base the
  ``sliding_attention`` parameters (or ``rope_local_base_freq``).

BF16 and F16 tensors are read as float32, one at a time. Anything a folder states that latent
would not compute (another activation, RoPE scaling, attention softcapping, a sliding window on
Qwen) is refused naming the file and the setting.
"""

from __future__ import annotations

import json
import math
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from latentcli.errors import ModelError, clip
from latentcli.networks.arrays import Array
from latentcli.networks.decoder.config import Config, ConfigError
from latentcli.networks.decoder.families import (
    GEMMA_LOCAL_BASE,
    GEMMA_PATTERN,
    SWITCHES,
    gemma_settings,
    local_blocks,
)
from latentcli.networks.decoder.weights import Tensor

if TYPE_CHECKING:
    from latentcli.networks.encoder.safetensors import Stored

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"
INDEX_FILE = "model.safetensors.index.json"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")
# config.json's architecture → the family (a GGUF's general.architecture)
ARCHITECTURES = {"LlamaForCausalLM": "llama", "Qwen2ForCausalLM": "qwen2",
                 "Qwen3ForCausalLM": "qwen3", "Gemma3ForCausalLM": "gemma3"}
LANGUAGE_MODEL_CLASSES = ("ForCausalLM", "LMHeadModel", "ForConditionalGeneration")
ACTIVATIONS = {"silu": "silu", "gelu_pytorch_tanh": "gelu_tanh"}
# a block's tensor, after "model.layers.N.", → its GGUF name, after "blk.N."
NAMES = {"input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q",
         "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
         "self_attn.o_proj": "attn_output", "self_attn.q_norm": "attn_q_norm",
         "self_attn.k_norm": "attn_k_norm", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
         "mlp.down_proj": "ffn_down", "post_attention_layernorm": "ffn_norm"}
GEMMA_NAMES = {**NAMES, "post_attention_layernorm": "post_attention_norm",
               "pre_feedforward_layernorm": "ffn_norm",
               "post_feedforward_layernorm": "post_ffw_norm"}
OUTER = {"model.embed_tokens.weight": "token_embd.weight",
         "model.norm.weight": "output_norm.weight", "lm_head.weight": "output.weight"}


def architecture(folder: Path) -> str | None:
    """The language-model class ``folder``'s config.json names (its first ``architectures``
    entry that is one: a ``…ForCausalLM``), or None: not a folder of a language model (an
    encoder's, or no readable config.json)."""
    try:
        config = json.loads((folder / CONFIG_FILE).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    listed = config.get("architectures") if isinstance(config, dict) else None
    return next((name for name in listed if isinstance(name, str)
                 and name.endswith(LANGUAGE_MODEL_CLASSES)), None) if isinstance(
        listed, list) else None


def check_architecture(folder: Path) -> str:
    """The family of the model in ``folder``; a `ModelError` naming the class if latent does not
    run it."""
    found = architecture(folder)
    if found is None:
        raise ModelError(f"{folder}: not a folder of a language model (its {CONFIG_FILE} names "
                         "no ...ForCausalLM architecture)")
    if found not in ARCHITECTURES:
        raise ModelError(f"{folder / CONFIG_FILE}: a {found!r} model; latent runs "
                         f"{', '.join(ARCHITECTURES)} folders (the Llama, Qwen 2/3 and Gemma 3 "
                         "families) only")
    return ARCHITECTURES[found]


def source_files(folder: Path) -> list[Path]:
    """The files of ``folder`` a conversion reads (what its fingerprint covers): config.json,
    the safetensors (the index and its shards, or the one file) and the tokenizer's files."""
    weights = _weights_files(folder)
    return [folder / CONFIG_FILE, *weights, *(folder / name for name in TOKENIZER_FILES
                                              if (folder / name).is_file())]


def read_folder(folder: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Tensor]]:
    """The settings, tokenizer data and tensors (by GGUF name, read when asked) of the model in
    ``folder``; a `ModelError` naming the file for what latent cannot run."""
    from latentcli.networks.decoder.hf_tokenizer import tokenizer_data

    family = check_architecture(folder)
    config_path = folder / CONFIG_FILE
    config = json.loads(config_path.read_text("utf-8"))
    try:
        settings = _settings(folder.name, family, config)
        factors = (_llama3_factors(config, settings["head_dim"]) if family == "llama"
                   else None)
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
        raise ModelError(f"{config_path}: not a usable config.json ({error!r})") from None
    except _Refused as why:
        raise ModelError(f"{config_path}: {why}") from None
    stored = _stored(folder)
    if "lm_head.weight" not in stored and not config.get("tie_word_embeddings", True):
        raise ModelError(f"{config_path}: its output head is not tied to the embedding, but "
                         "the safetensors hold no lm_head.weight")
    try:
        Config.from_settings(settings, int(stored["model.embed_tokens.weight"][1].shape[0])
                             if "model.embed_tokens.weight" in stored else 1)
    except ConfigError as error:
        raise ModelError(f"{config_path}: its settings are out of range: {error}") from None
    tensors = _tensors(folder, family, config, stored)
    if factors is not None:
        tensors["rope_freqs.weight"] = Tensor(factors.shape, lambda: factors)
    return settings, tokenizer_data(folder), tensors


class _Refused(Exception):
    """What a config.json states that latent does not compute (the message says it)."""


def _settings(name: str, family: str, config: dict[str, Any]) -> dict[str, Any]:
    hidden, heads = config["hidden_size"], config["num_attention_heads"]
    head_dim = config.get("head_dim") or hidden // heads
    activation = config.get("hidden_activation" if family == "gemma3" else "hidden_act", "silu")
    if ACTIVATIONS.get(activation) != SWITCHES[family].get("activation", "silu"):
        raise _Refused(f"its activation is {activation!r}; a {family} model in latent has "
                       f"{SWITCHES[family].get('activation', 'silu')}")
    global_rope, local_rope = _rope(config, family == "gemma3")
    settings = {
        "architecture": family, "name": name, "license": None,
        "layers": config["num_hidden_layers"], "hidden": hidden, "heads": heads,
        "head_dim": head_dim, "kv_heads": config.get("num_key_value_heads") or heads,
        "ffn": config["intermediate_size"],
        "context": config.get("max_position_embeddings", 2048),
        "rope_base": float(global_rope.get("rope_theta", 10000.0)), "rope_dims": head_dim,
        "eps": float(config["rms_norm_eps"]),
        **SWITCHES[family], "rope_neox": True,  # a folder keeps Hugging Face's Q and K rows
    }
    if config.get("partial_rotary_factor", 1) != 1:
        raise _Refused("RoPE turns part of each head (partial_rotary_factor), which latent does "
                       "not compute for this family")
    if config.get("use_sliding_window"):
        raise _Refused("it uses a sliding window (use_sliding_window), which latent computes "
                       "for Gemma 3 only")
    if family == "gemma3":
        settings.update(_gemma(config, settings, local_rope))
    return settings


def _gemma(config: dict[str, Any], settings: dict[str, Any],
           local_rope: dict[str, Any]) -> dict[str, Any]:
    """Gemma 3's settings as transformers reads config.json."""
    for key in ("attn_logit_softcapping", "use_bidirectional_attention"):
        if config.get(key):
            raise _Refused(f"it sets {key}, which latent does not compute")
    layers = settings["layers"]
    types = config.get("layer_types")
    if isinstance(types, list):
        if len(types) != layers or not set(types) <= {"sliding_attention", "full_attention"}:
            raise _Refused(f"its layer_types are not {layers} of sliding_attention and "
                           "full_attention")
        pattern: int | list[bool] = [kind == "sliding_attention" for kind in types]
    else:
        pattern = config.get("sliding_window_pattern", GEMMA_PATTERN)
    window = config.get("sliding_window") or 0
    shape = [settings[name] for name in ("layers", "hidden", "heads", "head_dim")]
    return {**gemma_settings(*shape),
            "attention_scale": config.get("query_pre_attn_scalar", 256) ** -0.5,
            "window": window, "local_blocks": local_blocks(layers, pattern) if window else [],
            "rope_base_local": float(local_rope.get("rope_theta", GEMMA_LOCAL_BASE)),
            "softcap": float(config.get("final_logit_softcapping") or 0.0)}


def _rope(config: dict[str, Any], local: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """RoPE's parameters of the (global) blocks and of the local ones, from transformers 5's
    ``rope_parameters`` (Gemma: one per kind of block) or the older ``rope_theta``,
    ``rope_scaling`` and ``rope_local_base_freq``; a kind of scaling latent does not compute
    is refused."""
    given = config.get("rope_parameters")
    if isinstance(given, dict) and "full_attention" in given:
        found = (given["full_attention"], given.get("sliding_attention") or {})
    elif isinstance(given, dict):
        found = (given, {})
    else:
        scaling = config.get("rope_scaling") or {}
        found = ({**scaling, "rope_theta": config.get("rope_theta", 10000.0)},
                 {"rope_theta": config.get("rope_local_base_freq", GEMMA_LOCAL_BASE)})
    for params, allowed in zip(found, (("default", "llama3") if not local else ("default",),
                                       ("default",)), strict=True):
        kind = params.get("rope_type", params.get("type", "default"))
        if kind not in allowed:
            raise _Refused(f"its RoPE scaling is {kind!r}, which latent does not compute")
    return found


def _llama3_factors(config: dict[str, Any], head_dim: int) -> Array | None:
    """Llama 3.1's RoPE scaling as the factors llama.cpp's converter stores in rope_freqs
    (`LlamaModel.generate_extra_tensors`): each frequency is divided by its factor."""
    params, _ = _rope(config, local=False)
    if params.get("rope_type", params.get("type")) != "llama3":
        return None
    base, factor = float(params["rope_theta"]), float(params["factor"])
    low, high = float(params["low_freq_factor"]), float(params["high_freq_factor"])
    context = float(params["original_max_position_embeddings"])
    frequencies = 1.0 / base ** (np.arange(0, head_dim, 2, dtype=np.float32) / head_dim)
    factors = []
    for frequency in frequencies:
        wavelength = 2 * math.pi / frequency
        if wavelength < context / high:
            factors.append(1.0)
        elif wavelength > context / low:
            factors.append(factor)
        else:
            smooth = (context / wavelength - low) / (high - low)
            factors.append(1 / ((1 - smooth) / factor + smooth))
    return np.array(factors, dtype=np.float32)


def _weights_files(folder: Path) -> list[Path]:
    """The safetensors files: the shards the index lists (and the index), or the one file."""
    index = folder / INDEX_FILE
    if index.is_file():
        try:
            weight_map = json.loads(index.read_text("utf-8"))["weight_map"]
            shards = sorted(set(weight_map.values()))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError,
                AttributeError) as error:
            raise ModelError(f"{index}: not a usable safetensors index ({error!r})") from None
        missing = [name for name in shards if not (folder / name).is_file()]
        if missing or any("/" in name or name.startswith(".") for name in shards):
            raise ModelError(f"{index}: it lists {clip((missing or shards)[0])!r}, which is not "
                             "a file of the folder")
        return [index, *(folder / name for name in shards)]
    if (folder / WEIGHTS_FILE).is_file():
        return [folder / WEIGHTS_FILE]
    bin_file = "pytorch_model.bin" if (folder / "pytorch_model.bin").is_file() else None
    raise ModelError(f"{folder}: no {WEIGHTS_FILE} (or {INDEX_FILE}) in the folder"
                     + (f"; it has {bin_file}, which needs pickle and torch to read" if bin_file
                        else ""))


def stored_shapes(folder: Path) -> list[tuple[int, ...]]:
    """The shape of every tensor the folder's safetensors hold (their headers read only)."""
    return [tuple(stored.shape) for _, stored in _stored(folder).values()]


def _stored(folder: Path) -> dict[str, tuple[Path, Stored]]:
    """Every tensor of the folder's safetensors by name, with the file holding it."""
    from latentcli.networks.encoder.safetensors import stored_tensors

    found: dict[str, tuple[Path, Stored]] = {}
    for path in _weights_files(folder):
        if path.name == INDEX_FILE:
            continue
        for name, stored in stored_tensors(path).items():
            if name in found:
                raise ModelError(f"{path}: the tensor {clip(name)!r} is also in "
                                 f"{found[name][0].name}")
            found[name] = (path, stored)
    return found


def _tensors(folder: Path, family: str, config: dict[str, Any],
             stored: dict[str, tuple[Path, Stored]]) -> dict[str, Tensor]:
    """The stored tensors under their GGUF names, each read (and Gemma's norms shifted by 1)
    only when written."""
    names = GEMMA_NAMES if family == "gemma3" else NAMES
    tied = config.get("tie_word_embeddings", True)
    tensors: dict[str, Tensor] = {}
    for name, (path, tensor) in stored.items():
        if name.endswith("rotary_emb.inv_freq") or (name == "lm_head.weight" and tied):
            continue  # recomputed from the config; the embedding itself
        gguf_name = _gguf_name(name, names)
        if gguf_name is None:
            raise ModelError(f"{path}: it holds the tensor {clip(name)!r}, which a {family} "
                             "model does not have in latent")
        shift = family == "gemma3" and name.endswith("norm.weight")
        tensors[gguf_name] = Tensor(tensor.shape, partial(_read, tensor, shift))
    return tensors


def _gguf_name(name: str, names: dict[str, str]) -> str | None:
    if name in OUTER:
        return OUTER[name]
    prefix = "model.layers."
    if not name.startswith(prefix):
        return None
    block, _, rest = name[len(prefix):].partition(".")
    part, _, suffix = rest.rpartition(".")
    if not block.isdigit() or part not in names or suffix not in ("weight", "bias"):
        return None
    return f"blk.{int(block)}.{names[part]}.{suffix}"


def _read(tensor: Stored, shift: bool) -> Array:
    array = np.asarray(tensor.array(), dtype=np.float32)
    return array + np.float32(1) if shift else array

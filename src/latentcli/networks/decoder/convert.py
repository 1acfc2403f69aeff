"""A GGUF file, read once into latent's own form: every tensor dequantized to float32.

Parsing a GGUF and dequantizing its blocks (Q4_1, Q8_0, K-quants…) costs seconds, so it is done
once: the tensors go one after another into a flat ``weights.f32`` file (each 64-byte aligned) with
an index of names, shapes and offsets, beside the model's settings and tokenizer as JSON. Opening
that is a memory map (`decoder.weights`). The ``gguf`` package (by the ggml project) is imported
here only: it knows every quantization llama.cpp writes. Only these two files are written: the
directory is the caller's, and so is recording what it was converted from.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from latentcli.errors import ModelError
from latentcli.networks.decoder.config import Config, ConfigError

if TYPE_CHECKING:
    from gguf import GGUFReader

FORMAT_VERSION = 1  # of the two files' layout: a conversion of another version is redone
WEIGHTS_FILE = "weights.f32"
MODEL_FILE = "model.json"  # settings, tokenizer and the tensor index
ARCHITECTURES = ("llama",)  # what the forward pass in `decoder.network` computes
TOKENIZERS = ("gpt2", "llama")  # byte-level BPE; SentencePiece-style BPE (`decoder.sentencepiece`)
GEMMA = ("gemma", "gemma2", "gemma3")  # their SentencePiece vocabularies follow transformers' rules
ALIGN = 64


def convert(source: Path, target: Path) -> None:
    """Write the model in ``source`` (a GGUF file) into the empty directory ``target``.

    A file of another architecture or tokenizer is refused before any tensor is read.
    """
    reader = _reader(source)
    settings = _settings(source, reader)
    tokenizer = _tokenizer(source, reader)
    index: dict[str, dict[str, Any]] = {}
    offset = 0
    with open(target / WEIGHTS_FILE, "wb") as out:
        for tensor in reader.tensors:
            array = _dequantized(tensor)
            pad = -offset % ALIGN
            out.write(b"\0" * pad)
            offset += pad
            index[tensor.name] = {"offset": offset, "shape": list(array.shape)}
            out.write(array.tobytes())
            offset += array.nbytes
    (target / MODEL_FILE).write_text(json.dumps(
        {"settings": settings, "tokenizer": tokenizer, "tensors": index}), "utf-8")


def _reader(source: Path) -> GGUFReader:
    from gguf import GGUFReader

    try:
        return GGUFReader(source)
    except (ValueError, OSError, KeyError, IndexError) as error:
        raise ModelError(f"{source}: not a readable GGUF file ({error})") from None


def _field(reader: GGUFReader, key: str, default: Any = None) -> Any:
    field = reader.get_field(key)
    return default if field is None else field.contents()


def _settings(source: Path, reader: GGUFReader) -> dict[str, Any]:
    """The numbers the forward pass needs, checked (`Config`), refusing architectures it does
    not compute."""
    arch = str(_field(reader, "general.architecture", "unknown"))
    if arch not in ARCHITECTURES:
        raise ModelError(f"{source.name}: a {arch!r} model; latent runs models of the Llama "
                         f"family (GGUF architecture {', '.join(ARCHITECTURES)}) only")
    try:
        hidden = int(_field(reader, f"{arch}.embedding_length"))
        heads = int(_field(reader, f"{arch}.attention.head_count"))
        head_dim = int(_field(reader, f"{arch}.attention.key_length",
                              hidden // heads if heads else 0))
        settings = {
            "architecture": arch,
            "name": str(_field(reader, "general.name", source.stem)),
            "license": _field(reader, "general.license"),
            "layers": int(_field(reader, f"{arch}.block_count")),
            "hidden": hidden, "heads": heads, "head_dim": head_dim,
            "kv_heads": int(_field(reader, f"{arch}.attention.head_count_kv", heads)),
            "ffn": int(_field(reader, f"{arch}.feed_forward_length")),
            "context": int(_field(reader, f"{arch}.context_length", 2048)),
            "rope_base": float(_field(reader, f"{arch}.rope.freq_base", 10000.0)),
            "rope_dims": int(_field(reader, f"{arch}.rope.dimension_count", head_dim)),
            "eps": float(_field(reader, f"{arch}.attention.layer_norm_rms_epsilon", 1e-5)),
        }
    except (TypeError, ValueError) as error:
        raise ModelError(f"{source.name}: its {arch} settings are incomplete ({error})") from None
    try:
        Config.from_settings(settings, _vocabulary(source, reader))
    except ConfigError as error:
        raise ModelError(f"{source.name}: its {arch} settings are out of range: {error}") from None
    return settings


def _vocabulary(source: Path, reader: GGUFReader) -> int:
    """The rows of the token embedding (GGUF lists a tensor's dimensions innermost first)."""
    for tensor in reader.tensors:
        if tensor.name == "token_embd.weight":
            return int(tensor.shape[-1])
    raise ModelError(f"{source.name}: it has no token embedding (token_embd.weight)")


def tokenizer_data(source: Path) -> dict[str, Any]:
    """The tokenizer of the GGUF file ``source``, as `convert` writes it into model.json."""
    return _tokenizer(source, _reader(source))


def _tokenizer(source: Path, reader: GGUFReader) -> dict[str, Any]:
    """The vocabulary, its merges (byte-level BPE) or how to rebuild them (SentencePiece), the
    special tokens, and the chat template. A setting the file leaves out takes llama.cpp's
    default: SentencePiece adds BOS and a space prefix, byte-level BPE adds BOS for Llama 3."""
    kind = str(_field(reader, "tokenizer.ggml.model", "none"))
    if kind not in TOKENIZERS:
        raise ModelError(f"{source.name}: its tokenizer is {kind!r}; latent reads byte-level "
                         "BPE ('gpt2': Llama 3, Qwen, SmolLM) and SentencePiece BPE ('llama': "
                         "Llama 2, Mistral, Gemma) tokenizers only")
    tokens = list(_field(reader, "tokenizer.ggml.tokens", []))
    types = [int(kind) for kind in _field(reader, "tokenizer.ggml.token_type", [])]
    pre = str(_field(reader, "tokenizer.ggml.pre", "default"))
    data = {
        "model": kind,
        "tokens": tokens,
        "types": types or [1] * len(tokens),
        "bos": _field(reader, "tokenizer.ggml.bos_token_id"),
        "eos": _field(reader, "tokenizer.ggml.eos_token_id"),
        "add_bos": bool(_field(reader, "tokenizer.ggml.add_bos_token",
                               kind == "llama" or pre in ("llama-bpe", "llama3"))),
        "chat_template": _field(reader, "tokenizer.chat_template"),
    }
    if kind == "gpt2":
        return {**data, "merges": list(_field(reader, "tokenizer.ggml.merges", [])), "pre": pre}
    data["add_space_prefix"] = bool(_field(reader, "tokenizer.ggml.add_space_prefix", True))
    scores = _field(reader, "tokenizer.ggml.scores")
    if str(_field(reader, "general.architecture")) in GEMMA:
        # As transformers reads Gemma: a token of spaces is stored with real spaces but means
        # ▁s (SentencePiece's space), and the merges follow the token order, not the scores.
        data["tokens"] = ["\u2581" * len(t) if " " in t and not t.strip() else t for t in tokens]
    elif scores is not None:
        data["scores"] = [float(score) for score in scores]
    return data


def _dequantized(tensor: Any) -> np.ndarray[Any, np.dtype[np.float32]]:
    """A tensor as float32 in (out, in) order, whatever its quantization."""
    from gguf.quants import dequantize

    array = dequantize(tensor.data, tensor.tensor_type)
    return np.ascontiguousarray(array, dtype=np.float32)

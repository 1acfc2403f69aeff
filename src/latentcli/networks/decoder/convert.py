"""A GGUF file, read once into latent's own form: every tensor dequantized to float32.

Parsing a GGUF and dequantizing its blocks (Q4_1, Q8_0, K-quants…) costs seconds, so it is done
once: the tensors go one after another into a flat ``weights.f32`` file (each 64-byte aligned) with
an index of names, shapes and offsets, beside the model's settings and tokenizer as JSON. Opening
that is a memory map (`decoder.weights`). The ``gguf`` package (by the ggml project) is imported
here only, for its quantization types and their dequantization; the header is read by latent
(`gguf_file`), which checks every count it declares against the file's size. Only these two files
are written: the directory is the caller's, and so is recording what it was converted from.

A file is refused — one `ModelError` naming it — for anything it declares that a conversion
could not be opened with, before any tensor is dequantized: the header (`gguf_file`), every
setting (`Config`), the tokenizer's tables, and every tensor's shape, by building the `Decoder`
the conversion will be opened as over stand-in tensors of the declared shapes (so the checks are
the ones opening makes, and a file is never converted into something that does not open). Each
tensor's values are then checked as it is dequantized: one NaN or infinity refuses the file,
naming the tensor.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from latentcli.errors import ModelError, clip
from latentcli.networks.arrays import Array
from latentcli.networks.decoder.config import Config, ConfigError
from latentcli.networks.decoder.families import (
    ARCHITECTURES,
    GEMMA_LOCAL_BASE,
    GEMMA_PATTERN,
    SWITCHES,
    gemma_settings,
    local_blocks,
)
from latentcli.networks.decoder.weights import MODEL_FILE, WEIGHTS_FILE, Tensor

if TYPE_CHECKING:
    from latentcli.networks.decoder.gguf_file import GGUF, TensorInfo, TensorType

FORMAT_VERSION = 1  # of the two files' layout: a conversion of another version is redone
TOKENIZERS = ("gpt2", "llama")  # byte-level BPE; SentencePiece-style BPE (`decoder.sentencepiece`)
GEMMA = ("gemma", "gemma2", "gemma3")  # their SentencePiece vocabularies follow transformers' rules
ALIGN = 64
POSITIVE = ("rope_freqs.weight",)  # tensors that divide: a zero would make an infinity
NUMBER = (int, float)
KINDS: dict[type | tuple[type, ...], str] = {
    NUMBER: "a number", int: "a whole number", str: "a string", bool: "true or false",
    list: "a list of strings", np.ndarray: "an array of numbers",
    (int, np.ndarray): "a whole number or an array of flags"}


def convert(source: Path, target: Path) -> None:
    """Write the model in ``source`` (a GGUF file, or a Hugging Face folder: `hf_model`) into
    the empty directory ``target``.

    A model of another architecture or tokenizer, or one that does not hold what it declares, is
    refused before any tensor is read; one whose values are not finite, as they are.
    """
    if source.is_dir():
        from latentcli.networks.decoder.hf_model import read_folder

        settings, tokenizer, tensors = read_folder(source)
    else:
        gguf = _read(source)
        settings = _settings(source, gguf)
        tokenizer = _tokenizer(source, gguf)
        tensors = {name: Tensor(info.shape, partial(_dequantized, source, gguf, info))
                   for name, info in gguf.tensors.items()}
    _check_fit(source, target, settings, tokenizer, tensors)
    index = _write_tensors(source, tensors, target / WEIGHTS_FILE)
    text = json.dumps({"settings": settings, "tokenizer": tokenizer, "tensors": index})
    with _naming(target / MODEL_FILE):
        (target / MODEL_FILE).write_text(text, "utf-8")


def ggml_types() -> dict[int, TensorType]:
    """Every tensor type the ``gguf`` package knows, by its ggml number."""
    from gguf.constants import GGML_QUANT_SIZES

    from latentcli.networks.decoder.gguf_file import TensorType

    return {int(kind): TensorType(kind.name, *sizes) for kind, sizes in GGML_QUANT_SIZES.items()}


def _read(source: Path) -> GGUF:
    from latentcli.networks.decoder.gguf_file import GGUFError, read_gguf

    try:
        return read_gguf(source, ggml_types())
    except GGUFError as error:
        raise ModelError(f"{source.name}: not a GGUF file latent can read: {error}") from None
    except OSError as error:
        raise ModelError(f"cannot read {source}: {error.strerror or error}") from None


def _field(source: Path, gguf: GGUF, key: str, kind: type | tuple[type, ...],
           default: Any = None) -> Any:
    """The value of ``key``, which must be of ``kind`` (``default`` if the file has none; a
    bool is not a number)."""
    value = gguf.fields.get(key, default)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if value is None or (isinstance(value, kinds) and (bool in kinds
                                                       or not isinstance(value, bool))):
        return value
    raise ModelError(f"{source.name}: its {key} is {_kind_of(value)}, not {KINDS[kind]}")


def _kind_of(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of {len(value):,} numbers"
    if isinstance(value, list):
        return f"a list of {len(value):,} strings"
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:39]}…"


def _settings(source: Path, gguf: GGUF) -> dict[str, Any]:
    """The numbers the forward pass needs and the family's switches, checked (`Config`),
    refusing architectures it does not compute and settings it would not honour."""
    arch = _field(source, gguf, "general.architecture", str, "unknown")
    if arch not in ARCHITECTURES:
        raise ModelError(f"{source.name}: a {arch!r} model; latent runs the GGUF architectures "
                         f"{', '.join(ARCHITECTURES)} (the Llama, Qwen 2/3 and Gemma 3 families) "
                         "only")

    def number(key: str, default: Any = None) -> Any:
        value = _field(source, gguf, f"{arch}.{key}", NUMBER, default)
        if value is None:
            raise ModelError(f"{source.name}: its {arch} settings are incomplete: it has no "
                             f"{arch}.{key}")
        return value

    hidden, heads = number("embedding_length"), number("attention.head_count")
    # without a head width given, the width is split among the heads: evenly, or not at all
    split = _whole(heads) and _whole(hidden) and f"{arch}.attention.key_length" not in gguf.fields
    if split and hidden % heads:
        raise ModelError(f"{source.name}: its {arch} settings are out of range: a width of "
                         f"{hidden} does not divide into {heads} heads")
    head_dim = number("attention.key_length", hidden // heads if _whole(heads) else heads)
    if number("attention.value_length", head_dim) != head_dim:
        raise ModelError(f"{source.name}: its values are {number('attention.value_length')} "
                         f"wide per head and its keys {head_dim}; latent runs models whose keys "
                         "and values are as wide")
    scaling = _field(source, gguf, f"{arch}.rope.scaling.type", str, "none")
    if scaling != "none" and number("rope.scaling.factor", 1.0) != 1:
        raise ModelError(f"{source.name}: its RoPE scaling is {scaling!r}, which latent does not "
                         "compute (it reads Llama 3.1's, stored as rope_freqs)")
    settings = {
        "architecture": arch,
        "name": _field(source, gguf, "general.name", str, source.stem),
        "license": _field(source, gguf, "general.license", str),
        "layers": number("block_count"),
        "hidden": hidden, "heads": heads, "head_dim": head_dim,
        "kv_heads": number("attention.head_count_kv", heads),
        "ffn": number("feed_forward_length"),
        "context": number("context_length", 2048),
        "rope_base": float(number("rope.freq_base", 10000.0)),
        "rope_dims": number("rope.dimension_count", head_dim),
        "eps": float(number("attention.layer_norm_rms_epsilon", 1e-5)),
        **SWITCHES[arch],
    }
    if arch == "gemma3":
        settings.update(_gemma(source, gguf, settings, number))
    try:
        Config.from_settings(settings, _vocabulary(source, gguf))
    except ConfigError as error:
        raise ModelError(f"{source.name}: its {arch} settings are out of range: {error}") from None
    return settings


def _gemma(source: Path, gguf: GGUF, settings: dict[str, Any],
           number: Callable[[str, Any], Any]) -> dict[str, Any]:
    """Gemma 3's settings as llama.cpp reads them: a window (none if 0 or absent) on the blocks
    its pattern makes local (every 6th block global unless the file says otherwise), with the
    local RoPE base (10,000 unless given); the final logit softcap (none unless given)."""
    layers = settings["layers"]
    window = number("attention.sliding_window", 0)
    key = "gemma3.attention.sliding_window_pattern"
    pattern = _field(source, gguf, key, (int, np.ndarray), GEMMA_PATTERN)
    if isinstance(pattern, np.ndarray):
        if len(pattern) != layers:
            raise ModelError(f"{source.name}: its {key} has {len(pattern)} entries for "
                             f"{layers} blocks")
        pattern = [bool(flag) for flag in pattern]
    local = local_blocks(layers, pattern) if _whole(window) and _whole(layers) else []
    shape = [settings[name] for name in ("layers", "hidden", "heads", "head_dim")]
    # (a count out of range is left for `Config` to name)
    return {**(gemma_settings(*shape) if all(map(_whole, shape)) else {}),
            "window": window, "local_blocks": local,
            "rope_base_local": float(number("rope.freq_base_swa", GEMMA_LOCAL_BASE)),
            "softcap": float(number("final_logit_softcapping", 0.0))}


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _vocabulary(source: Path, gguf: GGUF) -> int:
    """The rows of the token embedding."""
    embedding = gguf.tensors.get("token_embd.weight")
    if embedding is None:
        raise ModelError(f"{source.name}: it has no token embedding (token_embd.weight)")
    return embedding.shape[0]


def tokenizer_data(source: Path) -> dict[str, Any]:
    """The tokenizer of the GGUF file ``source``, as `convert` writes it into model.json."""
    return _tokenizer(source, _read(source))


def _tokenizer(source: Path, gguf: GGUF) -> dict[str, Any]:
    """The vocabulary, its merges (byte-level BPE) or how to rebuild them (SentencePiece), the
    special tokens, and the chat template (how they fit together is `Weights`' check, made in
    `_check_fit`). A setting the file leaves out takes llama.cpp's default: SentencePiece adds
    BOS and a space prefix, byte-level BPE adds BOS for Llama 3."""
    kind = _field(source, gguf, "tokenizer.ggml.model", str, "none")
    if kind not in TOKENIZERS:
        raise ModelError(f"{source.name}: its tokenizer is {kind!r}; latent reads byte-level "
                         "BPE ('gpt2': Llama 3, Qwen, SmolLM) and SentencePiece BPE ('llama': "
                         "Llama 2, Mistral, Gemma) tokenizers only")
    tokens = _field(source, gguf, "tokenizer.ggml.tokens", list, [])
    types = _field(source, gguf, "tokenizer.ggml.token_type", np.ndarray)
    pre = _field(source, gguf, "tokenizer.ggml.pre", str, "default")
    data = {
        "model": kind,
        "tokens": tokens,
        "types": [1] * len(tokens) if types is None else types.tolist(),
        "bos": _field(source, gguf, "tokenizer.ggml.bos_token_id", int),
        "eos": _field(source, gguf, "tokenizer.ggml.eos_token_id", int),
        "add_bos": _field(source, gguf, "tokenizer.ggml.add_bos_token", bool,
                          kind == "llama" or pre in ("llama-bpe", "llama3")),
        "chat_template": _field(source, gguf, "tokenizer.chat_template", str),
    }
    if kind == "gpt2":
        return {**data, "merges": _field(source, gguf, "tokenizer.ggml.merges", list, []),
                "pre": pre}
    data["add_space_prefix"] = _field(source, gguf, "tokenizer.ggml.add_space_prefix", bool, True)
    scores = _field(source, gguf, "tokenizer.ggml.scores", np.ndarray)
    if _field(source, gguf, "general.architecture", str, "") in GEMMA:
        # As transformers reads Gemma: a token of spaces is stored with real spaces but means
        # ▁s (SentencePiece's space), and the merges follow the token order, not the scores.
        data["tokens"] = ["\u2581" * len(t) if " " in t and not t.strip() else t for t in tokens]
    elif scores is not None:
        data["scores"] = [float(score) for score in scores]
    return data


def _check_fit(source: Path, target: Path, settings: dict[str, Any], tokenizer: dict[str, Any],
               tensors: dict[str, Tensor]) -> None:
    """Build the `Decoder` the conversion will be opened as, over stand-in tensors of the
    declared shapes (they take no memory): whatever it refuses, the file is refused for."""
    from latentcli.networks.decoder.decoder import Decoder
    from latentcli.networks.decoder.weights import InvalidModel, Weights

    stand_ins = {name: np.broadcast_to(np.float32(1), tensor.shape)
                 for name, tensor in tensors.items()}
    try:
        decoder = Decoder(source.name, Weights(target, settings, tokenizer, stand_ins))
    except (InvalidModel, ModelError) as why:
        raise ModelError(f"{source.name}: {why}") from None
    unused = sorted(set(stand_ins) - decoder.network.used)
    if unused:  # a tensor of a part latent's forward pass does not have: it would be left out
        listed = ", ".join(repr(clip(name)) for name in unused[:3])
        more = f" and {len(unused) - 3:,} more" if len(unused) > 3 else ""
        raise ModelError(f"{source.name}: it holds tensors a {settings['architecture']} model "
                         f"does not have in latent: {listed}{more}")


def _write_tensors(source: Path, tensors: dict[str, Tensor], path: Path
                   ) -> dict[str, dict[str, Any]]:
    """Every tensor read (dequantized, widened) into ``path``, its values checked; the index of
    them."""
    index: dict[str, dict[str, Any]] = {}
    offset = 0
    with _naming(path), open(path, "wb") as out:
        for name, tensor in tensors.items():
            try:
                array = tensor.read()
                _check_values(source, name, array)
            except MemoryError:
                size = math.prod(tensor.shape) * 4 / 1e9
                raise ModelError(
                    f"out of memory converting {source.name}: its tensor {clip(name)!r} "
                    f"takes {size:.1f} GB as float32, and more while it is dequantized; close "
                    "other programs and try again, or use a smaller model") from None
            pad = -offset % ALIGN
            out.write(b"\0" * pad)
            offset += pad
            index[name] = {"offset": offset, "shape": list(array.shape)}
            out.write(np.ascontiguousarray(array).data)
            offset += array.nbytes
    return index


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """An `OSError` met while writing ``path`` names it (a full disk's does not)."""
    try:
        yield
    except OSError as error:
        if error.filename is not None or error.errno is None:
            raise
        raise OSError(error.errno, error.strerror, str(path)) from None


def _dequantized(source: Path, gguf: GGUF, tensor: TensorInfo) -> Array:
    """A tensor as float32 in (out, in) order, whatever its quantization."""
    from gguf.constants import GGMLQuantizationType
    from gguf.quants import dequantize

    kind = GGMLQuantizationType(tensor.kind)
    raw = gguf.raw(tensor)
    if kind is GGMLQuantizationType.F32:
        return raw.view("<f4").reshape(tensor.shape)
    if kind is GGMLQuantizationType.F16:
        return raw.view("<f2").reshape(tensor.shape).astype(np.float32)
    try:
        array = dequantize(raw.reshape(*tensor.shape[:-1], -1), kind)
    except NotImplementedError:
        raise ModelError(f"{source.name}: its tensor {clip(tensor.name)!r} is of type {kind.name}, "
                         "which latent cannot read") from None
    return np.ascontiguousarray(array, dtype=np.float32)


def _check_values(source: Path, name: str, array: Array) -> None:
    """Every value of the tensor ``name`` finite, and above 0 where it divides (its least and
    greatest: NaN and the infinities show there, and nothing the tensor's size is allocated)."""
    low, high = array.min(), array.max()
    positive = name in POSITIVE
    if np.isfinite(low) and np.isfinite(high) and (low > 0 or not positive):
        return
    count = int(np.count_nonzero(~np.isfinite(array) | ((array <= 0) if positive else False)))
    values = (f"1 value of its tensor {clip(name)!r} is" if count == 1
              else f"{count:,} values of its tensor {clip(name)!r} are")
    what = "not finite or not above 0" if positive else "not finite (NaN or infinite)"
    raise ModelError(f"{source.name}: {values} {what}")

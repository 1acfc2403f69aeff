"""A converted language model opened from disk: settings, tokenizer data and memory-mapped tensors.

The directory is what `decoder.convert` wrote; the caller (latent's store) has checked that it is
complete and converted from the right file. `open_weights` reads ``model.json`` and maps
``weights.f32``; a `Weights` checks that its settings and tokenizer tables are of the kinds and
lengths the tokenizer reads (a ``model.json`` can be edited, or a GGUF crafted), and
`Weights.tensor` checks each tensor's shape as the network asks for it. Anything off is
`InvalidModel`, and the caller converts again (the converter builds the same `Weights` before it
writes a thing, so a GGUF that would not open is refused when it is converted).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from latentcli.networks.arrays import Array

WEIGHTS_FILE = "weights.f32"
MODEL_FILE = "model.json"  # settings, tokenizer and the tensor index
# What the tokenizer's table holds: each entry's kind, and whether it may be absent (null).
Kinds = dict[str, tuple[type, bool]]
TOKENIZER: Kinds = {"model": (str, True), "tokens": (list, False), "types": (list, False),
                    "add_bos": (bool, False), "bos": (int, True), "eos": (int, True),
                    "chat_template": (str, True)}
# What each kind of tokenizer adds (its ``model``, as GGUF names it; none: byte-level BPE).
KIND_TABLES: dict[str, Kinds] = {
    "gpt2": {"merges": (list, False), "pre": (str, False)},
    "llama": {"add_space_prefix": (bool, False), "merges": (list, True), "scores": (list, True)}}
# What each list holds, in words.
ITEMS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "tokens": (str, "strings"), "types": (int, "whole numbers"),
    "scores": ((int, float), "numbers")}
# The words among the settings (`Config` checks the numbers, when the network is built).
SETTINGS: Kinds = {"architecture": (str, False), "name": (str, False), "license": (str, True)}


class Tensor(NamedTuple):
    """A tensor to be written into ``weights.f32``: its shape, and how to read it from its
    source as float32 (when it is written, one at a time)."""

    shape: tuple[int, ...]
    read: Callable[[], Array]


class InvalidModel(Exception):
    """A converted model that must not be used; the message says why."""


@dataclass(frozen=True)
class Weights:
    """Everything `decoder.convert` stored for one model, tensors by their GGUF names."""

    directory: Path
    settings: dict[str, Any]
    tokenizer: dict[str, Any]
    tensors: dict[str, Array]

    def __post_init__(self) -> None:
        _check_table(self.settings, SETTINGS, "settings")
        _check_table(self.tokenizer, TOKENIZER, "tokenizer")
        kind = self.tokenizer.get("model") or "gpt2"
        if kind not in KIND_TABLES:
            raise InvalidModel(f"its tokenizer is of a kind latent does not read ({kind!r})")
        _check_table(self.tokenizer, KIND_TABLES[kind], "tokenizer")
        tokens = self.tokenizer["tokens"]
        for name, (kinds, words) in ITEMS.items():
            listed = self.tokenizer.get(name) or []
            allowed = kinds if isinstance(kinds, tuple) else (kinds,)
            if not set(map(type, listed)) <= set(allowed):  # a bool is not an int here
                raise InvalidModel(f"its tokenizer's {name} are not all {words}")
        # a byte-level merge is "a b" (its pieces hold no space); a SentencePiece one [a, b]
        merges = self.tokenizer.get("merges") or []
        if kind == "gpt2" and not all(isinstance(merge, str) for merge in merges):
            raise InvalidModel("its tokenizer's merges are not all strings")
        if kind == "llama" and not all(isinstance(merge, list) and len(merge) == 2
                                       and all(isinstance(piece, str) for piece in merge)
                                       for merge in merges):
            raise InvalidModel("its tokenizer's merges are not all pairs of strings")
        if not tokens:
            raise InvalidModel("its tokenizer has no tokens")
        if len(self.tokenizer["types"]) != len(tokens):
            raise InvalidModel(f"its tokenizer has {len(self.tokenizer['types']):,} token types "
                               f"for {len(tokens):,} tokens")
        for name in ("bos", "eos"):
            token = self.tokenizer[name]
            if token is not None and not 0 <= token < len(tokens):
                raise InvalidModel(f"its {name} token is id {token:,}, but its tokenizer has "
                                   f"{len(tokens):,} tokens")

    def tensor(self, name: str, shape: tuple[int, ...]) -> Array:
        """The tensor ``name``, which must have ``shape``."""
        try:
            found = self.tensors[name]
        except KeyError:
            raise InvalidModel(f"it has no tensor {name!r}") from None
        if found.shape != shape:
            raise InvalidModel(f"its tensor {name!r} is {_shape(found.shape)}, not "
                               f"{_shape(shape)} as its settings say")
        return found

    def rows(self, name: str) -> int:
        """The number of rows of the tensor ``name`` (read before the shapes are known)."""
        try:
            return int(self.tensors[name].shape[0])
        except KeyError:
            raise InvalidModel(f"it has no tensor {name!r}") from None


def _check_table(table: Any, kinds: Kinds, what: str) -> None:
    """``table`` is a dict holding each of ``kinds``' entries, of its kind (or null where it
    may be)."""
    if not isinstance(table, dict):
        raise InvalidModel(f"its {what} are not a table")
    for name, (kind, optional) in kinds.items():
        value = table.get(name)
        if value is None and optional:
            continue
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise InvalidModel(f"its {what} table has no valid {name!r}")


def _whole(value: Any, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _shape(shape: tuple[int, ...]) -> str:
    return " x ".join(map(str, shape))


def open_weights(directory: Path) -> Weights:
    """The converted model in ``directory``, its tensors memory-mapped (read-only)."""
    try:
        model = json.loads((directory / MODEL_FILE).read_text("utf-8"))
        flat = np.memmap(directory / WEIGHTS_FILE, dtype=np.float32, mode="r")
        tensors: dict[str, Array] = {}
        for name, entry in model["tensors"].items():
            offset, shape = entry["offset"], tuple(entry["shape"])
            if not (_whole(offset, 0) and offset % 4 == 0 and shape
                    and all(_whole(n, 1) for n in shape)):
                raise InvalidModel(f"{MODEL_FILE} gives the tensor {name!r} the offset "
                                   f"{offset!r} and shape {list(shape)!r}")
            start, count = offset // 4, math.prod(shape)
            if start + count > flat.size:
                raise InvalidModel(f"the tensor {name!r} runs past the end of {WEIGHTS_FILE}")
            tensors[name] = np.asarray(flat[start : start + count]).reshape(shape)
        return Weights(directory, model["settings"], model["tokenizer"], tensors)
    except FileNotFoundError as error:
        raise InvalidModel(f"{Path(error.filename).name} is missing") from None
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidModel(f"{MODEL_FILE} does not describe the weights ({error})") from None

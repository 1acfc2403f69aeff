"""A converted language model opened from disk: settings, tokenizer data and memory-mapped tensors.

The directory is what `decoder.convert` wrote; the caller (latent's store) has checked that it is
complete and converted from the right file. `open_weights` reads ``model.json`` and maps
``weights.f32``, and `Weights.tensor` checks each tensor's shape as the network asks for it.
Anything off is `InvalidModel`, and the caller converts again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from latentcli.networks.arrays import Array
from latentcli.networks.decoder.convert import MODEL_FILE, WEIGHTS_FILE


class InvalidModel(Exception):
    """A converted model that must not be used; the message says why."""


@dataclass(frozen=True)
class Weights:
    """Everything `decoder.convert` stored for one model, tensors by their GGUF names."""

    directory: Path
    settings: dict[str, Any]
    tokenizer: dict[str, Any]
    tensors: dict[str, Array]

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


def _shape(shape: tuple[int, ...]) -> str:
    return " x ".join(map(str, shape))


def open_weights(directory: Path) -> Weights:
    """The converted model in ``directory``, its tensors memory-mapped (read-only)."""
    try:
        model = json.loads((directory / MODEL_FILE).read_text("utf-8"))
        flat = np.memmap(directory / WEIGHTS_FILE, dtype=np.float32, mode="r")
        tensors: dict[str, Array] = {}
        for name, entry in model["tensors"].items():
            start = int(entry["offset"]) // 4
            shape = tuple(int(n) for n in entry["shape"])
            count = int(np.prod(shape))
            if start + count > flat.size:
                raise InvalidModel(f"the tensor {name!r} runs past the end of {WEIGHTS_FILE}")
            tensors[name] = np.asarray(flat[start : start + count]).reshape(shape)
        return Weights(directory, model["settings"], model["tokenizer"], tensors)
    except FileNotFoundError as error:
        raise InvalidModel(f"{Path(error.filename).name} is missing") from None
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidModel(f"{MODEL_FILE} does not describe the weights ({error})") from None

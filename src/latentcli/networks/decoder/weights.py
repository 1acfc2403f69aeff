"""A converted language model opened from disk: settings, tokenizer data and memory-mapped tensors.

The directory is what `decoder.convert` wrote; the caller (latent's store) has checked that it is
complete and converted from the right file. What does not fit together here (a tensor past the
end of the weights, an index that does not parse) is `InvalidModel`, and the caller converts
again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from latentcli.networks.decoder.convert import MODEL_FILE, WEIGHTS_FILE

Array = np.ndarray[Any, np.dtype[np.float32]]


class InvalidModel(Exception):
    """A converted model that must not be used; the message says why."""


@dataclass(frozen=True)
class Weights:
    """Everything `language.convert` stored for one model."""

    directory: Path
    settings: dict[str, Any]
    tokenizer: dict[str, Any]
    tensors: dict[str, Array]

    def tensor(self, name: str) -> Array:
        try:
            return self.tensors[name]
        except KeyError:
            raise InvalidModel(f"it has no tensor {name!r}") from None


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
        raise InvalidModel(f"{error.filename} is missing") from None
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidModel(f"{MODEL_FILE} does not describe the weights ({error})") from None

"""What a local sentence-transformers / Hugging Face model directory holds, checked up front.

Accepts a model directory, a Hugging Face cache snapshot (``models--org--name/snapshots/<hash>``)
or the cache's repository directory (``models--org--name``, whose ``refs/main`` snapshot is
taken, else the newest). Reads ``modules.json`` (Transformer, Pooling, Normalize),
``config.json``, ``sentence_bert_config.json`` and the pooling config, and refuses anything this
package cannot run with one line naming the file and what is supported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from latentcli.errors import ModelError
from latentcli.networks.encoder import numbers
from latentcli.networks.encoder.network import SUPPORTED
from latentcli.networks.encoder.pooling import pooling_modes

WEIGHTS_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"
# by the class name that ends the module type (sentence_transformers.models.Pooling, or newer paths)
MODULE_TYPES = {"Transformer": "transformer", "Pooling": "pooling", "Normalize": "normalize"}


@dataclass(frozen=True)
class ModelDirectory:
    """The files and settings of one model directory, as sentence-transformers would load it."""

    path: Path
    config: dict[str, Any]
    weights: Path
    tokenizer: Path
    max_length: int
    pooling: tuple[str, ...]
    normalize: bool
    lowercase: bool  # sentence_bert_config's do_lower_case: lowercase text before tokenizing

    @property
    def kind(self) -> str:
        return str(self.config["model_type"])


def open_directory(path: Path) -> ModelDirectory:
    """Check ``path`` is a BERT or MPNet sentence encoder this package can run, and describe it."""
    root = resolve_snapshot(path)
    modules = _modules(root)
    transformer = root / modules.get("transformer", "")
    config_path = transformer / "config.json"
    config = _json(config_path)
    if config.get("model_type") not in SUPPORTED:
        raise ModelError(f"{config_path}: model_type {config.get('model_type')!r} is not "
                         f"supported (supported: {', '.join(SUPPORTED)})")
    numbers.checked(config, numbers.CONFIG, str(config_path), numbers.CONFIG_REQUIRED)
    weights = transformer / WEIGHTS_FILE
    if not weights.is_file():
        if (transformer / "pytorch_model.bin").is_file():
            raise ModelError(f"{transformer}: has only pytorch_model.bin, which needs pickle and "
                             f"torch to read; latent reads {WEIGHTS_FILE} only")
        raise ModelError(f"{transformer}: no {WEIGHTS_FILE} in the model directory")
    tokenizer = transformer / TOKENIZER_FILE
    if not tokenizer.is_file():
        raise ModelError(f"{transformer}: no {TOKENIZER_FILE} in the model directory")
    st_config_path = transformer / "sentence_bert_config.json"
    st_config = _json(st_config_path) if st_config_path.is_file() else {}
    numbers.checked(st_config, numbers.SENTENCE_CONFIG, str(st_config_path))
    max_length = st_config.get("max_seq_length") or _default_max_length(transformer, config)
    if "pooling" in modules:
        pooling_path = root / modules["pooling"] / "config.json"
        pooling = pooling_modes(_json(pooling_path), str(pooling_path))
    else:
        pooling = ("mean",)  # sentence-transformers' default for a plain Hugging Face model
    return ModelDirectory(root, config, weights, tokenizer, int(max_length), pooling,
                          "normalize" in modules, bool(st_config.get("do_lower_case")))


def resolve_snapshot(path: Path) -> Path:
    """The directory holding the model files, given it or a Hugging Face cache repository dir."""
    if not path.is_dir():
        raise ModelError(f"{path}: not a model directory (it does not exist or is not a folder)")
    snapshots = path / "snapshots"
    if not snapshots.is_dir() or (path / "config.json").exists():
        return path
    ref = path / "refs" / "main"
    if ref.is_file():
        chosen = snapshots / ref.read_text(encoding="utf-8").strip()
        if chosen.is_dir():
            return chosen
    candidates = [p for p in snapshots.iterdir() if p.is_dir()]
    if not candidates:
        raise ModelError(f"{path}: a Hugging Face cache directory with no snapshot in it")
    return max(candidates, key=lambda p: p.stat().st_mtime)


def _modules(root: Path) -> dict[str, str]:
    """Module kind → its folder, from modules.json (a plain HF model: the transformer alone)."""
    path = root / "modules.json"
    if not path.is_file():
        return {"transformer": ""}
    entries = _json(path, list)
    found: dict[str, str] = {}
    for entry in entries:
        kind = MODULE_TYPES.get(str(entry.get("type", "")).rsplit(".", 1)[-1])
        if kind is None:
            raise ModelError(f"{path}: module {entry.get('type')!r} is not supported "
                             "(only Transformer, Pooling and Normalize)")
        found[kind] = str(entry.get("path", ""))
    if "transformer" not in found:
        raise ModelError(f"{path}: lists no Transformer module")
    return found


def _default_max_length(transformer: Path, config: dict[str, Any]) -> int:
    """sentence-transformers' fallback: the tokenizer's and the position table's limits."""
    limit = config.get("max_position_embeddings") or 512
    if config.get("model_type") == "mpnet":
        limit -= 2  # positions start after the padding index
    tokenizer_config = transformer / "tokenizer_config.json"
    if tokenizer_config.is_file():
        settings = _json(tokenizer_config)
        numbers.checked(settings, numbers.TOKENIZER_CONFIG, str(tokenizer_config))
        limit = min(limit, settings.get("model_max_length") or limit)
    return limit


def _json(path: Path, kind: type = dict) -> Any:
    """A JSON file's content, which must be a ``kind``; anything else names the file."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ModelError(f"{path}: missing from the model directory") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"{path}: cannot read ({error})") from error
    if not isinstance(value, kind):
        raise ModelError(f"{path}: expected a JSON {kind.__name__}, found {type(value).__name__}")
    return value

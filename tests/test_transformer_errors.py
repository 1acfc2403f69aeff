"""Model directories latent cannot run: each is one `LatentError` line naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from latentcli.errors import BadVectorFile, LatentError, ModelError
from latentcli.transformer.encoder import Encoder
from transformer_files import TINY_BERT, TINY_MPNET, copy_model


def _fails(path: Path, error: type[LatentError], *fragments: str) -> str:
    with pytest.raises(error) as caught:
        Encoder.open(path)
    message = str(caught.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_unsupported_architecture(tmp_path: Path) -> None:
    model = copy_model(TINY_BERT, tmp_path / "m")
    config = json.loads((model / "config.json").read_text())
    config["model_type"] = "xlm-roberta"
    (model / "config.json").write_text(json.dumps(config))
    _fails(model, ModelError, str(model / "config.json"), "'xlm-roberta'", "bert, mpnet")


def test_pytorch_bin_only(tmp_path: Path) -> None:
    model = copy_model(TINY_BERT, tmp_path / "m")
    (model / "model.safetensors").rename(model / "pytorch_model.bin")
    _fails(model, ModelError, str(model), "pytorch_model.bin", "pickle", "model.safetensors")


def test_missing_safetensors(tmp_path: Path) -> None:
    model = copy_model(TINY_BERT, tmp_path / "m")
    (model / "model.safetensors").unlink()
    _fails(model, ModelError, str(model), "no model.safetensors")


def test_garbled_safetensors(tmp_path: Path) -> None:
    model = copy_model(TINY_MPNET, tmp_path / "m")
    weights = model / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-100])  # truncated download
    _fails(model, BadVectorFile, str(weights), "outside the")


def test_tokenizer_from_another_model(tmp_path: Path) -> None:
    model = copy_model(TINY_BERT, tmp_path / "m")
    (model / "tokenizer.json").write_bytes((TINY_MPNET / "tokenizer.json").read_bytes())
    spec = json.loads((model / "tokenizer.json").read_text())
    spec["model"]["vocab"]["extra"] = len(spec["model"]["vocab"]) + 10
    (model / "tokenizer.json").write_text(json.dumps(spec))
    _fails(model, ModelError, str(model / "tokenizer.json"), "word embeddings",
           "different models")


def test_not_a_directory_and_missing_config(tmp_path: Path) -> None:
    _fails(tmp_path / "absent", ModelError, str(tmp_path / "absent"), "not a model directory")
    model = copy_model(TINY_BERT, tmp_path / "m")
    (model / "config.json").unlink()
    _fails(model, ModelError, str(model / "config.json"), "missing")


def test_unsupported_module_and_pooling(tmp_path: Path) -> None:
    model = copy_model(TINY_BERT, tmp_path / "m")
    (model / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode": "median"}))
    _fails(model, ModelError, str(model / "1_Pooling" / "config.json"), "'median'")
    modules = json.loads((model / "modules.json").read_text())
    modules.append({"idx": 3, "name": "3", "path": "3_Dense",
                    "type": "sentence_transformers.models.Dense"})
    (model / "modules.json").write_text(json.dumps(modules))
    _fails(model, ModelError, str(model / "modules.json"), "Dense")

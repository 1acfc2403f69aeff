"""Model directories latent cannot run: each is one `LatentError` line naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from encoder_files import TINY_BERT, TINY_MPNET, copy_model
from latentcli.errors import BadVectorFile, LatentError, ModelError
from latentcli.networks.encoder.encoder import Encoder


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


def _set(file: str, key: str, value: object, under: str | None = None,  # type: ignore[no-untyped-def]
         without: str | None = None):
    """A breakage: ``key`` set to ``value`` in ``file`` of the model (inside ``under``), with
    the file ``without`` removed (so that ``file`` is read)."""
    def breaks(model: Path) -> tuple[Path, str]:
        if without:
            (model / without).unlink()
        path = model / file
        settings = json.loads(path.read_text()) if path.is_file() else {}
        (settings[under] if under else settings)[key] = value
        path.write_text(json.dumps(settings))
        return path, key
    return breaks


@pytest.mark.parametrize("breaks", [
    _set("sentence_bert_config.json", "max_seq_length", 0),
    _set("sentence_bert_config.json", "max_seq_length", -5),
    _set("sentence_bert_config.json", "max_seq_length", 12.5),
    _set("sentence_bert_config.json", "max_seq_length", True),
    _set("sentence_bert_config.json", "max_seq_length", "128"),
    _set("config.json", "num_attention_heads", 0),
    _set("config.json", "num_attention_heads", None),
    _set("config.json", "num_hidden_layers", -1),
    _set("config.json", "num_hidden_layers", 10**12),
    _set("config.json", "hidden_size", 0),
    _set("config.json", "vocab_size", -93),
    _set("config.json", "intermediate_size", 2.5),
    _set("config.json", "max_position_embeddings", 0),
    _set("config.json", "type_vocab_size", 0),
    _set("config.json", "layer_norm_eps", 0),
    _set("config.json", "layer_norm_eps", -1e-12),
    _set("config.json", "layer_norm_eps", float("nan")),
    _set("config.json", "layer_norm_eps", float("inf")),
    _set("tokenizer_config.json", "model_max_length", -1, without="sentence_bert_config.json"),
    _set("tokenizer.json", "max_input_chars_per_word", 0, under="model"),
])
@pytest.mark.parametrize("source", [TINY_BERT, TINY_MPNET])
def test_nonsense_numbers_in_a_config_are_refused(tmp_path: Path, breaks, source: Path) -> None:  # type: ignore[no-untyped-def]
    model = copy_model(source, tmp_path / "m")
    path, key = breaks(model)
    _fails(model, ModelError, str(path), key, "it must be")


@pytest.mark.parametrize(("key", "value"), [("hidden_size", 16), ("vocab_size", 9),
                                            ("max_position_embeddings", 64)])
def test_config_sizes_must_describe_the_weights(tmp_path: Path, key: str, value: int) -> None:
    model = copy_model(TINY_BERT, tmp_path / "m")
    _set("config.json", key, value)(model)
    _fails(model, ModelError, f"config.json says {key} {value}", "different models")


@pytest.mark.parametrize("length", [1, 2])
def test_a_max_seq_length_with_no_room_for_text_is_refused(tmp_path: Path, length: int) -> None:
    model = copy_model(TINY_BERT, tmp_path / "m")
    _set("sentence_bert_config.json", "max_seq_length", length)(model)
    _fails(model, ModelError, f"max_seq_length {length} leaves no room for text")


def _token_id(where: str, value: object):  # type: ignore[no-untyped-def]
    def breaks(model: Path) -> tuple[Path, str]:
        path = model / "tokenizer.json"
        spec = json.loads(path.read_text())
        if where == "vocab":
            spec["model"]["vocab"]["hello"] = value
        elif where == "added":
            spec["added_tokens"][0]["id"] = value
        else:
            spec["post_processor"]["special_tokens"]["[CLS]"]["ids"] = [value]
        path.write_text(json.dumps(spec))
        return path, "token id"
    return breaks


@pytest.mark.parametrize("breaks", [_token_id("vocab", -1), _token_id("vocab", 2.5),
                                    _token_id("added", -3), _token_id("special", "7")])
def test_nonsense_token_ids_are_refused(tmp_path: Path, breaks) -> None:  # type: ignore[no-untyped-def]
    model = copy_model(TINY_BERT, tmp_path / "m")
    path, what = breaks(model)
    _fails(model, ModelError, str(path), what, "whole number of at least 0")


def test_the_fixture_configs_open_unchanged() -> None:
    """The checks refuse only nonsense: both fixtures' configs, as written, still open."""
    for source in (TINY_BERT, TINY_MPNET):
        assert Encoder.open(source).directory.max_length > 2

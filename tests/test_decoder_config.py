"""The decoder's config is checked once, when a GGUF is converted and when a conversion is opened:
a count out of range is one sentence naming the setting, never a ZeroDivisionError deep in the
forward pass; a conversion whose settings, tensors and tokenizer disagree is rebuilt."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from decoder_files import TINY_GGUF, write_gguf
from latentcli.cli.app import app
from latentcli.networks.decoder.config import Config, ConfigError
from latentcli.networks.decoder.convert import convert
from latentcli.networks.decoder.decoder import Decoder
from latentcli.networks.decoder.weights import MODEL_FILE, InvalidModel
from latentcli.store.paths import cache_root

GOOD = {"layers": 2, "hidden": 64, "heads": 4, "kv_heads": 2, "head_dim": 16, "ffn": 128,
        "context": 256, "rope_dims": 16, "rope_base": 10000.0, "eps": 1e-5}


def test_the_tiny_models_settings_make_a_config() -> None:
    config = Config.from_settings(GOOD, vocabulary=339)
    assert (config.heads, config.kv_heads, config.group, config.vocabulary) == (4, 2, 2, 339)


@pytest.mark.parametrize(("change", "message"), [
    ({"heads": 0}, "heads must be a whole number above 0, not 0"),
    ({"kv_heads": 0}, "kv_heads must be a whole number above 0, not 0"),
    ({"layers": -2}, "layers must be a whole number above 0, not -2"),
    ({"context": 0}, "context must be a whole number above 0, not 0"),
    ({"ffn": 128.0}, "ffn must be a whole number above 0, not 128.0"),
    ({"hidden": True}, "hidden must be a whole number above 0, not True"),
    ({"head_dim": "16"}, "head_dim must be a whole number above 0, not '16'"),
    ({"kv_heads": 3}, "the 4 query heads cannot share 3 key/value heads evenly"),
    ({"rope_dims": 15}, "rope_dims must be even and at most head_dim (16), not 15"),
    ({"rope_dims": 18}, "rope_dims must be even and at most head_dim (16), not 18"),
    ({"eps": 0.0}, "eps must be a finite number above 0, not 0.0"),
    ({"eps": math.nan}, "eps must be a finite number above 0, not nan"),
    ({"rope_base": math.inf}, "rope_base must be a finite number above 0, not inf"),
    ({"rope_base": -1.0}, "rope_base must be a finite number above 0, not -1.0"),
    ({"heads": None}, "heads must be a whole number above 0, not None"),
])
def test_a_setting_out_of_range_is_one_error_naming_it(change: dict[str, Any],
                                                       message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        Config.from_settings({**GOOD, **change}, vocabulary=339)
    assert str(refused.value) == message


def test_missing_settings_are_named_and_the_vocabulary_is_checked() -> None:
    partial = {k: v for k, v in GOOD.items() if k not in ("eps", "heads")}
    with pytest.raises(ConfigError, match="the settings lack heads, eps"):
        Config.from_settings(partial, vocabulary=339)
    with pytest.raises(ConfigError, match="vocabulary must be a whole number above 0, not 0"):
        Config.from_settings(GOOD, vocabulary=0)
    with pytest.raises(ConfigError, match="the settings are not a table"):
        Config.from_settings([], vocabulary=339)  # type: ignore[arg-type]


@pytest.mark.parametrize(("counts", "message"), [
    ({"attention.head_count": 0}, "heads must be a whole number above 0, not 0"),
    ({"attention.head_count_kv": 3}, "the 4 query heads cannot share 3 key/value heads evenly"),
    ({"rope.dimension_count": 17}, "rope_dims must be even and at most head_dim (16), not 17"),
    ({"context_length": 0}, "context must be a whole number above 0, not 0"),
])
def test_a_gguf_with_a_setting_out_of_range_is_refused_by_name(
        runner, tmp_path: Path, counts: dict[str, int], message: str) -> None:
    bad = write_gguf(tmp_path / "bad.gguf", counts=counts)
    result = runner.invoke(app, ["generate", "hi", "-m", str(bad)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"Error: bad.gguf: its llama settings are out of range: {message}\n"
    assert not list((cache_root() / "language").iterdir())  # nothing half-written is left


def damage(edit: Callable[[dict[str, Any]], None], directory: Path) -> None:
    model = json.loads((directory / MODEL_FILE).read_text("utf-8"))
    edit(model)
    (directory / MODEL_FILE).write_text(json.dumps(model), "utf-8")


def _zero_heads(model: dict[str, Any]) -> None:
    model["settings"]["heads"] = 0


def _no_down_projection(model: dict[str, Any]) -> None:
    del model["tensors"]["blk.1.ffn_down.weight"]


def _narrow_query(model: dict[str, Any]) -> None:
    model["tensors"]["blk.0.attn_q.weight"]["shape"] = [32, 64]


def _more_tokens(model: dict[str, Any]) -> None:
    model["tokenizer"]["tokens"].append("extra")
    model["tokenizer"]["types"].append(1)


def _layers_as_text(model: dict[str, Any]) -> None:
    model["settings"]["layers"] = "abc"


def _no_tokens(model: dict[str, Any]) -> None:
    del model["tokenizer"]["tokens"]


def _negative_shape(model: dict[str, Any]) -> None:
    model["tensors"]["token_embd.weight"]["shape"] = [-1, 64]


def _fewer_types(model: dict[str, Any]) -> None:
    model["tokenizer"]["types"].pop()


def _bos_beyond(model: dict[str, Any]) -> None:
    model["tokenizer"]["bos"] = 339


def _a_token_that_is_a_number(model: dict[str, Any]) -> None:
    model["tokenizer"]["tokens"][7] = 7


def _no_architecture(model: dict[str, Any]) -> None:
    del model["settings"]["architecture"]


@pytest.mark.parametrize(("edit", "message"), [
    (_zero_heads, "its settings are out of range: heads must be a whole number above 0, not 0"),
    (_no_down_projection, "it has no tensor 'blk.1.ffn_down.weight'"),
    (_narrow_query, "its tensor 'blk.0.attn_q.weight' is 32 x 64, not 64 x 64 as its settings "
                    "say"),
    (_more_tokens, "its tokenizer has 340 tokens but its embedding only 339 rows"),
    (_layers_as_text, "its settings are out of range: layers must be a whole number above 0, "
                      "not 'abc'"),
    (_no_tokens, "its tokenizer table has no valid 'tokens'"),
    (_negative_shape, "model.json gives the tensor 'token_embd.weight' the offset 0 and shape "
                      "[-1, 64]"),
    (_fewer_types, "its tokenizer has 338 token types for 339 tokens"),
    (_bos_beyond, "its bos token is id 339, but its tokenizer has 339 tokens"),
    (_a_token_that_is_a_number, "its tokenizer's tokens are not all strings"),
    (_no_architecture, "its settings table has no valid 'architecture'"),
])
def test_a_conversion_that_disagrees_with_itself_is_invalid(
        tmp_path: Path, edit: Callable[[dict[str, Any]], None], message: str) -> None:
    convert(TINY_GGUF, tmp_path)
    Decoder.open(tmp_path, "tiny")
    damage(edit, tmp_path)
    with pytest.raises(InvalidModel) as invalid:
        Decoder.open(tmp_path, "tiny")
    assert str(invalid.value) == message


@pytest.mark.parametrize(("edit", "message"), [
    (_zero_heads, "heads must be a whole number above 0, not 0"),
    (_layers_as_text, "layers must be a whole number above 0, not 'abc'"),
    (_no_tokens, "its tokenizer table has no valid 'tokens'"),
    (_negative_shape, "gives the tensor 'token_embd.weight' the offset 0 and shape [-1, 64]"),
])
def test_a_conversion_with_a_damaged_config_is_converted_again(
        runner, tmp_path: Path, edit: Callable[[dict[str, Any]], None], message: str) -> None:
    """Settings out of range under a meta.json that vouches for them (its size and digest of
    model.json rewritten): opening's checks, not the digest, find them, and the store converts
    the file again."""
    from latentcli.store.artifacts import META_FILE, file_digest

    gguf = Path(shutil.copy(TINY_GGUF, tmp_path / "mine.gguf"))
    first = runner.invoke(app, ["generate", "The", "-m", str(gguf), "--json"])
    assert first.exit_code == 0, first.stderr
    (entry,) = (cache_root() / "language").iterdir()
    damage(edit, entry)
    meta = json.loads((entry / META_FILE).read_text("utf-8"))
    meta["files"][MODEL_FILE] = (entry / MODEL_FILE).stat().st_size
    meta["digests"][MODEL_FILE] = file_digest(entry / MODEL_FILE)
    (entry / META_FILE).write_text(json.dumps(meta), "utf-8")
    again = runner.invoke(app, ["generate", "The", "-m", str(gguf), "--json"])
    assert again.exit_code == 0 and again.stdout == first.stdout
    assert f"{message}); rebuilding it" in again.stderr
    info = runner.invoke(app, ["models", "info", str(gguf), "--json"])
    assert info.exit_code == 0 and info.stderr == ""

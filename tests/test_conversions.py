"""Language-model conversions are store artifacts like any other: built once even when several
processes race, listed with their source and size, removable by their listed name once the GGUF
is gone, checked by the digest of their settings, and their token spaces derived from them. A GGUF
file is known by its content (replaced: converted again; moved or copied: not), and a conversion
killed, out of disk or out of memory leaves nothing behind that `latent models` does not sweep."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from crafted_gguf import grown
from decoder_files import TINY_GGUF, write_gguf
from latentcli.cli.app import app
from latentcli.store.artifacts import META_FILE, file_digest, read_meta
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
    meta = read_meta(conversion, "language model")
    assert meta["source"] == {"kind": "gguf", "size": gguf.stat().st_size,
                              "sha256": file_digest(gguf)}
    assert list(meta["paths"]) == [str(gguf)]


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
    assert removed[0].startswith("language/gguf-") and removed[1:] == tokens
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
    """The token space's fingerprint holds the conversion's: another model in the file rebuilds
    both."""
    gguf = mine(tmp_path)
    assert runner.invoke(app, ["neighbors", "cat", "-m", str(gguf)]).exit_code == 0
    [tokens] = (cache_root() / "models").iterdir()
    before = read_meta(tokens)["source"]
    assert before["conversion"]["sha256"] == file_digest(gguf)
    write_gguf(gguf, seed=1)
    result = runner.invoke(app, ["neighbors", "cat", "-m", str(gguf)])
    assert result.exit_code == 0
    [tokens] = (cache_root() / "models").iterdir()
    after = read_meta(tokens)["source"]
    assert after["conversion"]["sha256"] == file_digest(gguf) != before["conversion"]["sha256"]
    assert (tokens / META_FILE).is_file() and not hidden(cache_root() / "models")
    assert len(list((cache_root() / "language").iterdir())) == 1  # the old one is dropped


# --- a GGUF file is known by its content (issue 24: A6, F22) -----------------------------------

def generated(runner, gguf: Path) -> str:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["generate", "The cat", "-m", str(gguf), "--max-tokens", "8",
                                 "--json"])
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["text"])


def _moved_over(path: Path, other: Path) -> None:
    os.replace(other, path)


def _written_in_place(path: Path, other: Path) -> None:
    with path.open("r+b") as handle:
        handle.write(other.read_bytes())


@pytest.mark.parametrize("replace", [_moved_over, _written_in_place])
def test_a_gguf_replaced_by_another_of_the_same_size_and_time_is_converted_again(
        runner, tmp_path: Path, replace: Callable[[Path, Path], None]) -> None:
    gguf, other = mine(tmp_path), write_gguf(tmp_path / "other.gguf", seed=1)
    other_size = other.stat().st_size
    assert gguf.stat().st_size == other_size
    expected = generated(runner, Path(shutil.copy(other, tmp_path / "expected.gguf")))
    before = generated(runner, gguf)
    assert before != expected
    times = (gguf.stat().st_atime_ns, gguf.stat().st_mtime_ns)
    replace(gguf, other)
    os.utime(gguf, ns=times)
    assert (gguf.stat().st_size, gguf.stat().st_mtime_ns) == (other_size, times[1])
    assert generated(runner, gguf) == expected
    # the replaced model's conversion is dropped: no path holds it any more
    keys = {conversion["key"] for conversion in listing(runner)["conversions"]}
    assert len(keys) == 1 and len(list((cache_root() / "language").iterdir())) == 1


def test_a_moved_gguf_is_not_converted_again(runner, tmp_path: Path) -> None:
    gguf = mine(tmp_path)
    first = generated(runner, gguf)
    [conversion] = (cache_root() / "language").iterdir()
    weights = (conversion / "weights.f32").stat()
    moved = gguf.rename(tmp_path / "moved.gguf")
    assert generated(runner, moved) == first
    assert [conversion] == list((cache_root() / "language").iterdir())
    again = (conversion / "weights.f32").stat()
    assert (again.st_ino, again.st_mtime_ns) == (weights.st_ino, weights.st_mtime_ns)
    [listed] = listing(runner)["conversions"]
    assert listed["source"] == f"file {gguf}, {moved}" and listed["path"] == str(moved)
    assert listed["source_present"] is True and listed["name"] == "mine.gguf"


def test_two_paths_to_one_content_share_one_conversion_hashed_once_each(
        runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each path is hashed once: after that, the state its conversion recorded (device, inode,
    size, times) vouches for it. rm by either path or by the listed name removes it."""
    from latentcli.store import language_models

    hashed: list[Path] = []

    def counted(path: Path) -> str:
        hashed.append(path)
        return file_digest(path)

    monkeypatch.setattr(language_models, "file_digest", counted)
    one = mine(tmp_path)
    two = Path(shutil.copy(one, tmp_path / "two.gguf"))
    for gguf in (one, one, two, two, one):
        generated(runner, gguf)
    assert hashed == [one, two]
    [listed] = listing(runner)["conversions"]
    assert listed["source"] == f"file {one}, {two}" and listed["name"] == "mine.gguf"
    for gguf in (one, two):  # one token space, named as asked
        words = runner.invoke(app, ["neighbors", "cat", "-m", str(gguf), "--json"])
        assert json.loads(words.stdout)["model"] == f"{gguf.name}-tokens"
    removed = json.loads(runner.invoke(app, ["models", "rm", str(two), "--json"]).stdout)
    assert removed["removed"] == [listed["key"], f"{listed['key'].split('/')[1]}-tokens"]
    assert listing(runner)["conversions"] == [] and listing(runner)["cached"] == []
    assert one.is_file() and two.is_file()


def test_meta_json_replaced_by_a_directory_is_repaired(runner, tmp_path: Path) -> None:
    gguf = mine(tmp_path)
    first = generated(runner, gguf)
    [conversion] = (cache_root() / "language").iterdir()
    (conversion / META_FILE).unlink()
    (conversion / META_FILE).mkdir()
    result = runner.invoke(app, ["generate", "The cat", "-m", str(gguf), "--max-tokens", "8",
                                 "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["text"] == first
    assert "(meta.json is a directory); rebuilding it" in result.stderr
    assert (conversion / META_FILE).is_file() and not hidden(cache_root() / "language")


def test_a_directory_named_like_a_gguf_says_so(runner, tmp_path: Path) -> None:
    folder = tmp_path / "dir.gguf"
    folder.mkdir()
    result = runner.invoke(app, ["generate", "hi", "-m", str(folder)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: not a GGUF file: {folder} is a directory\n"


# --- a conversion killed, out of room or out of memory (issue 24: E20, F22) --------------------

def test_a_killed_conversion_is_listed_while_its_process_lives_and_swept_after(
        runner, tmp_path: Path) -> None:
    """SIGKILL cannot be caught: the scratch directory stays. `latent models` lists it as a
    build in progress while its process lives (stopped, here), and sweeps it once it is gone."""
    big = grown(TINY_GGUF, tmp_path / "big.gguf", "token_embd.weight", 1_000_000)
    language = cache_root() / "language"
    process = subprocess.Popen(
        [sys.executable, "-m", "latentcli", "generate", "hi", "-m", str(big)],
        env={**os.environ, "LATENT_CACHE_DIR": str(cache_root())},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not (language.is_dir() and hidden(language)):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.005)
        process.send_signal(signal.SIGSTOP)
        leftovers = listing(runner)["leftovers"]
        assert leftovers and {(leftover["purpose"], leftover["pid"]) for leftover in leftovers
                              } == {("building", process.pid)}
        assert all(leftover["directory"].startswith("language/.") for leftover in leftovers)
    finally:
        process.kill()
        process.communicate()
    assert hidden(language)  # SIGKILL left it
    assert listing(runner)["leftovers"] == []
    assert list(language.iterdir()) == []


def test_a_full_disk_while_converting_names_the_file(tmp_path: Path) -> None:
    """A file-size limit stands in for a full disk: the write fails the same way, an OSError
    that names no file. The error names the cache and the file; nothing is left behind."""
    gguf = mine(tmp_path)
    cache = tmp_path / "cache"

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    result = subprocess.run(
        [sys.executable, "-m", "latentcli", "generate", "hi", "-m", str(gguf)],
        env={**os.environ, "LATENT_CACHE_DIR": str(cache)}, preexec_fn=limit,
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and result.stdout == ""
    language = cache / "language"
    assert result.stderr.startswith(f"Error: cannot write the model cache in {language}: File "
                                    f"too large: {language}/.gguf-"), result.stderr
    assert result.stderr.endswith("/weights.f32\n") and result.stderr.count("\n") == 1
    assert list(language.iterdir()) == []


def test_running_out_of_memory_while_converting_says_what_and_what_to_do(
        tmp_path: Path) -> None:
    """A process allowed 1 GiB more than it holds once started converts a GGUF whose embedding
    (a hole in the file: 512 MB of float16 mapped) needs 1 GB as float32."""
    big = grown(TINY_GGUF, tmp_path / "big.gguf", "token_embd.weight", 4_000_000)
    cache = tmp_path / "cache"
    code = ("import resource, sys\n"
            "import numpy, gguf.quants, latentcli.entry, latentcli.cli.app\n"
            "status = open('/proc/self/status').read().split('VmSize:')[1].split()[0]\n"
            "limit = int(status) * 1024 + (1 << 30)\n"
            "resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
            "latentcli.entry.main(sys.argv[1:])\n")
    result = subprocess.run(
        [sys.executable, "-c", code, "generate", "hi", "-m", str(big)],
        env={**os.environ, "LATENT_CACHE_DIR": str(cache), "OPENBLAS_NUM_THREADS": "1"},
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        "Error: out of memory converting big.gguf: its tensor 'token_embd.weight' takes 1.0 GB "
        "as float32, and more while it is dequantized; close other programs and try again, or "
        "use a smaller model\n")
    assert list((cache / "language").iterdir()) == []


def test_a_conversion_made_before_files_were_known_by_content_is_replaced(
        runner, tmp_path: Path) -> None:
    """Conversions used to be keyed by path and fingerprinted by size and time: the first open of
    that path converts it by content and drops the old one (it vouches for nothing)."""
    from latentcli.networks.decoder.convert import convert
    from latentcli.store.artifacts import install
    from latentcli.store.language_models import conversion

    gguf = mine(tmp_path)
    legacy = {"kind": "file", "path": str(gguf), "size": gguf.stat().st_size,
              "mtime_ns": gguf.stat().st_mtime_ns}
    old = cache_root() / "language" / "mine-0123456789"
    install(conversion(old, "mine.gguf", legacy), lambda directory: convert(gguf, directory)
            or {})
    assert [model["key"] for model in listing(runner)["conversions"]] == [
        "language/mine-0123456789"]
    generated(runner, gguf)
    [listed] = listing(runner)["conversions"]
    assert listed["key"].startswith("language/gguf-") and not old.exists()


def test_a_gguf_path_in_a_symlink_loop_is_one_line(runner, tmp_path: Path) -> None:
    loop = tmp_path / "loop.gguf"
    loop.symlink_to(tmp_path / "loop.gguf")
    result = runner.invoke(app, ["generate", "hi", "-m", str(loop)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"Error: {loop}: a symbolic link that leads back to itself\n"

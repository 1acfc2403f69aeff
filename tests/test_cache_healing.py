"""Damaged cache entries heal; good ones are never thrown away for an I/O error (issue 10)."""

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import vectorfiles
from conftest import TINY_VECTORS, TINY_WORDS, Recorder, fake_words
from latentcli.cli.app import app
from latentcli.core.queries import neighbors
from latentcli.core.vocabulary import SORTED_FILE, WORDS_FILE
from latentcli.errors import BadVectorFile, ModelError
from latentcli.store import resolve as models
from latentcli.store.artifacts import META_FILE, read_meta
from latentcli.store.entries import NORMS_FILE, VECTORS_FILE
from latentcli.store.paths import cache_root
from latentcli.store.sources import Loaded


def entry() -> Path:
    return cache_root() / "models" / "tiny-builtin"


def edit_meta(change):
    def damage(path: Path) -> None:
        meta = json.loads((path / META_FILE).read_text())
        change(meta)
        (path / META_FILE).write_text(json.dumps(meta))
    return damage


def same_size_garbage(name, keep_header=False):
    def damage(path: Path) -> None:
        data = bytearray((path / name).read_bytes())
        start = 128 if keep_header else 0
        data[start:] = bytes([0xFF]) * (len(data) - start)
        (path / name).write_bytes(bytes(data))
    return damage


def nested_meta(path: Path) -> None:
    (path / META_FILE).write_text("[" * 100_000 + "]" * 100_000)


def nan_norm(path: Path) -> None:
    norms = np.load(path / NORMS_FILE)
    norms[2] = np.nan
    np.save(path / NORMS_FILE, norms)


@pytest.mark.parametrize("damage", [
    edit_meta(lambda meta: meta.pop("count")),
    edit_meta(lambda meta: meta.update(dims="4")),
    edit_meta(lambda meta: meta.update(files=[])),
    edit_meta(lambda meta: meta.update(count=True)),
    nested_meta,
    same_size_garbage(WORDS_FILE),
    same_size_garbage(SORTED_FILE, keep_header=True),
    nan_norm,
])
def test_any_bad_content_is_invalid_and_rebuilt(tiny_builtin, damage):
    models.open_space("tiny-builtin", Recorder())
    damage(entry())
    recorder = Recorder()
    space = models.open_space("tiny-builtin", recorder)
    assert len(tiny_builtin) == 2
    assert "rebuilding" in recorder.messages[0]
    assert space.vocabulary.row("queen") == 1
    read_meta(entry())


def test_a_nan_row_is_reported_once_then_rebuilt(tiny_builtin):
    models.open_space("tiny-builtin", Recorder())
    vectors = np.load(entry() / VECTORS_FILE)
    vectors[4] = np.nan
    np.save(entry() / VECTORS_FILE, vectors)
    damaged = models.open_space("tiny-builtin", Recorder())
    with pytest.raises(ModelError, match="will be rebuilt on the next run"):
        neighbors(damaged, "king")
    space = models.open_space("tiny-builtin", Recorder())
    assert len(tiny_builtin) == 2
    assert np.isfinite(np.asarray(space.vectors)).all()


def test_a_permission_error_never_discards_the_entry(tiny_builtin, monkeypatch):
    models.open_space("tiny-builtin", Recorder())
    real = Path.read_bytes

    def refuse(path):
        if path.name == META_FILE:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(PermissionError):
        models.open_space("tiny-builtin", Recorder())
    monkeypatch.setattr(Path, "read_bytes", real)
    assert read_meta(entry())["count"] == len(TINY_WORDS)
    assert len(tiny_builtin) == 1


def test_a_damaged_entry_stays_until_its_replacement_exists(monkeypatch):
    """A catalogue model offline: the rebuild fails, and the old entry is still there."""
    calls = []

    def load(reporter):
        calls.append(1)
        if len(calls) > 1:
            raise ModelError("offline")
        return Loaded(list(TINY_WORDS), TINY_VECTORS)

    fake_words(monkeypatch, "offline", load, {"kind": "catalogue"})
    models.open_space("offline", Recorder())
    edit_meta(lambda meta: meta.pop("dims"))(cache_root() / "models" / "offline")
    with pytest.raises(ModelError, match="offline"):
        models.open_space("offline", Recorder())
    assert (cache_root() / "models" / "offline" / VECTORS_FILE).exists()


def test_installing_keeps_the_real_cause(tiny_builtin, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "/cache/x/norms.npy")

    monkeypatch.setattr("latentcli.store.entries.write_vocabulary", full)
    with pytest.raises(ModelError, match=r"No space left on device: /cache/x/norms\.npy"):
        models.open_space("tiny-builtin", Recorder())


def test_overflowing_norms_are_refused_naming_the_file(runner, tmp_path):
    path = vectorfiles.glove(tmp_path / "big.txt", ["a", "b"], np.array([[1.0, 2.0],
                                                                          [3e30, 3e30]]))
    result = runner.invoke(app, ["neighbors", "a", "-m", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: big.txt")
    assert "'b'" in result.stderr and "overflows float32" in result.stderr
    with pytest.raises(BadVectorFile):
        models.open_space(str(path), Recorder())


@pytest.mark.parametrize("folder", ["models", "spaces", "language", "encoders", "tours",
                                    "downloads", "embeddings/all-minilm-l6-v2-0123456789ab"])
def test_stale_scratch_is_listed_then_swept_in_every_folder(runner, folder: str) -> None:
    """Killed builds leave scratch directories (and killed writers half-written files) in any
    folder of the cache: listed while their process lives, swept once it is gone."""
    where = cache_root() / folder
    dead = where / ".x.building-999999999-abc"
    alive = where / f".y.building-{os.getpid()}-def"
    dead_file = where / ".z.json.999999999-0a1b.partial"
    alive_file = where / f".w.json.{os.getpid()}-2c3d.partial"
    for path in (dead, alive):
        path.mkdir(parents=True)
        (path / "vectors.npy").write_bytes(b"0" * 10)
    for path in (dead_file, alive_file):
        path.write_bytes(b"0" * 7)
    doc = json.loads(runner.invoke(app, ["models", "--json"]).stdout)
    assert doc["leftovers"] == [
        {"directory": f"{folder}/{alive_file.name}", "purpose": "writing", "pid": os.getpid(),
         "size": 7},
        {"directory": f"{folder}/{alive.name}", "purpose": "building", "pid": os.getpid(),
         "size": 10}]
    assert not dead.exists() and not dead_file.exists() and alive.exists()
    os.utime(alive, (0, 0))  # over an hour old: swept even though its process lives
    os.utime(alive_file, (0, 0))
    assert json.loads(runner.invoke(app, ["models", "--json"]).stdout)["leftovers"] == []
    assert sorted(where.iterdir()) == []


def test_a_limit_at_or_above_the_vocabulary_uses_the_full_entry(runner, tmp_path):
    path = vectorfiles.glove(tmp_path / "ten.txt")
    for limit in ("10", "50", None):
        extra = ["--limit", limit] if limit else []
        result = runner.invoke(app, ["neighbors", "king", "-m", str(path), *extra])
        assert result.exit_code == 0, result.stderr
    keys = [p.name for p in (cache_root() / "models").iterdir()]
    assert len(keys) == 1 and "-first" not in keys[0]


def test_rm_refuses_a_name_shared_by_two_files(runner, tmp_path):
    paths = [vectorfiles.glove(tmp_path / side / "same.txt") for side in ("a", "b")
             if (tmp_path / side).mkdir() is None]
    for path in paths:
        assert runner.invoke(app, ["neighbors", "king", "-m", str(path)]).exit_code == 0
    result = runner.invoke(app, ["models", "rm", "same.txt"])
    assert result.exit_code == 2
    assert "names 2 different models" in result.stderr
    assert all(str(path) in result.stderr for path in paths)
    assert len(list((cache_root() / "models").iterdir())) == 2
    assert runner.invoke(app, ["models", "rm", str(paths[0])]).exit_code == 0
    assert len(list((cache_root() / "models").iterdir())) == 1


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_a_killed_cold_start_leaves_nothing_for_long(runner, tmp_path, monkeypatch,
                                                    signal_number):
    """Killed mid-conversion: SIGTERM/SIGHUP unwind and clean up; after SIGKILL, the next run
    sweeps the dead process's scratch directory."""
    env = {**os.environ, "LATENT_CACHE_DIR": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-m", "latentcli", "neighbors", "king"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("models/.*building*")) and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=60)
    assert b"Traceback" not in stderr
    assert process.returncode in (128 + signal_number, -signal_number)
    if signal_number != signal.SIGKILL:
        assert list(tmp_path.glob("models/.*")) == []
    monkeypatch.setenv("LATENT_CACHE_DIR", str(tmp_path))
    assert json.loads(runner.invoke(app, ["models", "--json"]).stdout)["leftovers"] == []
    assert list(tmp_path.glob("models/.*")) == []


def test_a_garbled_row_found_at_lookup_is_rebuilt(tiny_builtin, monkeypatch):
    """One bad row the open-time sample missed: the lookup that meets it reports it once, and
    the next run rebuilds the entry."""
    from latentcli.core.vocabulary import Vocabulary

    models.open_space("tiny-builtin", Recorder())
    order = np.load(entry() / SORTED_FILE)
    order[3] = 10**9
    np.save(entry() / SORTED_FILE, order)
    monkeypatch.setattr(Vocabulary, "problem", lambda self, samples=64: None)  # not sampled
    damaged = models.open_space("tiny-builtin", Recorder())
    with pytest.raises(ModelError, match="vocabulary files are inconsistent"):
        for word in TINY_WORDS:
            damaged.lookup(word)
    assert models.open_space("tiny-builtin", Recorder()).vocabulary.row("woman") == 3
    assert len(tiny_builtin) == 2


@pytest.mark.parametrize("query", [["king"], ["king - man + woman"], ["man", "apple"]])
def test_a_nan_row_a_query_touches_is_reported_once_then_rebuilt(runner, tiny_builtin,
                                                                 query):
    """A NaN row written into vectors.npy (norms untouched, so opening does not see it): the
    query that uses the row as input says the entry is damaged, and the next run rebuilds it."""
    models.open_space("tiny-builtin", Recorder())
    vectors = np.load(entry() / VECTORS_FILE)
    vectors[TINY_WORDS.index(query[0].split()[0])] = np.nan
    np.save(entry() / VECTORS_FILE, vectors)
    command = "similarity" if len(query) == 2 else "neighbors"
    result = runner.invoke(app, [command, *query, "-m", "tiny-builtin"])
    assert result.exit_code == 1
    assert "damaged file" in result.stderr and "zero vector" not in result.stderr
    result = runner.invoke(app, [command, *query, "-m", "tiny-builtin"])
    assert result.exit_code == 0, result.output
    assert "rebuilding" in result.stderr
    assert len(tiny_builtin) == 2

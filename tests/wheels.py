"""Wheels built on the spot, served to pip with ``--no-index --find-links``: no network."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(folder: Path, package: str, version: str, files: dict[str, bytes],
                license_text: bytes, tamper: str | None = None) -> Path:
    """A wheel of ``files`` (member name → bytes) with a dist-info, a license and a RECORD of
    their sha256; ``tamper`` names a member altered after RECORD was written."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = package.replace("-", "_")
    info = f"{stem}-{version}.dist-info"
    members = {f"{stem}/__init__.py": b"",
               f"{info}/METADATA": (f"Metadata-Version: 2.1\nName: {package}\n"
                                    f"Version: {version}\nRequires-Dist: torch\n").encode(),
               f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                b"Tag: py3-none-any\n",
               f"{info}/licenses/LICENSE": license_text, **files}
    record = "".join(f"{name},sha256={_digest(data)},{len(data)}\n"
                     for name, data in members.items()) + f"{info}/RECORD,,\n"
    if tamper is not None:
        members[tamper] = members[tamper][:-4] + b"\0\0\0\1"
    wheel = folder / f"{stem}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr(f"{info}/RECORD", record)
    return wheel

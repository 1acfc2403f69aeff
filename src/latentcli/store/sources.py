"""Word models: where word vectors come from, and the references that open them.

A `WordsReference` is the built-in GloVe (read from its package), a gensim-data catalogue model
(downloaded once, verified, deleted after conversion), a vector file, or a language model's
token embeddings (`language_models.TokenWords`). Its vectors are read into memory (`Loaded`) only
to build an entry under ``models/``: the whole model's, or a ``--limit``'s first words when the
whole model is not converted; once converted, ``--limit`` is a view of the entry's first rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from latentcli.errors import ModelError
from latentcli.store.artifacts import (
    META_FILE,
    Artifact,
    check_writable,
    install,
    open_valid,
    reopened,
    unwritable,
)
from latentcli.store.builtins import Builtin, Kind
from latentcli.store.entries import FORMAT_VERSION, KIND, open_vectors
from latentcli.store.paths import DOWNLOADS
from latentcli.store.reference import NO_COLUMNS, Columns, Reference

if TYPE_CHECKING:
    import numpy.typing as npt

    from latentcli.core.progress import Reporter
    from latentcli.core.space import Space
    from latentcli.core.subwords import Subwords
    from latentcli.store.catalogue import CatalogueModel


class Loaded(NamedTuple):
    """A model's words and raw rows, ready for conversion, and anything the user should hear."""

    words: list[str]
    matrix: npt.NDArray[np.floating]
    notes: tuple[str, ...] = ()
    subwords: Subwords | None = None
    complete: bool = True  # False: --limit cut the model short (else the limit changed nothing)

    def limited(self, limit: int | None) -> Loaded:
        """The first ``limit`` words, noting whether that left any out."""
        if limit is None or len(self.words) <= limit:
            return self
        return Loaded(self.words[:limit], self.matrix[:limit], self.notes, self.subwords, False)


def load_glove(builtin: Builtin, folder: Path, limit: int | None, reporter: Reporter) -> Loaded:
    """The built-in GloVe from its package's ``folder``: a matrix and a Parquet index of the
    words."""
    import pyarrow.parquet as pq

    matrix_file, index_file = builtin.wheels[0].files
    with reporter.working(f"Converting {builtin.name} into the cache (once)"):
        words = pq.read_table(folder / index_file, columns=["index"]).column("index").to_pylist()
    return Loaded(words, np.load(folder / matrix_file, mmap_mode="r")).limited(limit)


def load_file(path: Path, name: str, limit: int | None, trust: bool, columns: Columns,
              reporter: Reporter) -> Loaded:
    """A vector file in any format `store.readers` knows, reading no further than ``limit``."""
    from latentcli.store.readers import read_vectors

    with reporter.progress(f"Reading {name}", path.stat().st_size) as progress:
        # One word past the limit tells whether the limit left anything out.
        vectors = read_vectors(path, None if limit is None else limit + 1, progress, trust,
                               columns)
    return Loaded(vectors.words, vectors.matrix, tuple(vectors.notes(path)),
                  vectors.subwords).limited(limit)


def load_catalogue(model: CatalogueModel, downloads: Path, limit: int | None,
                   reporter: Reporter) -> Loaded:
    """A gensim-data model: downloaded (verified) into ``downloads``, read, then deleted."""
    from latentcli.store.download import download

    target = downloads / f"{model.name}.gz"
    with reporter.progress(f"Downloading {model.name}", model.size) as progress:
        try:
            download(model.url, target, model.md5, progress)
        except ModelError as error:
            raise ModelError(f"{model.name} needs a download ({model.size / 1e6:,.0f} MB) "
                             f"that failed: {error}. If you have the file, pass its path "
                             "instead: --model path/to/vectors") from None
    try:
        return load_file(target, model.name, limit, False, NO_COLUMNS, reporter)
    finally:
        target.unlink(missing_ok=True)


def limited_key(key: str, limit: int | None) -> str:
    """The entry key of a model cut to its first ``limit`` words."""
    return f"{key}-first{limit}" if limit else key


def entries_of(models: Path, key: str) -> list[Path]:
    """The entry ``key`` under ``models`` and its ``--limit`` variants, those that exist."""
    limited = re.compile(re.escape(key) + r"-first[0-9]+")
    entries = sorted(models.iterdir()) if models.is_dir() else []
    return [entry for entry in entries if entry.name == key or limited.fullmatch(entry.name)]


def sanitised(name: str) -> str:
    """``name`` as part of an entry's directory name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:60]


def file_fingerprint(path: Path) -> dict[str, Any]:
    """What tells a changed file from the one an entry was built from, without reading it."""
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def path_digest(text: str) -> str:
    """A short digest of a path: two files of one name get two keys."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:12]


@dataclass(kw_only=True, eq=False, repr=False)
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
        # named as asked: an entry can be shared (the tokens of one GGUF content at two paths)
        space = open_valid(whole, partial(open_vectors, limit=limit, name=self.name), reporter)
        if space is not None:
            return space
        if limit is not None:
            space = open_valid(self.artifact(limit, columns),
                               partial(open_vectors, name=self.name), reporter)
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


@dataclass(kw_only=True, eq=False, repr=False)
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
        return load_glove(self.builtin, self._folder(), limit, reporter)


@dataclass(kw_only=True, eq=False, repr=False)
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

        return load_catalogue(CATALOGUE[self.name], self.root / DOWNLOADS, limit, reporter)


@dataclass(kw_only=True, eq=False, repr=False)
class FileWords(WordsReference):
    """A vector file, cached under its name plus a hash of its absolute path (and of the
    columns chosen in a table, when they are given)."""

    takes_columns = True
    path: Path

    def _key(self, limit: int | None, columns: Columns) -> str:
        if columns == NO_COLUMNS:
            return limited_key(self.key, limit)
        named = f"{self.path}\0{columns}"
        return limited_key(f"{sanitised(self.path.name)}-{path_digest(named)}", limit)

    def fingerprint(self, limit: int | None = None, columns: Columns = NO_COLUMNS
                    ) -> dict[str, Any]:
        from latentcli.store.readers.stream import check_readable

        check_readable(self.path)
        chosen = {} if columns == NO_COLUMNS else {"columns": list(columns)}
        return {"kind": "file", **file_fingerprint(self.path), "limit": limit, **chosen}

    def load(self, reporter: Reporter, limit: int | None = None, trust: bool = False,
             columns: Columns = NO_COLUMNS) -> Loaded:
        return load_file(self.path, self.name, limit, trust, columns, reporter)

"""Where word vectors come from, read into memory for conversion: the built-in GloVe's package, a
gensim-data catalogue model (downloaded once, verified, deleted after conversion) or a vector
file. Only building an entry reads them; `store.resolve` says which one a name means.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from latentcli.errors import ModelError

if TYPE_CHECKING:
    import numpy.typing as npt

    from latentcli.core.progress import Reporter
    from latentcli.core.subwords import Subwords
    from latentcli.store.builtins import Builtin
    from latentcli.store.catalogue import CatalogueModel

Columns = tuple[str | None, str | None]  # --vectors-column, --labels-column (tables only)
NO_COLUMNS: Columns = (None, None)


@dataclass(frozen=True)
class Loaded:
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

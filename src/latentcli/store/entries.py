"""Vector entries: a model's words and unit vectors in latent's own files, opened as a `Space`.

An entry holds ``vectors.npy`` (float32, rows L2-normalised), ``norms.npy`` (the original row
norms), the vocabulary files of `latentcli.core.vocabulary` and, for fastText, ``ngrams.npy``; its
``meta.json`` (`store.artifacts`) adds the word count and dimensions. `write_vectors` writes them
(the matrix normalised in chunks straight into the output, so a memory-mapped source is never
loaded whole); `open_vectors` checks what is cheap enough for every open and returns the
`Space`, cut to its first words when asked. `Space.damaged` reports what the checks miss.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from latentcli.core.space import Space, normalise_rows
from latentcli.core.subwords import NGRAMS_FILE, Subwords
from latentcli.core.vocabulary import (
    OFFSETS_FILE,
    SORTED_FILE,
    WORDS_FILE,
    Vocabulary,
    write_vocabulary,
)
from latentcli.errors import ModelError
from latentcli.store.artifacts import (
    Artifact,
    InvalidArtifact,
    Seen,
    install,
    mark_damaged,
    read_meta,
)
from latentcli.store.builtins import Kind
from latentcli.store.reference import Columns, Reference

if TYPE_CHECKING:
    import numpy.typing as npt

    from latentcli.core.progress import Reporter
    from latentcli.core.text_encoder import TextEncoder

KIND = "vectors"
FORMAT_VERSION = 1
VECTORS_FILE = "vectors.npy"
NORMS_FILE = "norms.npy"
DATA_FILES = (VECTORS_FILE, NORMS_FILE, WORDS_FILE, OFFSETS_FILE, SORTED_FILE)
CHUNK_BYTES = 1 << 23  # rows are normalised this much at a time: the temporaries stay small


class UnusableRow(ValueError):
    """A row whose norm is not finite (its values' squares overflow float32): refused at
    conversion, so no entry holds a vector without a direction or a length."""

    def __init__(self, row: int) -> None:
        self.row = row
        super().__init__("is too long: its length overflows float32 (values near 1e19 or more)")


def chunk_rows(dims: int) -> int:
    """How many rows of ``dims`` float32s make about `CHUNK_BYTES`."""
    return max(1, CHUNK_BYTES // (4 * max(1, dims)))


def write_vectors(directory: Path, words: list[str], matrix: npt.NDArray[np.floating],
                  extras: Mapping[str, npt.NDArray[np.floating]] | None = None
                  ) -> dict[str, Any]:
    """Write ``matrix`` (rows in ``words`` order) as an entry's files in ``directory``; the
    entry's own meta keys. ``extras`` are further arrays (fastText's n-gram vectors) saved under
    their names."""
    for name, array in (extras or {}).items():
        np.save(directory / name, array)
    count, dims = matrix.shape
    norms = np.empty(count, dtype=np.float32)
    # Plain writes, not a memory map: mapped output pages would count against the process's
    # memory on top of the source matrix (a 3.6 GB model would need twice that resident).
    with open(directory / VECTORS_FILE, "wb") as out:
        np.lib.format.write_array_header_1_0(out, {
            "descr": np.lib.format.dtype_to_descr(np.dtype(np.float32)),
            "fortran_order": False, "shape": (int(count), int(dims))})
        step = chunk_rows(dims)
        for start in range(0, count, step):
            chunk = np.asarray(matrix[start : start + step], dtype=np.float32)
            with np.errstate(over="ignore", invalid="ignore"):  # refused just below
                unit, norms[start : start + len(chunk)] = normalise_rows(chunk)
            finite = np.isfinite(norms[start : start + len(chunk)])
            if not finite.all():
                raise UnusableRow(start + int(np.argmin(finite)))
            out.write(np.ascontiguousarray(unit).data)
    np.save(directory / NORMS_FILE, norms)
    write_vocabulary(directory, words)
    return {"count": int(count), "dims": int(dims)}


def write_entry(target: Path, words: list[str], matrix: npt.NDArray[np.floating],
                meta: Mapping[str, Any],
                extras: Mapping[str, npt.NDArray[np.floating]] | None = None,
                replace: bool | Seen = False) -> None:
    """Install ``words`` and ``matrix`` as the entry at ``target`` (`artifacts.install`);
    ``meta`` holds its ``name`` and ``source`` and any keys of its own (a named space's
    encoder)."""
    own = {key: value for key, value in meta.items() if key not in ("name", "source")}
    artifact = Artifact(target, KIND, FORMAT_VERSION, str(meta["name"]), meta["source"])
    install(artifact, lambda directory: {**own, **write_vectors(directory, words, matrix, extras)},
            replace)


def open_vectors(directory: Path, meta: dict[str, Any], *, name: str | None = None,
                 encoder: TextEncoder | None = None, of_texts: bool = False,
                 limit: int | None = None) -> Space:
    """The entry as a `Space` named ``name`` (else its recorded name), its first ``limit`` words
    only when given, after the checks that are cheap enough for every open: shapes, dtypes, the
    vocabulary files (`Vocabulary.problem`) and finite norms (a NaN row in the matrix has a NaN
    norm). Bad content is `InvalidArtifact`; an `OSError` other than a missing file (permission,
    I/O) propagates, so the entry is not thrown away for it."""
    count, dims, shape = meta.get("count"), meta.get("dims"), meta.get("subwords")
    if (not isinstance(count, int) or not isinstance(dims, int) or count < 1 or dims < 1
            or isinstance(count, bool) or isinstance(dims, bool)):
        raise InvalidArtifact("meta.json has no valid count and dims")
    if not set(DATA_FILES) <= set(meta["files"]):
        raise InvalidArtifact("meta.json does not list the entry's files")
    try:
        vocabulary = Vocabulary.open(directory)
        vectors = np.load(directory / VECTORS_FILE, mmap_mode="r")
        norms = np.load(directory / NORMS_FILE, mmap_mode="r")
        subwords = (Subwords(np.load(directory / NGRAMS_FILE, mmap_mode="r"),
                             int(shape["min_n"]), int(shape["max_n"]))
                    if isinstance(shape, dict) else None)
    except FileNotFoundError as error:
        raise InvalidArtifact(f"a file is missing: {error.filename}") from None
    except (ValueError, KeyError, TypeError, EOFError) as error:
        raise InvalidArtifact(f"a file does not open: {error}") from None
    if (vectors.shape != (count, dims) or len(vocabulary) != count or norms.shape != (count,)
            or vectors.dtype != np.float32 or norms.dtype != np.float32):
        raise InvalidArtifact("the files disagree on the model's size")
    problem = vocabulary.problem()
    if problem is None and not np.isfinite(norms).all():
        problem = "norms.npy holds values that are not finite"
    if subwords is not None and (subwords.vectors.ndim != 2 or subwords.vectors.shape[1] != dims):
        problem = "the subword vectors do not match the model"
    if problem is not None:
        raise InvalidArtifact(problem)
    if limit is not None and limit < count:
        vocabulary, vectors, norms = vocabulary.first(limit), vectors[:limit], norms[:limit]
    return Space(name or str(meta["name"]), vocabulary, vectors, norms, subwords,
                 on_damage=partial(mark_damaged, directory), encoder=encoder, of_texts=of_texts)


@dataclass(kw_only=True, eq=False, repr=False)
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

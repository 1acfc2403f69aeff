"""A ``.npy`` matrix with its words in ``vocab.txt`` beside it (one word per line, in row order).

Anything after the first whitespace on a vocab line is ignored, so word2vec's ``-save-vocab``
output (``word count``) works as it is. The matrix is memory-mapped and copied in chunks.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from latentcli.core.progress import Progress
from latentcli.errors import BadVectorFile
from latentcli.store.readers.collect import Vectors, from_matrix
from latentcli.store.readers.stream import BOM, check_readable

VOCAB_FILE = "vocab.txt"


def read_npy(path: Path, limit: int | None, progress: Progress) -> Vectors:
    vocab = path.parent / VOCAB_FILE
    if not vocab.exists():
        raise BadVectorFile(path, f"a .npy matrix needs its words in {VOCAB_FILE} beside it")
    check_readable(vocab)
    try:
        with warnings.catch_warnings():  # a damaged header can make numpy's parser warn too
            warnings.simplefilter("ignore")
            matrix = np.load(path, mmap_mode="r", allow_pickle=False)
    except Exception as error:  # numpy's header parser raises many types on damaged headers
        raise BadVectorFile(path, f"not a readable .npy matrix ({type(error).__name__}: "
                                  f"{error})") from None
    if matrix.ndim != 2 or matrix.dtype.kind not in "fiu" or matrix.shape[1] < 1:
        raise BadVectorFile(path, f"holds a {matrix.dtype} array of shape {matrix.shape}, "
                                  "not a 2-D numeric matrix")
    words = [line.split(maxsplit=1)[0] if line.strip() else b""
             for line in vocab.read_bytes().removeprefix(BOM).splitlines()]
    if len(words) != matrix.shape[0]:
        raise BadVectorFile(vocab, f"has {len(words)} words but {path.name} has "
                                   f"{matrix.shape[0]} rows")
    collector = from_matrix(path, words, matrix, limit)
    progress(path.stat().st_size)
    return collector.result("npy+vocab")

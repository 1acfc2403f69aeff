"""Files only gensim can read: its native pickles (``.kv``, ``.model``) and fastText ``.bin``.

Unpickling runs code stored in the file, so native files are refused unless the user says
``--trust``. fastText binaries are not pickles; they keep their n-gram vectors (`Subwords`), so
words outside the vocabulary still get a vector. gensim is imported only here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from latentcli.core.subwords import Subwords
from latentcli.errors import BadVectorFile, ModelError
from latentcli.store.readers.collect import Vectors, from_matrix


def read_gensim(path: Path, limit: int | None, trust: bool) -> Vectors:
    if not trust:
        raise ModelError(f"{path} is a gensim native (pickled) file: loading it runs code stored "
                         "in the file. Pass --trust if you trust its origin, or convert it with "
                         "gensim's save_word2vec_format and open that instead")
    from gensim.models import KeyedVectors
    from gensim.utils import SaveLoad

    try:
        loaded = SaveLoad.load(str(path))
    except Exception as error:  # unpickling a damaged file can raise anything
        raise BadVectorFile(path, f"gensim could not load it ({type(error).__name__}: "
                                  f"{error})") from None
    keyed = getattr(loaded, "wv", loaded)
    if not isinstance(keyed, KeyedVectors):
        raise BadVectorFile(path, f"holds a {type(loaded).__name__}, not word vectors")
    return _from_keyed(path, keyed, limit, "gensim")


def read_fasttext(path: Path, limit: int | None) -> Vectors:
    from gensim.models.fasttext import load_facebook_vectors

    try:
        keyed = load_facebook_vectors(str(path))
    except Exception as error:  # gensim's parser raises whatever a damaged file provokes
        raise BadVectorFile(path, f"not a readable fastText binary ({type(error).__name__}: "
                                  f"{error})") from None
    return _from_keyed(path, keyed, limit, "fasttext-binary")


def _from_keyed(path: Path, keyed: Any, limit: int | None, kind: str) -> Vectors:
    words = [word.encode("utf-8", "replace") for word in keyed.index_to_key]
    vectors = from_matrix(path, words, keyed.vectors, limit).result(kind)
    ngrams = getattr(keyed, "vectors_ngrams", None)
    if getattr(keyed, "bucket", 0) and ngrams is not None and len(ngrams):
        subwords = Subwords(ngrams.astype("float32", copy=False), keyed.min_n, keyed.max_n)
        return Vectors(vectors.words, vectors.matrix, kind, vectors.duplicates,
                       vectors.replaced, subwords)
    return vectors

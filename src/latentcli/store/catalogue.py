"""The gensim-data catalogue: models that can be named with ``--model`` and are downloaded once.

Names, file names, sizes, record counts and MD5 checksums are gensim-data's own, as published in
its ``list.json`` (https://github.com/RaRe-Technologies/gensim-data). Each model is one gzipped
file at ``{base}/{name}/{name}.gz``; the readers recognise its format by content.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DOWNLOAD_BASE_URL = "https://github.com/RaRe-Technologies/gensim-data/releases/download"


@dataclass(frozen=True)
class CatalogueModel:
    name: str
    size: int  # bytes to download
    md5: str
    words: int
    dims: int

    @property
    def url(self) -> str:
        """Where to fetch it; ``$LATENT_DOWNLOAD_URL`` replaces the base (tests, mirrors)."""
        base = os.environ.get("LATENT_DOWNLOAD_URL") or DOWNLOAD_BASE_URL
        return f"{base.rstrip('/')}/{self.name}/{self.name}.gz"


# name, bytes to download, MD5, words, dimensions: gensim-data's list.json.
_LISTED = """
glove-wiki-gigaword-50             69182535 c289bc5d7f2f02c6dc9f2f9b67641813  400000  50
glove-wiki-gigaword-100           134300434 40ec481866001177b8cd4cb0df92924f  400000 100
glove-wiki-gigaword-200           264336934 59652db361b7a87ee73834a6c391dfc1  400000 200
glove-wiki-gigaword-300           394362229 29e9329ac2241937d55b852e8284e89b  400000 300
glove-twitter-25                  109885004 50db0211d7e7a2dcd362c6b774762793 1193514  25
glove-twitter-50                  209216938 c168f18641f8c8a00fe30984c4799b2b 1193514  50
glove-twitter-100                 405932991 b04f7bed38756d64cf55b58ce7e97b15 1193514 100
glove-twitter-200                 795373100 e52e8392d1860b95d5308a525817d8f9 1193514 200
word2vec-google-news-300         1743563840 a5e5354d40acb95f9ec66d5977d140ef 3000000 300
fasttext-wiki-news-subwords-300  1005007116 de2bb3a20c46ce65c9c131e1ad9a77af  999999 300
conceptnet-numberbatch-17-06-300 1225497562 fd642d457adcd0ea94da0cd21b150847 1917247 300
word2vec-ruscorpora-300           208427381 9bdebdc8ae6d17d20839dd9b5af10bc4  184973 300
"""

CATALOGUE: dict[str, CatalogueModel] = {
    name: CatalogueModel(name, int(size), md5, int(words), int(dims))
    for name, size, md5, words, dims in (line.split() for line in _LISTED.strip().splitlines())}

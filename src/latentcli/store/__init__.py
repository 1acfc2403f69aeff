"""The model store: what ``--model`` names, and every artifact latent keeps in its cache.

`resolve` is the one table that says what a ``-m`` value means (a `Reference`, opened as a
`Space` or a `Decoder`); `builtins` is the one table of models latent knows by name; `artifacts`
is the one artifact format (``meta.json``), open-or-build, atomic installer and sweep of
leftovers; `paths` says where the cache is. The kinds: `entries` (vector entries, read from
`sources`: GloVe's package, the catalogue, a file, through `readers`), `language_models`
(GGUF conversions and their token spaces), `encoders` + `encoder_spaces` (sentence encoders and
their candidate spaces), `named_spaces` and `vector_cache` (your embedded texts); `wheels`
fetches a built-in's wheels, `catalogue` and `download` gensim-data models; `inventory` is what
``latent models`` lists, describes, fetches and removes; `tourcache` keeps the tour's sections.
"""

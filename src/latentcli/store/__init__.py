"""The model store: what ``--model`` names, where its vectors come from, and latent's cache.

`resolve` says which model a name means and opens it as a `Space` (with its namer when asked);
`sources` are where word vectors come from (built-in, catalogue, file) and `entries` the cache
entries built from them; `encoder_spaces` open sentence encoders (and named spaces) over
candidate words; `named_spaces` and `vector_cache` keep your embedded texts; `readers` read
every file format; `catalogue` and `download` fetch gensim-data models; `cache` is the on-disk
format; `inventory` is what ``latent models`` lists, describes and removes.
"""

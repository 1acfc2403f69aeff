"""The model store: what ``--model`` names, where its vectors come from, and latent's cache.

`resolve` turns a name or path into an open `Space`; `readers` read every file format;
`catalogue` and `download` fetch gensim-data models; `cache` is the on-disk format;
`inventory` is what ``latent models`` lists, describes and removes.
"""

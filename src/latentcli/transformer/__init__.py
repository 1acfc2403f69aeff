"""A numpy-only sentence-transformers encoder (BERT-family and MPNet models).

Nothing here is imported by ``import latentcli``: numpy and scipy load only when this package is
used. It depends on nothing else in latentcli but `latentcli.errors`.
"""

"""Analyses over a `Space`: pure functions returning result dataclasses, no printing.

Heavy libraries (scikit-learn, umap) are imported inside the functions that need them.
"""

"""Sentences shared by the terminal map and the HTML map, so both say the same thing."""

from __future__ import annotations

from latentcli.results.structure import Axis, MapResult

METHOD_NAMES = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP", "axes": "semantic axes"}


def map_title(result: MapResult) -> str:
    method = METHOD_NAMES.get(result.method, result.method)
    return f"Map of {len(result.points)} words in {result.model} ({method})"


def axis_name(axis: Axis) -> str:
    if axis.explained_variance is None:
        return axis.name
    return f"{axis.name} ({axis.explained_variance:.1%} of variance)"


def trust_summary(result: MapResult) -> str:
    return (f"Trust {result.trust:.2f}: of each word's {result.trust_k} nearest neighbours among "
            f"these {len(result.points)} words (by cosine on the full vectors), "
            f"{result.trust:.0%} on average are also nearest on this map")


def method_name(method: str) -> str:
    """The name an analogy method goes by in the literature."""
    return "3CosAdd" if method == "add" else "3CosMul"


SHORT_TEXT = 50  # characters of a text shown in a table cell


def shorten(text: str, width: int = SHORT_TEXT) -> str:
    """``text`` on one line, cut to ``width`` characters with … when longer (tables only: JSON and
    HTML keep the whole text)."""
    flat = " ".join(text.split()) if any(ch in text for ch in "\n\r\t") else text
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"

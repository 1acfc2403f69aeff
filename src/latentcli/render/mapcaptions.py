"""What a map says besides its points: its title, its axes' names and how far to trust it, worded
once for the terminal map, the HTML map and the explorer's map panel."""

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

"""Rich output for `cluster`: one row per cluster, and captions that say how good the split is and
how the names were chosen."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Column

from latentcli.render.bars import bars
from latentcli.render.tables import bar_column, emit, plain_table, shorten
from latentcli.results.structure import Cluster, ClusterResult

MEMBERS_SHOWN = 12


def clusters_table(console: Console, result: ClusterResult) -> None:
    """One row per cluster: label, size, cohesion (with a bar) and its most central members."""
    words = sum(len(cluster.members) for cluster in result.clusters)
    method = "k-means" if result.method == "kmeans" else "agglomerative, average cosine"
    table = plain_table(Column("#", justify="right", style="dim"), Column("name", style="bold"),
                        Column("or", style="dim"), "size>", "cohesion>", bar_column("cyan"),
                        "members")
    drawn = bars([cluster.cohesion for cluster in result.clusters], 10)
    for rank, (cluster, cohesion) in enumerate(zip(result.clusters, drawn, strict=True), 1):
        shown = ", ".join(map(shorten, cluster.members[:MEMBERS_SHOWN]))
        more = len(cluster.members) - MEMBERS_SHOWN
        table.add_row(str(rank), shorten(cluster.label),
                      ", ".join(map(shorten, cluster.label_candidates)),
                      str(len(cluster.members)), f"{cluster.cohesion:.3f}", cohesion,
                      shown + (f", … (+{more})" if more > 0 else ""))
    emit(console, f"{result.k} clusters of {words} words in {result.model} ({method})", table,
         [_silhouette_caption(result), naming_caption(result.clusters)])


def _silhouette_caption(result: ClusterResult) -> str:
    if result.silhouette is None:
        return "Silhouette: undefined (needs 2 or more clusters and fewer clusters than words)"
    text = f"Silhouette (cosine): {result.silhouette:.3f}"
    if result.auto and result.candidates:
        tried = ", ".join(f"k={score.k}: {score.silhouette:.3f}" for score in result.candidates)
        text += f"; k chosen from {tried}"
    return text + "."


def naming_caption(clusters: Sequence[Cluster]) -> str:
    """Names are the model's guesses, and the user should know how they were made."""
    methods = ", ".join(dict.fromkeys(cluster.label_method for cluster in clusters))
    return f"Names are chosen automatically from the model's own words ({methods})."

"""Rich tables for query results: rank, word, similarity and a bar that shows it at a glance."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from latentcli.errors import clip
from latentcli.render.bars import bars
from latentcli.render.wording import method_name, shorten
from latentcli.results import AnalogyResult, NeighborsResult, Scored, WeightedWord
from latentcli.results.structure import Cluster, ClusterResult

PLAIN_ABOVE = 200  # rows; rich lays out each row (~0.7 ms apiece), so long tables go plain


def show(console: Console, table: Table) -> None:
    """Print ``table`` so that it fits and stays fast: on a narrow terminal the bar columns
    (headed "") go first, so words are never squeezed out; a long table is written as plain
    aligned columns, in time linear in its rows."""
    texts = [[str(column.header), *(cell.plain if isinstance(cell, Text) else str(cell)
                                    for cell in column.cells)] for column in table.columns]
    widths = [max(map(len, cells)) for cells in texts]
    if sum(widths) + 2 * (len(widths) - 1) > console.width:
        keep = [index for index, column in enumerate(table.columns) if column.header != ""]
        table.columns = [table.columns[index] for index in keep]
        texts, widths = [texts[index] for index in keep], [widths[index] for index in keep]
    if table.row_count <= PLAIN_ABOVE:
        console.print(table)
        return
    right = [column.justify == "right" for column in table.columns]
    lines = ("  ".join(cell.rjust(width) if is_right else cell.ljust(width)
                       for cell, width, is_right in zip(row, widths, right, strict=True)).rstrip()
             for row in zip(*texts, strict=True))
    console.file.write("\n".join(lines) + "\n")


def plain_table(*columns: str) -> Table:
    """A plain table; a heading ending in ``>`` marks a right-aligned (numeric) column."""
    table = Table(box=None, pad_edge=False)
    for column in columns:
        right = column.endswith(">")
        table.add_column(column.removesuffix(">"), justify="right" if right else "left")
    return table


def describe_terms(terms: Sequence[WeightedWord]) -> str:
    """The query as a title repeats it: weights written out, a long query clipped with …."""
    parts = []
    for index, term in enumerate(terms):
        sign = "-" if term.weight < 0 else "+"
        size = abs(term.weight)
        weighted = term.word if size == 1 else f"{size:g}*{term.word}"
        parts.append(weighted if index == 0 and sign == "+" else f"{sign} {weighted}")
    return clip(" ".join(parts))


def scores_table(rows: Sequence[Scored], heading: str, marked: str | None = None) -> Table:
    """Ranked words with their scores and bars; the ``marked`` word stands out in red."""
    table = Table(box=None, pad_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("word", style="bold")
    table.add_column(heading, justify="right")
    table.add_column("", style="cyan", no_wrap=True)
    drawn = bars([row.similarity for row in rows])
    for rank, (row, shown) in enumerate(zip(rows, drawn, strict=True), 1):
        word = Text(shorten(row.word), style="red" if row.word == marked else "")
        table.add_row(str(rank), word, f"{row.similarity:.4f}", shown)
    return table


def _excluded_caption(excluded: Sequence[str], flag: str) -> Text | None:
    if not excluded:
        return None
    words = ", ".join(excluded)
    return Text(f"Left out, as inputs: {words}{flag}", style="dim")


def neighbors_table(console: Console, result: NeighborsResult) -> None:
    title = f"Nearest to {describe_terms(result.terms)} in {result.model}"
    console.print(Text(title, style="bold"))
    show(console, scores_table(result.neighbors, "similarity"))
    if len(result.terms) > 1:
        caption = _excluded_caption(result.excluded, "")
        if caption:
            console.print(caption)


def analogy_table(console: Console, result: AnalogyResult) -> None:
    method = method_name(result.method)
    heading = "similarity" if result.method == "add" else "score"
    title = f"{describe_terms(result.terms)} ≈ ?   ({method}, {result.model})"
    console.print(Text(title, style="bold"))
    show(console, scores_table(result.results, heading))
    caption = _excluded_caption(result.excluded, " (--allow-inputs keeps them)")
    if caption:
        console.print(caption)


MEMBERS_SHOWN = 12


def clusters_table(console: Console, result: ClusterResult) -> None:
    """One row per cluster: label, size, cohesion (with a bar) and its most central members."""
    words = sum(len(cluster.members) for cluster in result.clusters)
    method = "k-means" if result.method == "kmeans" else "agglomerative, average cosine"
    title = f"{result.k} clusters of {words} words in {result.model} ({method})"
    console.print(Text(title, style="bold"))
    table = Table(box=None, pad_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("name", style="bold")
    table.add_column("or", style="dim")
    table.add_column("size", justify="right")
    table.add_column("cohesion", justify="right")
    table.add_column("", style="cyan", no_wrap=True)
    table.add_column("members")
    drawn = bars([cluster.cohesion for cluster in result.clusters], 10)
    for rank, (cluster, cohesion) in enumerate(zip(result.clusters, drawn, strict=True), 1):
        shown = ", ".join(map(shorten, cluster.members[:MEMBERS_SHOWN]))
        more = len(cluster.members) - MEMBERS_SHOWN
        table.add_row(str(rank), shorten(cluster.label),
                      ", ".join(map(shorten, cluster.label_candidates)),
                      str(len(cluster.members)), f"{cluster.cohesion:.3f}", cohesion,
                      shown + (f", … (+{more})" if more > 0 else ""))
    show(console, table)
    console.print(Text(_silhouette_caption(result), style="dim"))
    console.print(Text(naming_caption(result.clusters), style="dim"))


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

"""Rich output for `neighbors` and `analogy`: ranked words with their scores and bars, under a
title that repeats the query."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from latentcli.errors import clip
from latentcli.render.bars import bars
from latentcli.render.tables import bar_column, emit, plain_table, shorten
from latentcli.results import AnalogyResult, NeighborsResult, Scored, WeightedWord


def describe_terms(terms: Sequence[WeightedWord]) -> str:
    """The query as a title repeats it: weights written out, a long query clipped with …."""
    parts = []
    for index, term in enumerate(terms):
        sign = "-" if term.weight < 0 else "+"
        size = abs(term.weight)
        weighted = term.word if size == 1 else f"{size:g}*{term.word}"
        parts.append(weighted if index == 0 and sign == "+" else f"{sign} {weighted}")
    return clip(" ".join(parts))


def method_name(method: str) -> str:
    """The name an analogy method goes by in the literature."""
    return "3CosAdd" if method == "add" else "3CosMul"


def scores_table(rows: Sequence[Scored], heading: str, marked: str | None = None) -> Table:
    """Ranked words with their scores and bars; the ``marked`` word stands out in red."""
    table = plain_table(Column("#", justify="right", style="dim"), Column("word", style="bold"),
                        f"{heading}>", bar_column("cyan"))
    drawn = bars([row.similarity for row in rows])
    for rank, (row, shown) in enumerate(zip(rows, drawn, strict=True), 1):
        word = Text(shorten(row.word), style="red" if row.word == marked else "")
        table.add_row(str(rank), word, f"{row.similarity:.4f}", shown)
    return table


def _excluded_caption(excluded: Sequence[str], flag: str) -> str | None:
    return f"Left out, as inputs: {', '.join(excluded)}{flag}" if excluded else None


def neighbors_table(console: Console, result: NeighborsResult) -> None:
    emit(console, f"Nearest to {describe_terms(result.terms)} in {result.model}",
         scores_table(result.neighbors, "similarity"),
         [_excluded_caption(result.excluded, "")] if len(result.terms) > 1 else [])


def analogy_table(console: Console, result: AnalogyResult) -> None:
    heading = "similarity" if result.method == "add" else "score"
    emit(console, f"{describe_terms(result.terms)} ≈ ?   ({method_name(result.method)}, "
                  f"{result.model})",
         scores_table(result.results, heading),
         [_excluded_caption(result.excluded, " (--allow-inputs keeps them)")])

"""Rich output for directions and relations: axis, steer, path, odd and similarity."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from latentcli.render.bars import bar, bars
from latentcli.render.queries import scores_table
from latentcli.render.tables import bar_column, emit, plain_table
from latentcli.results.directions import (
    AxisResult,
    OddResult,
    PathResult,
    SimilarityResult,
    SteerResult,
)

STRIP_WIDTH = 60


def strip(values: Sequence[float], width: int = STRIP_WIDTH) -> str:
    """A one-line plot: a dot per value on a scale symmetric around zero (marked ``│``)."""
    reach = max((abs(value) for value in values), default=0.0) or 1.0
    cells = ["─"] * width
    cells[(width - 1) // 2] = "│"
    for value in values:
        cells[round((value / reach + 1) / 2 * (width - 1))] = "●"
    return "".join(cells)


def axis_table(console: Console, result: AxisResult) -> None:
    pairs = "".join(f", {a}→{b}" for a, b in result.pairs)
    table = plain_table("#>", "word", "projection>", bar_column())
    gap_after = len(result.words) // 2 if result.omitted else len(result.words)
    drawn = bars([item.projection for item in result.words])
    for index, (item, shown) in enumerate(zip(result.words, drawn, strict=True)):
        if index == gap_after:
            table.add_row("", f"… {result.omitted} more …", "", "")
        rank = index + 1 + (result.omitted if index >= gap_after else 0)
        table.add_row(str(rank), item.word, f"{item.projection:+.4f}", shown)
    emit(console, f"Along {result.start} → {result.end}{pairs}   ({result.model})", table,
         [Text(f"{result.start} {strip([w.projection for w in result.words])} {result.end}")])


def steer_table(console: Console, result: SteerResult) -> None:
    direction = f"{result.away} → {result.toward}" if result.away else f"toward {result.toward}"
    table = plain_table("strength>", "nearest words")
    for step in result.steps:
        table.add_row(f"{step.strength:.2f}", ", ".join(
            f"{n.word} {n.similarity:.2f}" for n in step.neighbors))
    emit(console, f"Steering {result.word} {direction}   ({result.model})", table,
         [f"Left out, as inputs: {', '.join(result.excluded)}"])


def path_table(console: Console, result: PathResult) -> None:
    table = plain_table("t>", "word", "similarity>", f"to {result.start}>", f"to {result.end}>")
    for step in result.steps:
        table.add_row(f"{step.t:.2f}", step.word, f"{step.similarity:.4f}",
                      f"{step.to_start:.4f}", f"{step.to_end:.4f}")
    emit(console, f"Path {result.start} → {result.end}   ({result.model})", table)


def odd_table(console: Console, result: OddResult) -> None:
    emit(console, f"Odd one out: {result.odd}   ({result.model})",
         scores_table(result.ranked, "similarity to the mean", marked=result.odd))


def _heat(value: float) -> str:
    if value >= 0.999:
        return "dim"
    if value >= 0.6:
        return "bold green"
    if value >= 0.3:
        return "green"
    return "yellow" if value >= 0.0 else "red"


def similarity_table(console: Console, result: SimilarityResult) -> None:
    if result.similarity is not None:
        first, second = result.words
        console.print(Text(f"{first} ~ {second}: {result.similarity:.4f}  "
                           f"{bar(result.similarity)}   ({result.model})"))
        return
    emit(console, f"Cosine similarity   ({result.model})",
         cosine_table(result.words, result.matrix))


def cosine_table(labels: Sequence[str], matrix: Sequence[Sequence[float]]) -> Table:
    """A matrix of cosines, coloured by strength, one row and one column per label."""
    table = plain_table("", *(f"{label}>" for label in labels))
    for label, line in zip(labels, matrix, strict=True):
        table.add_row(Text(label, style="bold"),
                      *(Text(f"{value:.3f}", style=_heat(value)) for value in line))
    return table

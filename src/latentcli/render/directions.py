"""Rich output for directions, relations, comparisons and benchmark evaluations."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from latentcli.render.bars import bar, bars
from latentcli.results import Scored
from latentcli.results.directions import (
    AnalogyEvaluation,
    AxisResult,
    CompareResult,
    OddResult,
    PairEvaluation,
    PathResult,
    SimilarityResult,
    SteerResult,
)

STRIP_WIDTH = 60


def _table(*columns: str) -> Table:
    """A plain table; a heading ending in ``>`` marks a right-aligned (numeric) column."""
    table = Table(box=None, pad_edge=False)
    for column in columns:
        right = column.endswith(">")
        table.add_column(column.removesuffix(">"), justify="right" if right else "left")
    return table


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
    console.print(Text(f"Along {result.start} → {result.end}{pairs}   ({result.model})",
                       style="bold"))
    table = _table("#>", "word", "projection>", "")
    gap_after = len(result.words) // 2 if result.omitted else len(result.words)
    drawn = bars([item.projection for item in result.words])
    for index, (item, shown) in enumerate(zip(result.words, drawn, strict=True)):
        if index == gap_after:
            table.add_row("", f"… {result.omitted} more …", "", "")
        rank = index + 1 + (result.omitted if index >= gap_after else 0)
        table.add_row(str(rank), item.word, f"{item.projection:+.4f}", shown)
    console.print(table)
    console.print(Text(f"{result.start} {strip([w.projection for w in result.words])} "
                       f"{result.end}"))


def steer_table(console: Console, result: SteerResult) -> None:
    direction = f"{result.away} → {result.toward}" if result.away else f"toward {result.toward}"
    console.print(Text(f"Steering {result.word} {direction}   ({result.model})", style="bold"))
    table = _table("strength>", "nearest words")
    for step in result.steps:
        table.add_row(f"{step.strength:.2f}", ", ".join(
            f"{n.word} {n.similarity:.2f}" for n in step.neighbors))
    console.print(table)
    console.print(Text(f"Left out, as inputs: {', '.join(result.excluded)}", style="dim"))


def path_table(console: Console, result: PathResult) -> None:
    console.print(Text(f"Path {result.start} → {result.end}   ({result.model})", style="bold"))
    table = _table("t>", "word", "similarity>", f"to {result.start}>", f"to {result.end}>")
    for step in result.steps:
        table.add_row(f"{step.t:.2f}", step.word, f"{step.similarity:.4f}",
                      f"{step.to_start:.4f}", f"{step.to_end:.4f}")
    console.print(table)


def _scores_table(rows: Sequence[Scored], heading: str, marked: str | None = None) -> Table:
    table = _table("#>", "word", f"{heading}>", "")
    drawn = bars([row.similarity for row in rows])
    for rank, (row, shown) in enumerate(zip(rows, drawn, strict=True), 1):
        table.add_row(str(rank), Text(row.word, style="bold red" if row.word == marked else ""),
                      f"{row.similarity:.4f}", shown)
    return table


def odd_table(console: Console, result: OddResult) -> None:
    console.print(Text(f"Odd one out: {result.odd}   ({result.model})", style="bold"))
    console.print(_scores_table(result.ranked, "similarity to the mean", marked=result.odd))


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
    console.print(Text(f"Cosine similarity   ({result.model})", style="bold"))
    table = _table("", *(f"{word}>" for word in result.words))
    for word, line in zip(result.words, result.matrix, strict=True):
        table.add_row(Text(word, style="bold"),
                      *(Text(f"{value:.3f}", style=_heat(value)) for value in line))
    console.print(table)


def compare_table(console: Console, result: CompareResult) -> None:
    console.print(Text(
        f"{result.model_a} vs {result.model_b}: mean top-{result.k} overlap "
        f"{result.mean_overlap:.3f} over {result.compared} words "
        f"({result.shared} shared)", style="bold"))
    table = _table("word", "overlap>", f"only in {result.model_a}", f"only in {result.model_b}")
    for item in result.words:
        table.add_row(item.word, f"{item.overlap:.2f}", ", ".join(item.only_a[:5]),
                      ", ".join(item.only_b[:5]))
    console.print(table)


def analogy_evaluation_table(console: Console, result: AnalogyEvaluation) -> None:
    method = "3CosAdd" if result.method == "add" else "3CosMul"
    console.print(Text(f"Analogies: {Path(result.file).name}   ({result.model}, {method}, "
                       f"first {result.restrict} words)", style="bold"))
    table = _table("section", "correct>", "total>", "accuracy>", "skipped>")
    for section in (*result.sections, result.total):
        table.add_row(section.section, str(section.correct), str(section.total),
                      f"{section.accuracy:.4f}", str(section.skipped))
    console.print(table)
    console.print(Text(f"Skipped (a word outside the first {result.restrict}): "
                       f"{result.oov_percent:.1f}%", style="dim"))


def pair_evaluation_table(console: Console, results: Sequence[PairEvaluation]) -> None:
    console.print(Text(f"Word-pair similarity   ({results[0].model})", style="bold"))
    table = _table("file", "pairs>", "skipped>", "pearson>", "spearman>", "oov %>")
    for result in results:
        table.add_row(Path(result.file).name, str(result.pairs), str(result.skipped),
                      f"{result.pearson:.4f}", f"{result.spearman:.4f}",
                      f"{result.oov_percent:.1f}")
    console.print(table)


@contextmanager
def progress(stream: TextIO, description: str) -> Iterator[Callable[[int, int], None] | None]:
    """A transient progress bar on ``stream`` when it is a terminal; else nothing (None)."""
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if not terminal:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=Console(file=stream), transient=True) as bar_:
        task = bar_.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar_.update(task, completed=done, total=total)

        yield update

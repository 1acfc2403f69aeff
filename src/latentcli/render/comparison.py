"""Rich output for `compare`."""

from __future__ import annotations

from rich.console import Console

from latentcli.render.tables import emit, plain_table
from latentcli.results.comparison import CompareResult


def compare_table(console: Console, result: CompareResult) -> None:
    table = plain_table("word", "overlap>", f"only in {result.model_a}",
                        f"only in {result.model_b}")
    for item in result.words:
        table.add_row(item.word, f"{item.overlap:.2f}", ", ".join(item.only_a[:5]),
                      ", ".join(item.only_b[:5]))
    emit(console, f"{result.model_a} vs {result.model_b}: mean top-{result.k} overlap "
                  f"{result.mean_overlap:.3f} over {result.compared} words "
                  f"({result.shared} shared)", table)

"""Rich output for `evaluate analogies` and `evaluate similarity`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.text import Text

from latentcli.render.tables import plain_table
from latentcli.render.wording import method_name
from latentcli.results.evaluation import AnalogyEvaluation, PairEvaluation


def analogy_evaluation_table(console: Console, result: AnalogyEvaluation) -> None:
    method = method_name(result.method)
    console.print(Text(f"Analogies: {Path(result.file).name}   ({result.model}, {method}, "
                       f"first {result.restrict} words)", style="bold"))
    table = plain_table("section", "correct>", "total>", "accuracy>", "skipped>")
    for section in (*result.sections, result.total):
        table.add_row(section.section, str(section.correct), str(section.total),
                      f"{section.accuracy:.4f}", str(section.skipped))
    console.print(table)
    console.print(Text(f"Skipped (a word outside the first {result.restrict}): "
                       f"{result.oov_percent:.1f}%", style="dim"))


def pair_evaluation_table(console: Console, results: Sequence[PairEvaluation]) -> None:
    console.print(Text(f"Word-pair similarity   ({results[0].model})", style="bold"))
    table = plain_table("file", "pairs>", "skipped>", "pearson>", "spearman>", "oov %>")
    for result in results:
        table.add_row(Path(result.file).name, str(result.pairs), str(result.skipped),
                      _statistic(result.pearson), _statistic(result.spearman),
                      f"{result.oov_percent:.1f}")
    console.print(table)


def _statistic(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.4f}"

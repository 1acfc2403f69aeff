"""Rich output for `evaluate analogies` and `evaluate similarity`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from latentcli.render.queries import method_name
from latentcli.render.tables import emit, plain_table
from latentcli.results.evaluation import AnalogyEvaluation, PairEvaluation


def analogy_evaluation_table(console: Console, result: AnalogyEvaluation) -> None:
    table = plain_table("section", "correct>", "total>", "accuracy>", "skipped>")
    for section in (*result.sections, result.total):
        table.add_row(section.section, str(section.correct), str(section.total),
                      f"{section.accuracy:.4f}", str(section.skipped))
    emit(console, f"Analogies: {Path(result.file).name}   ({result.model}, "
                  f"{method_name(result.method)}, first {result.restrict} words)", table,
         [f"Skipped (a word outside the first {result.restrict}): {result.oov_percent:.1f}%"])


def pair_evaluation_table(console: Console, results: Sequence[PairEvaluation]) -> None:
    table = plain_table("file", "pairs>", "skipped>", "pearson>", "spearman>", "oov %>")
    for result in results:
        table.add_row(Path(result.file).name, str(result.pairs), str(result.skipped),
                      _statistic(result.pearson), _statistic(result.spearman),
                      f"{result.oov_percent:.1f}")
    emit(console, f"Word-pair similarity   ({results[0].model})", table)


def _statistic(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.4f}"

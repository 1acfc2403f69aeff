"""``neighbors`` and ``analogy``: what the two query commands do once parsed, by either door.

Typer-free, so that the fast path (`cli/fastpath.py`) can answer a plain query without importing
Typer; the Typer commands in `cli/commands/queries.py` call the same two functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from latentcli.cli.command import ModelChoice, answer
from latentcli.environment import Environment

if TYPE_CHECKING:
    from rich.console import Console

    from latentcli.results import AnalogyResult, NeighborsResult


def _neighbors_table(console: Console, result: NeighborsResult) -> None:
    from latentcli.render.queries import neighbors_table  # rich only when a table is wanted

    neighbors_table(console, result)


def _analogy_table(console: Console, result: AnalogyResult) -> None:
    from latentcli.render.queries import analogy_table

    analogy_table(console, result)


def run_neighbors(environment: Environment, words: Sequence[str], top: int, model: ModelChoice,
                  json: bool) -> None:
    from latentcli.core.queries import neighbors

    answer(environment, model, json, lambda space: [neighbors(space, text, top) for text in words],
           _neighbors_table)


def run_analogy(environment: Environment, expression: Sequence[str], top: int, method: str,
                allow_inputs: bool, model: ModelChoice, json: bool) -> None:
    from latentcli.core.queries import analogy

    answer(environment, model, json,
           lambda space: analogy(space, " ".join(expression), top, method, allow_inputs),
           _analogy_table)

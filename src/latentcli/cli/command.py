"""What the query commands do once their arguments are parsed, free of any CLI framework.

Both front doors call these: the Typer commands in `cli/`, and `entry.fast_path`, which answers
plain ``neighbors``/``analogy`` invocations without importing Typer (see docs/design.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from latentcli import DEFAULT_MODEL
from latentcli.environment import Environment

if TYPE_CHECKING:
    from latentcli.core.space import Space
    from latentcli.render.jsonout import HasDict


@dataclass(frozen=True)
class ModelChoice:
    """What ``--model``, ``--limit`` and ``--trust`` ask for."""

    spec: str = DEFAULT_MODEL
    limit: int | None = None
    trust: bool = False

    def open(self, environment: Environment) -> Space:
        from latentcli.store.resolve import open_space

        return open_space(self.spec, environment, self.limit, self.trust)


def emit_json(environment: Environment, results: Sequence[HasDict]) -> None:
    """``--json``: one object per result, one per line, on stdout."""
    from latentcli.render.jsonout import emit

    for result in results:
        emit(result, environment.stdout)


def run_neighbors(environment: Environment, words: Sequence[str], top: int, model: ModelChoice,
                  json: bool) -> None:
    from latentcli.core.queries import neighbors

    space = model.open(environment)
    results = [neighbors(space, text, top) for text in words]
    for result in results:
        environment.notes(result.notes)
    if json:
        emit_json(environment, results)
        return
    from latentcli.render.tables import neighbors_table

    console = environment.console()
    for result in results:
        neighbors_table(console, result)


def run_analogy(environment: Environment, expression: Sequence[str], top: int, method: str,
                allow_inputs: bool, model: ModelChoice, json: bool) -> None:
    from latentcli.core.queries import analogy

    space = model.open(environment)
    result = analogy(space, " ".join(expression), top, method, allow_inputs)
    environment.notes(result.notes)
    if json:
        emit_json(environment, [result])
        return
    from latentcli.render.tables import analogy_table

    analogy_table(environment.console(), result)

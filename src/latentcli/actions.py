"""What the query commands do once their arguments are parsed, free of any CLI framework.

Both front doors call these: the Typer commands in `cli/`, and `entry.fast_path`, which answers
plain ``neighbors``/``analogy`` invocations without importing Typer (see docs/design.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from latentcli.environment import Environment


def run_neighbors(environment: Environment, words: Sequence[str], top: int, model: str,
                  json: bool) -> None:
    from latentcli.models import open_space
    from latentcli.queries import neighbors

    space = open_space(model, environment)
    results = [neighbors(space, text, top) for text in words]
    for result in results:
        environment.notes(result.notes)
    if json:
        from latentcli.render.jsonout import emit

        for result in results:
            emit(result, environment.stdout)
        return
    from latentcli.render.tables import neighbors_table

    console = environment.console()
    for result in results:
        neighbors_table(console, result)


def run_analogy(environment: Environment, expression: Sequence[str], top: int, method: str,
                allow_inputs: bool, model: str, json: bool) -> None:
    from latentcli.models import open_space
    from latentcli.queries import analogy

    space = open_space(model, environment)
    result = analogy(space, " ".join(expression), top, method, allow_inputs)
    environment.notes(result.notes)
    if json:
        from latentcli.render.jsonout import emit

        emit(result, environment.stdout)
        return
    from latentcli.render.tables import analogy_table

    analogy_table(environment.console(), result)

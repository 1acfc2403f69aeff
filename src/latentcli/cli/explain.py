"""`latent explain`: the guided tour, or an explanation of one word or one analogy."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from latentcli.cli.app import (
    DEFAULT_MODEL,
    JsonOption,
    LimitOption,
    ModelOption,
    TrustOption,
    app,
    emit_json,
    open_model,
)
from latentcli.environment import Environment
from latentcli.errors import UsageError


@app.command(epilog="Examples: latent explain | latent explain --section math | "
                    "latent explain queen | latent explain king - man + woman --expect queen")
def explain(
    words: Annotated[list[str] | None, typer.Argument(
        metavar="[WORD | EXPRESSION]", show_default=False,
        help="A word or an analogy to explain; nothing for the guided tour.")] = None,
    section: Annotated[str | None, typer.Option(
        "--section", metavar="NAME",
        help="Show one section of the tour: map, vector, math, squeeze, directions, "
             "dimensions.")] = None,
    all_sections: Annotated[bool, typer.Option(
        "--all", help="Print the whole tour without pausing between sections.")] = False,
    model: ModelOption = DEFAULT_MODEL,
    limit: LimitOption = None,
    trust: TrustOption = False,
    json: JsonOption = False,
) -> None:
    """A guided tour of latent space, or why a word or analogy comes out as it does."""
    from latentcli.analysis.tour import SECTIONS, run_section

    environment = Environment()
    if words:
        raise UsageError("explaining a word or an expression is not available yet")
    names = list(SECTIONS)
    if section is not None:
        if section not in SECTIONS:
            raise UsageError(f"no tour section {section!r}: choose from {', '.join(SECTIONS)}")
        names = [section]
    space = open_model(model, environment, limit, trust)
    pause = (not json and not all_sections and len(names) > 1 and sys.stdin.isatty()
             and environment.interactive)
    for number, name in enumerate(names, 1):
        with environment.working(f"Computing the '{name}' section"):
            result = run_section(space, name)
        if json:
            emit_json(environment, [result])
            continue
        from latentcli.render.explain import tour_section

        tour_section(environment.console(), number if section is None else
                     list(SECTIONS).index(name) + 1, result, environment.colour)
        if pause and number < len(names) and not environment.ask_to_continue():
            break

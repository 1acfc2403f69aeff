"""`latent explain`: the guided tour, or an explanation of one word or one analogy."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Annotated

import typer

from latentcli.cli.app import (
    JsonOption,
    TopOption,
    app,
    environment,
    model_options,
)
from latentcli.cli.command import ModelChoice, answer, deliver
from latentcli.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from latentcli.core.space import Space
    from latentcli.results.explain import (
        ExpressionExplanation,
        SkippedSection,
        TourSection,
        WordExplanation,
    )


@app.command(epilog="Examples: latent explain | latent explain --section math | "
                    "latent explain queen | latent explain king - man + woman --expect queen")
@model_options(names=True)
def explain(
    ctx: typer.Context,
    words: Annotated[list[str] | None, typer.Argument(
        metavar="[WORD | EXPRESSION]", show_default=False,
        help="A word or an analogy to explain; nothing for the guided tour.")] = None,
    section: Annotated[str | None, typer.Option(
        "--section", metavar="NAME",
        help="Show one section of the tour: model, vector, map, math, squeeze, directions, "
             "dimensions, context, lens, steering.")] = None,
    all_sections: Annotated[bool, typer.Option(
        "--all", "--no-pause",
        help="Print the whole tour without pausing between sections.")] = False,
    expect: Annotated[str | None, typer.Option(
        "--expect", metavar="WORD",
        help="The answer you expect from an analogy: its rank is shown.")] = None,
    restrict: Annotated[int | None, typer.Option(
        "--restrict", metavar="N", show_default=False,
        help="Draw a word's neighbours and directions, and an offset's nearest words, from the "
             "N most frequent words (gensim's restrict_vocab).  [default: 10000, or the "
             "vocabulary if smaller]")] = None,
    top: TopOption = 5,
    *,
    choice: ModelChoice,
    json: JsonOption = False,
) -> None:
    """A guided tour of latent space, or why a word or analogy comes out as it does."""
    from latentcli.analysis.explain import explain as explain_text
    from latentcli.analysis.tour import SECTIONS, chosen_sections, run_section
    from latentcli.render.explain import explanation
    from latentcli.store.tourcache import TourSections, tour_names

    here = environment(ctx)
    if words:
        if section is not None or all_sections:
            raise UsageError("--section and --all belong to the tour; give no words with them")
        text = " ".join(words)

        def compute(space: Space) -> list[WordExplanation | ExpressionExplanation]:
            return [explain_text(space, text, expect, top, restrict)]

        answer(here, choice, json, compute, explanation)
        return
    if expect is not None:
        raise UsageError("--expect needs an expression, like: latent explain king - man + woman "
                         "--expect queen")
    if restrict is not None:
        raise UsageError("--restrict belongs to explaining a word or an expression, not the tour")
    every = tour_names(list(SECTIONS))
    names = chosen_sections(section, every)
    space = choice.open(here)
    pause = not json and not all_sections and len(names) > 1 and here.interactive
    with TourSections(space, names, every, run_section, here) as sections:
        here.notes(sections.notes)
        for number, name in enumerate(names, 1):
            with here.working(f"Computing the '{name}' section"):
                result = sections.result(name)
            deliver(here, result, json, partial(_section, every.index(name) + 1))
            if pause and number < len(names) and not here.ask_to_continue():
                break


def _section(number: int, console: Console, section: TourSection | SkippedSection) -> None:
    from latentcli.render.tour import tour_section

    tour_section(console, number, section, not console.no_color)

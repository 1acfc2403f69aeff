"""`latent explain`: the guided tour, or an explanation of one word or one analogy."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from latentcli.api.model import Model
from latentcli.cli.command import ModelChoice, answer, deliver
from latentcli.cli.grammar import JSON, Command, Param, defaults, top_option
from latentcli.environment import Environment
from latentcli.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from latentcli.results.explain import (
        SkippedSection,
        TourSection,
    )


def explain(here: Environment, *, words: list[str] | None, section: str | None,
            all_sections: bool, expect: str | None, restrict: int | None, top: int,
            choice: ModelChoice, json: bool) -> None:
    """The tour, section by section (pausing on a terminal), or one explanation."""
    from latentcli.render.explain import explanation

    if words:
        if section is not None or all_sections:
            raise UsageError("--section and --all belong to the tour; give no words with them")
        text = " ".join(words)

        answer(here, choice, json, lambda model: [model.explain(text, expect, top, restrict)],
               explanation)
        return
    if expect is not None:
        raise UsageError("--expect needs an expression, like: latent explain king - man + woman "
                         "--expect queen")
    if restrict is not None:
        raise UsageError("--restrict belongs to explaining a word or an expression, not the tour")
    with choice.model(here).tour_sections(section) as sections:
        names = sections.names
        pause = not json and not all_sections and len(names) > 1 and here.interactive
        here.notes(sections.notes)
        for number, name in enumerate(names, 1):
            with here.working(f"Computing the '{name}' section"):
                result = sections.result(name)
            deliver(here, result, json, partial(_section, sections.every.index(name) + 1))
            if pause and number < len(names) and not here.ask_to_continue():
                break


def _section(number: int, console: Console, section: TourSection | SkippedSection) -> None:
    from latentcli.render.tour import tour_section

    tour_section(console, number, section, not console.no_color)


COMMANDS = (
    Command(name="explain", run=explain, opens=True, names=True,
            help="A guided tour of latent space, or why a word or analogy comes out as it does.",
            epilog="Examples: latent explain | latent explain --section math | "
                   "latent explain queen | latent explain king - man + woman --expect queen",
            params=(Param(key="words", many=True, default=None,
                          metavar="[WORD | EXPRESSION]", show_default=False,
                          help="A word or an analogy to explain; nothing for the guided tour."),
                    Param(key="section", flags=("--section",), default=None, metavar="NAME",
                          help="Show one section of the tour: model, vector, map, math, "
                               "squeeze, directions, dimensions, context, lens, attention, patch, "
                               "steering."),
                    Param(key="all_sections", flags=("--all", "--no-pause"), kind=bool,
                          default=False,
                          help="Print the whole tour without pausing between sections."),
                    Param(key="expect", flags=("--expect",), default=None, metavar="WORD",
                          help="The answer you expect from an analogy: its rank is shown."),
                    Param(key="restrict", flags=("--restrict",), kind=int, default=None,
                          metavar="N", show_default=False,
                          help="Draw a word's neighbours and directions, and an offset's nearest "
                               "words, from the N most frequent words (gensim's restrict_vocab)."
                               "  [default: 10000, or the vocabulary if smaller]"),
                    top_option(defaults(Model.explain)["top"], "How many answers to show."),
                    JSON)),
)

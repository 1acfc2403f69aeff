"""`latent explain`: the guided tour, or an explanation of one word or one analogy."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from latentcli.cli.app import (
    DEFAULT_MODEL,
    JsonOption,
    LimitOption,
    ModelOption,
    TopOption,
    TrustOption,
    app,
)
from latentcli.cli.command import ModelChoice, emit_json
from latentcli.environment import Environment
from latentcli.errors import UsageError

if TYPE_CHECKING:
    from latentcli.core.space import Space
    from latentcli.store.tourcache import SectionResult


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
    model: ModelOption = DEFAULT_MODEL,
    limit: LimitOption = None,
    trust: TrustOption = False,
    json: JsonOption = False,
) -> None:
    """A guided tour of latent space, or why a word or analogy comes out as it does."""
    from latentcli.analysis.tour import SECTIONS

    environment = Environment()
    if words:
        if section is not None or all_sections:
            raise UsageError("--section and --all belong to the tour; give no words with them")
        _explain_words(environment, " ".join(words), expect, top, restrict,
                       ModelChoice(model, limit, trust), json)
        return
    if expect is not None:
        raise UsageError("--expect needs an expression, like: latent explain king - man + woman "
                         "--expect queen")
    if restrict is not None:
        raise UsageError("--restrict belongs to explaining a word or an expression, not the tour")
    names = list(SECTIONS)
    if section is not None:
        if section not in SECTIONS:
            raise UsageError(f"no tour section {section!r}: choose from {', '.join(SECTIONS)}")
        names = [section]
    space = ModelChoice(model, limit, trust).open(environment)
    pause = (not json and not all_sections and len(names) > 1 and sys.stdin.isatty()
             and environment.interactive)
    from latentcli.store.tourcache import load_tour, save_tour

    stored, problem = load_tour(space)
    if problem:
        environment.note(problem)
    if stored is not None and list(stored) != list(SECTIONS):
        stored = None  # written by other code under the same key: not to be trusted
    with _Sections(space, names, stored) as sections:
        for number, name in enumerate(names, 1):
            with environment.working(f"Computing the '{name}' section"):
                result = sections.result(name)
            if json:
                emit_json(environment, [result])
                continue
            from latentcli.render.tour import tour_section

            tour_section(environment.console(), number if section is None else
                         list(SECTIONS).index(name) + 1, result, environment.colour)
            if pause and number < len(names) and not environment.ask_to_continue():
                break
    if stored is None and list(sections.done) == list(SECTIONS):
        save_tour(space, list(sections.done.values()))


class _Sections:
    """The tour's sections: from the stored tour, or computed one after another in a background
    thread, so the next section is being computed while the reader reads this one."""

    def __init__(self, space: Space, names: list[str], stored: dict[str, SectionResult] | None
                 ) -> None:
        from concurrent.futures import Future, ThreadPoolExecutor

        from latentcli.analysis.tour import run_section

        self.done: dict[str, SectionResult] = {}
        self._stored = stored
        self._pool = ThreadPoolExecutor(max_workers=1) if stored is None else None
        self._pending: dict[str, Future[SectionResult]] = {
            name: self._pool.submit(run_section, space, name) for name in names} \
            if self._pool else {}

    def result(self, name: str) -> SectionResult:
        found = self._stored[name] if self._stored else self._pending[name].result()
        self.done[name] = found
        return found

    def __enter__(self) -> _Sections:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool:
            self._pool.shutdown(wait=False, cancel_futures=True)


def _explain_words(environment: Environment, text: str, expect: str | None, top: int,
                   restrict: int | None, choice: ModelChoice, json: bool) -> None:
    """One word, or an expression of several."""
    from latentcli.analysis.explain import explain_expression, explain_word
    from latentcli.core.expressions import parse
    from latentcli.core.queries import check_top

    single = parse(text).is_single_word
    if single and expect is not None:
        raise UsageError("--expect needs an expression, like: latent explain king - man + woman "
                         "--expect queen")
    space = choice.open(environment)
    check_top(space, top)
    from latentcli.render.explain import expression_explanation, word_explanation

    if single:
        word = explain_word(space, text, top, restrict)
        environment.notes(word.notes)
        if json:
            emit_json(environment, [word])
        else:
            word_explanation(environment.console(), word, environment.colour)
        return
    expression = explain_expression(space, text, expect, top, restrict)
    environment.notes(expression.notes)
    if json:
        emit_json(environment, [expression])
    else:
        expression_explanation(environment.console(), expression)

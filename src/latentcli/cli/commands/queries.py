"""`latent neighbors` and `latent analogy`: the nearest words to queries and to an analogy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from latentcli.cli.command import ModelChoice, answer
from latentcli.cli.grammar import JSON, Command, Param, top_option
from latentcli.environment import Environment

if TYPE_CHECKING:
    from rich.console import Console

    from latentcli.results import AnalogyResult, NeighborsResult

DEFAULT_TOP = 10
TOP = top_option(DEFAULT_TOP, "How many answers to show.")


def _neighbors_table(console: Console, result: NeighborsResult) -> None:
    from latentcli.render.tables import neighbors_table  # rich only when a table is wanted

    neighbors_table(console, result)


def _analogy_table(console: Console, result: AnalogyResult) -> None:
    from latentcli.render.tables import analogy_table

    analogy_table(console, result)


def neighbors(here: Environment, *, words: list[str], top: int, choice: ModelChoice,
              json: bool) -> None:
    answer(here, choice, json, lambda model: [model.neighbors(text, top) for text in words],
           _neighbors_table)


def analogy(here: Environment, *, expression: list[str], top: int, method: str,
            allow_inputs: bool, choice: ModelChoice, json: bool) -> None:
    answer(here, choice, json,
           lambda model: model.analogy(" ".join(expression), top, method, allow_inputs),
           _analogy_table)


COMMANDS = (
    Command(name="neighbors", run=neighbors, opens=True,
            help="Nearest words by cosine similarity (the query's own words left out).",
            epilog="Example: latent neighbors king queen \"king - man\" -n 5",
            params=(Param(key="words", many=True, metavar="WORD",
                          help="Words or quoted expressions; each is its own query."),
                    TOP, JSON)),
    Command(name="analogy", run=analogy, opens=True,
            help="Solve an analogy: the words nearest to a sum of word vectors.",
            epilog="Example: latent analogy king - man + woman --method mul",
            params=(Param(key="expression", many=True, metavar="EXPRESSION",
                          help="king - man + woman, 2*king - man, or 'man : king :: woman : ?'."),
                    TOP,
                    Param(key="method", flags=("--method",), default="add", metavar="add|mul",
                          help="add: 3CosAdd (gensim most_similar); mul: 3CosMul "
                               "(most_similar_cosmul)."),
                    Param(key="allow_inputs", flags=("--allow-inputs",), kind=bool,
                          default=False,
                          help="Let the expression's own words appear among the answers."),
                    JSON)),
)

"""`latent neighbors` and `latent analogy`: the nearest words to queries and to an analogy."""

from __future__ import annotations

from latentcli.api.model import Model
from latentcli.cli.command import ModelChoice, answer, shown_by
from latentcli.cli.grammar import JSON, Command, Param, defaults, top_option
from latentcli.environment import Environment

ANALOGY = defaults(Model.analogy)
TOP = top_option(defaults(Model.neighbors)["top"], "How many answers to show.")


def neighbors(here: Environment, *, words: list[str], top: int, choice: ModelChoice,
              json: bool) -> None:
    answer(here, choice, json, lambda model: [model.neighbors(text, top) for text in words],
           shown_by("queries", "neighbors_table"))


def analogy(here: Environment, *, expression: list[str], top: int, method: str,
            allow_inputs: bool, choice: ModelChoice, json: bool) -> None:
    answer(here, choice, json,
           lambda model: model.analogy(" ".join(expression), top, method, allow_inputs),
           shown_by("queries", "analogy_table"))


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
                    Param(key="method", flags=("--method",), default=ANALOGY["method"],
                          metavar="add|mul",
                          help="add: 3CosAdd (gensim most_similar); mul: 3CosMul "
                               "(most_similar_cosmul)."),
                    Param(key="allow_inputs", flags=("--allow-inputs",), kind=bool,
                          default=ANALOGY["allow_inputs"],
                          help="Let the expression's own words appear among the answers."),
                    JSON)),
)

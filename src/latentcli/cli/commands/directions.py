"""`latent axis`, `steer`, `path`, `odd`, `similarity` and `compare`."""

from __future__ import annotations

from latentcli.api.model import Model
from latentcli.cli.command import ModelChoice, answer, shown_by
from latentcli.cli.grammar import (
    JSON,
    LABELS_COLUMN,
    LIMIT,
    TRUST,
    VECTORS_COLUMN,
    Command,
    Param,
    defaults,
)
from latentcli.environment import Environment


def axis(here: Environment, *, start: str, end: str, words: list[str] | None,
         pair: list[str] | None, top: int, show: int, choice: ModelChoice, json: bool) -> None:
    answer(here, choice, json,
           lambda model: model.axis(start, end, words or [], pair or [], top, show),
           shown_by("directions", "axis_table"))


def steer(here: Environment, *, word: str, toward: str, away: str | None, strength: float,
          steps: int, top: int, choice: ModelChoice, json: bool) -> None:
    answer(here, choice, json,
           lambda model: model.steer(word, toward, away, strength, steps, top),
           shown_by("directions", "steer_table"))


def path(here: Environment, *, start: str, end: str, steps: int, choice: ModelChoice,
         json: bool) -> None:
    answer(here, choice, json, lambda model: model.path(start, end, steps),
           shown_by("directions", "path_table"))


def odd(here: Environment, *, words: list[str], choice: ModelChoice, json: bool) -> None:
    answer(here, choice, json, lambda model: model.odd(*words), shown_by("directions", "odd_table"))


def similarity(here: Environment, *, words: list[str], choice: ModelChoice, json: bool) -> None:
    answer(here, choice, json, lambda model: model.similarity(*words),
           shown_by("directions", "similarity_table"))


def compare(here: Environment, *, model_a: str, model_b: str, words: list[str] | None, top: int,
            k: int, show: int, limit: int | None, trust: bool, vectors_column: str | None,
            labels_column: str | None, json: bool) -> None:
    def chosen(spec: str) -> ModelChoice:
        return ModelChoice(spec=spec, limit=limit, trust=trust, vectors_column=vectors_column,
                           labels_column=labels_column)

    first = chosen(model_a).model(here)
    answer(here, chosen(model_b), json,
           lambda second: first.compare(second, words or [], top, k, show),
           shown_by("comparison", "compare_table"))


AXIS, STEER = defaults(Model.axis), defaults(Model.steer)
PATH, COMPARE = defaults(Model.path), defaults(Model.compare)
SHOW = Param(key="show", flags=("--show",), kind=int, default=AXIS["show"], metavar="K",
             help="How many words to show (at each end, for axis).")
A, B = (Param(key=key, metavar=name) for key, name in (("start", "A"), ("end", "B")))

COMMANDS = (
    Command(name="axis", run=axis, opens=True,
            help="Rank words by their projection on the direction from A to B.",
            epilog="Examples: latent axis man woman king queen doctor nurse\n\n"
                   "          latent axis good bad --pair better:worse --top 5000",
            params=(Param(key="start", metavar="A", help="Where the direction starts."),
                    Param(key="end", metavar="B", help="Where the direction points."),
                    Param(key="words", many=True, default=None, metavar="WORD",
                          help="Words to rank (default: the --top most frequent)."),
                    Param(key="pair", flags=("--pair",), many=True, default=None,
                          metavar="X:Y",
                          help="Another pair; the direction is the mean difference."),
                    Param(key="top", flags=("--top", "-n"), kind=int, default=AXIS["top"],
                          metavar="N", help="Without WORDs, rank the N most frequent words."),
                    SHOW, JSON)),
    Command(name="steer", run=steer, opens=True,
            help="Move a word along a direction and watch its nearest neighbours change.",
            epilog="Example: latent steer king --toward woman --away man --strength 1.5",
            params=(Param(key="word", help="The word to move."),
                    Param(key="toward", flags=("--toward",), metavar="B",
                          help="Move toward this word."),
                    Param(key="away", flags=("--away",), default=None, metavar="A",
                          help="Move by the offset B - A instead of toward B."),
                    Param(key="strength", flags=("--strength",), kind=float,
                          default=STEER["strength"],
                          metavar="S",
                          help="How far to move (-100 to 100): 1 is the whole offset, so WORD "
                               "--away A --toward B at 1 is exactly the analogy WORD - A + B, "
                               "and without --away 1 arrives at B."),
                    Param(key="steps", flags=("--steps",), kind=int, default=STEER["steps"],
                          metavar="N", help="Steps from 0 to the full strength."),
                    Param(key="top", flags=("--top", "-n"), kind=int, default=STEER["top"],
                          metavar="N",
                          help="Neighbours shown at each step."),
                    JSON)),
    Command(name="path", run=path, opens=True,
            help="Walk in a straight line from A to B: the nearest word at each step.",
            epilog="Example: latent path cat dog --steps 6",
            params=(A, B,
                    Param(key="steps", flags=("--steps",), kind=int, default=PATH["steps"],
                          metavar="N", help="Steps from A to B."),
                    JSON)),
    Command(name="odd", run=odd, opens=True,
            help="The word that does not belong (gensim doesnt_match).",
            epilog="Example: latent odd breakfast lunch dinner car",
            params=(Param(key="words", many=True, metavar="WORD...", help="Three words or more."),
                    JSON)),
    Command(name="similarity", run=similarity, opens=True,
            help="Cosine similarity of two words, or the matrix for more.",
            epilog="Examples: latent similarity cat dog\n\n"
                   "          latent similarity cat dog car truck",
            params=(Param(key="words", many=True, metavar="A B [C...]",
                          help="Two words or more."),
                    JSON)),
    Command(name="compare", run=compare,
            help="How alike two models' neighbourhoods are (mean top-k overlap).",
            epilog="Example: latent compare glove-6b-50d ./other-model --top 2000 -k 10",
            params=(Param(key="model_a", metavar="MODEL_A"),
                    Param(key="model_b", metavar="MODEL_B"),
                    Param(key="words", many=True, default=None, metavar="WORD",
                          help="Words to compare (default: the --top most frequent)."),
                    Param(key="top", flags=("--top", "-n"), kind=int, default=COMPARE["top"],
                          metavar="N", help="Without WORDs, the N most frequent shared words."),
                    Param(key="k", flags=("-k",), kind=int, default=COMPARE["k"], metavar="K",
                          help="Neighbours per word."),
                    SHOW, LIMIT, TRUST, VECTORS_COLUMN, LABELS_COLUMN, JSON)),
)

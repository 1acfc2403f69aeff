"""`latent evaluate analogies` and `latent evaluate similarity`: benchmark scores, as gensim's."""

from __future__ import annotations

from pathlib import Path

from latentcli.api.model import Model
from latentcli.cli.command import ModelChoice, answer, deliver, shown_by
from latentcli.cli.grammar import JSON, Command, Group, Param, defaults
from latentcli.environment import Environment


def analogies(here: Environment, *, file: Path | None, restrict: int, method: str,
              choice: ModelChoice, json: bool) -> None:
    answer(here, choice, json, lambda model: model.evaluate_analogies(file, restrict, method),
           shown_by("evaluation", "analogy_evaluation_table"))


def similarity(here: Environment, *, files: list[Path] | None, restrict: int,
               choice: ModelChoice, json: bool) -> None:
    from latentcli.render.evaluation import pair_evaluation_table

    model = choice.model(here)
    found = ([result for file in files for result in model.evaluate_similarity(file, restrict)]
             if files else model.evaluate_similarity(restrict=restrict))
    deliver(here, found, json, show_all=pair_evaluation_table)


RESTRICT = Param(key="restrict", flags=("--restrict",), kind=int,
                 default=defaults(Model.evaluate_analogies)["restrict"],
                 metavar="N", help="Only the N most frequent words count (gensim's "
                 "restrict_vocab); questions with other words are skipped.")

COMMANDS = (
    Group(name="evaluate",
          help="Score a model on benchmark files (gensim's test data by default)."),
    Command(name="analogies", group="evaluate", run=analogies, opens=True,
            help="Analogy accuracy (gensim evaluate_word_analogies), per section and in total.",
            epilog="Example: latent evaluate analogies --restrict 30000 --method mul",
            params=(Param(key="file", kind=Path, default=None, metavar="FILE", exists=True,
                          help="Questions 'a b c d' in ': section' blocks (default: "
                               "questions-words.txt)."),
                    RESTRICT,
                    Param(key="method", flags=("--method",),
                          default=defaults(Model.evaluate_analogies)["method"], metavar="add|mul",
                          help="add: 3CosAdd (as gensim); mul: 3CosMul."),
                    JSON)),
    Command(name="similarity", group="evaluate", run=similarity, opens=True,
            help="Pearson and Spearman correlation with human similarity scores (gensim "
                 "evaluate_word_pairs).",
            epilog="Example: latent evaluate similarity my-pairs.tsv --json",
            params=(Param(key="files", kind=Path, many=True, default=None, metavar="FILE",
                          exists=True,
                          help="Lines 'word<TAB>word<TAB>score' (default: wordsim353.tsv and "
                               "simlex999.txt)."),
                    RESTRICT, JSON)),
)

"""`latent evaluate analogies` and `latent evaluate similarity`: benchmark scores, as gensim's."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from latentcli.cli.app import (
    JsonOption,
    app,
    environment,
    model_options,
)
from latentcli.cli.command import ModelChoice, answer, deliver
from latentcli.results.evaluation import DEFAULT_RESTRICT

if TYPE_CHECKING:
    from latentcli.core.space import Space
    from latentcli.results.evaluation import AnalogyEvaluation

evaluate = typer.Typer(
    name="evaluate", no_args_is_help=True, rich_markup_mode=None,
    help="Score a model on benchmark files (gensim's test data by default).")
app.add_typer(evaluate)

RestrictOption = Annotated[int, typer.Option(
    "--restrict", metavar="N", help="Only the N most frequent words count (gensim's "
    "restrict_vocab); questions with other words are skipped.")]


@evaluate.command(epilog="Example: latent evaluate analogies --restrict 30000 --method mul")
@model_options()
def analogies(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(
        metavar="FILE", exists=True, dir_okay=False,
        help="Questions 'a b c d' in ': section' blocks (default: questions-words.txt).")
    ] = None,
    restrict: RestrictOption = DEFAULT_RESTRICT,
    method: Annotated[str, typer.Option(
        "--method", metavar="add|mul", help="add: 3CosAdd (as gensim); mul: 3CosMul.")] = "add",
    *,
    choice: ModelChoice,
    json: JsonOption = False,
) -> None:
    """Analogy accuracy (gensim evaluate_word_analogies), per section and in total."""
    from latentcli.analysis.evaluation import ANALOGY_FILE, default_benchmark, evaluate_analogies
    from latentcli.render.evaluation import analogy_evaluation_table

    here = environment(ctx)

    def compute(space: Space) -> AnalogyEvaluation:
        with here.progress("Answering analogies", None, in_bytes=False) as report:
            return evaluate_analogies(space, file or default_benchmark(ANALOGY_FILE), restrict,
                                      method, report)

    answer(here, choice, json, compute, analogy_evaluation_table)


@evaluate.command(epilog="Example: latent evaluate similarity my-pairs.tsv --json")
@model_options()
def similarity(
    ctx: typer.Context,
    files: Annotated[list[Path] | None, typer.Argument(
        metavar="FILE", exists=True, dir_okay=False,
        help="Lines 'word<TAB>word<TAB>score' (default: wordsim353.tsv and simlex999.txt).")
    ] = None,
    restrict: RestrictOption = DEFAULT_RESTRICT,
    *,
    choice: ModelChoice,
    json: JsonOption = False,
) -> None:
    """Pearson and Spearman correlation with human similarity scores (gensim
    evaluate_word_pairs)."""
    from latentcli.analysis.evaluation import PAIR_FILES, default_benchmark, evaluate_pairs
    from latentcli.render.evaluation import pair_evaluation_table

    here = environment(ctx)
    paths = files or [default_benchmark(name) for name in PAIR_FILES]
    space = choice.open(here)
    deliver(here, [evaluate_pairs(space, path, restrict) for path in paths], json,
            show_all=pair_evaluation_table)

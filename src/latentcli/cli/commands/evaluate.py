"""`latent evaluate analogies` and `latent evaluate similarity`: benchmark scores, as gensim's."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from latentcli.cli.app import (
    DEFAULT_MODEL,
    JsonOption,
    LimitOption,
    ModelOption,
    TrustOption,
    app,
)
from latentcli.cli.command import ModelChoice, emit_json
from latentcli.environment import Environment

evaluate = typer.Typer(
    name="evaluate", no_args_is_help=True, rich_markup_mode=None,
    help="Score a model on benchmark files (gensim's test data by default).")
app.add_typer(evaluate)

RestrictOption = Annotated[int, typer.Option(
    "--restrict", metavar="N", help="Only the N most frequent words count (gensim's "
    "restrict_vocab); questions with other words are skipped.")]


@evaluate.command(epilog="Example: latent evaluate analogies --restrict 30000 --method mul")
def analogies(
    file: Annotated[Path | None, typer.Argument(
        metavar="FILE", exists=True, dir_okay=False,
        help="Questions 'a b c d' in ': section' blocks (default: questions-words.txt).")
    ] = None,
    restrict: RestrictOption = 300_000,
    method: Annotated[str, typer.Option(
        "--method", metavar="add|mul", help="add: 3CosAdd (as gensim); mul: 3CosMul.")] = "add",
    model: ModelOption = DEFAULT_MODEL,
    limit: LimitOption = None,
    trust: TrustOption = False,
    json: JsonOption = False,
) -> None:
    """Analogy accuracy (gensim evaluate_word_analogies), per section and in total."""
    from latentcli.analysis.evaluation import ANALOGY_FILE, default_benchmark, evaluate_analogies
    from latentcli.render.directions import analogy_evaluation_table, progress

    environment = Environment()
    space = ModelChoice(model, limit, trust).open(environment)
    path = file or default_benchmark(ANALOGY_FILE)
    with progress(environment.stderr, "Answering analogies") as report:
        result = evaluate_analogies(space, path, restrict, method, report)
    if json:
        emit_json(environment, [result])
        return
    analogy_evaluation_table(environment.console(), result)


@evaluate.command(epilog="Example: latent evaluate similarity my-pairs.tsv --json")
def similarity(
    files: Annotated[list[Path] | None, typer.Argument(
        metavar="FILE", exists=True, dir_okay=False,
        help="Lines 'word<TAB>word<TAB>score' (default: wordsim353.tsv and simlex999.txt).")
    ] = None,
    restrict: RestrictOption = 300_000,
    model: ModelOption = DEFAULT_MODEL,
    limit: LimitOption = None,
    trust: TrustOption = False,
    json: JsonOption = False,
) -> None:
    """Pearson and Spearman correlation with human similarity scores (gensim
    evaluate_word_pairs)."""
    from latentcli.analysis.evaluation import PAIR_FILES, default_benchmark, evaluate_pairs

    environment = Environment()
    space = ModelChoice(model, limit, trust).open(environment)
    paths = files or [default_benchmark(name) for name in PAIR_FILES]
    results = [evaluate_pairs(space, path, restrict) for path in paths]
    if json:
        emit_json(environment, results)
        return
    from latentcli.render.directions import pair_evaluation_table

    pair_evaluation_table(environment.console(), results)

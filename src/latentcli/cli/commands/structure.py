"""`latent cluster` and `latent map`: how words group, and the space squeezed onto a page."""

from __future__ import annotations

import sys
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
from latentcli.errors import LatentError, UsageError

WordsArgument = Annotated[list[str] | None, typer.Argument(
    metavar="WORD...", show_default=False,
    help="Words to use; '-' reads more from stdin, one per line.")]
FromOption = Annotated[Path | None, typer.Option(
    "--from", metavar="FILE", help="Also read words from FILE, one per line.")]
WordsTopOption = Annotated[int | None, typer.Option(
    "--top", metavar="N", help="Also take the N most frequent words of the vocabulary.")]
StrictOption = Annotated[bool, typer.Option(
    "--strict", help="Fail on a word the model lacks instead of leaving it out with a note.")]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed: same seed, same answer.")]


def _typed_words(words: list[str] | None, from_file: Path | None) -> list[str]:
    from latentcli.analysis.words import read_word_lines

    typed: list[str] = []
    for word in words or []:
        typed.extend(read_word_lines(sys.stdin) if word == "-" else [word])
    if from_file is not None:
        try:
            typed.extend(read_word_lines(from_file.read_text("utf-8").splitlines()))
        except (OSError, UnicodeDecodeError) as error:
            raise LatentError(f"cannot read words from {from_file}: {error}") from None
    return typed


def _parse_k(text: str, option: str) -> int | None:
    """``auto`` (None: choose by silhouette) or a whole number."""
    if text == "auto":
        return None
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"{option} takes a number or 'auto', not {text!r}") from None


@app.command(epilog="Example: latent cluster apple banana cherry dog cat horse paris --k auto")
def cluster(
    words: WordsArgument = None,
    k: Annotated[str, typer.Option(
        "--k", metavar="K|auto", help="Number of clusters, or auto (best silhouette, 2..10).")]
    = "auto",
    method: Annotated[str, typer.Option(
        "--method", metavar="kmeans|agglomerative", help="Clustering algorithm.")] = "kmeans",
    seed: SeedOption = 0,
    from_file: FromOption = None,
    top: WordsTopOption = None,
    strict: StrictOption = False,
    model: ModelOption = DEFAULT_MODEL,
    limit: LimitOption = None,
    trust: TrustOption = False,
    json: JsonOption = False,
) -> None:
    """Group words by meaning (cosine) and label each group from the space."""
    from latentcli.analysis.clustering import cluster as find_clusters
    from latentcli.analysis.words import select_words

    environment = Environment()
    wanted = _parse_k(k, "--k")
    space = ModelChoice(model, limit, trust).open(environment)
    selection = select_words(space, _typed_words(words, from_file), top, strict)
    result = find_clusters(space, selection, wanted, method, seed)
    environment.notes(result.notes)
    if json:
        emit_json(environment, [result])
        return
    from latentcli.render.tables import clusters_table

    clusters_table(environment.console(), result)


@app.command("map", epilog="Examples:\n\n\b\n"
             "  latent map king queen man woman paris london apple banana\n"
             "  latent map king queen --neighbors 8 --method tsne\n"
             "  latent map --x man:woman --y poor:rich king queen doctor nurse\n"
             "  latent map --top 300 --html map.html")
def map_(
    words: WordsArgument = None,
    method: Annotated[str | None, typer.Option(
        "--method", metavar="pca|tsne|umap",
        help="Projection: pca (default), tsne, or umap (needs latentcli[umap]).")] = None,
    neighbors: Annotated[int, typer.Option(
        "--neighbors", min=0, metavar="N", help="Add each word's N nearest neighbours.")] = 0,
    clusters: Annotated[str, typer.Option(
        "--clusters", metavar="K|auto", help="Clusters to colour by, or auto.")] = "auto",
    x: Annotated[str | None, typer.Option(
        "--x", metavar="A:B", help="Semantic x axis: from word A towards word B.")] = None,
    y: Annotated[str | None, typer.Option(
        "--y", metavar="C:D", help="Semantic y axis: from word C towards word D.")] = None,
    width: Annotated[int | None, typer.Option(
        "--width", metavar="COLUMNS", help="Plot width (default: the terminal's).")] = None,
    height: Annotated[int | None, typer.Option(
        "--height", metavar="ROWS",
        help="Rows for title, plot and axis lines (default: from the terminal).")] = None,
    html: Annotated[Path | None, typer.Option(
        "--html", metavar="FILE", help="Also write an interactive, self-contained HTML map.")]
    = None,
    seed: SeedOption = 0,
    from_file: FromOption = None,
    top: WordsTopOption = None,
    strict: StrictOption = False,
    model: ModelOption = DEFAULT_MODEL,
    limit: LimitOption = None,
    trust: TrustOption = False,
    json: JsonOption = False,
) -> None:
    """Project words to 2-D and plot them, coloured by cluster, with a trust score."""
    from latentcli.analysis.projection import AxisSpec, project_map, with_neighbours
    from latentcli.analysis.words import add_neighbours, select_words

    environment = Environment()
    wanted = _parse_k(clusters, "--clusters")
    x_axis = AxisSpec.parse(x, "--x") if x else None
    y_axis = AxisSpec.parse(y, "--y") if y else None
    if not json:
        from latentcli.render.plots import fit_terminal

        size = fit_terminal(width, height)
    space = ModelChoice(model, limit, trust).open(environment)
    selection = select_words(space, _typed_words(words, from_file), top, strict)
    selection = add_neighbours(space, selection, neighbors)
    result = project_map(space, selection, method or "pca", x_axis, y_axis, wanted, seed)
    environment.notes(result.notes)
    if html is not None:
        from latentcli.render.htmlmap import map_html

        result = with_neighbours(space, result)
        try:
            html.write_text(map_html(result), "utf-8")
        except OSError as error:
            raise LatentError(f"cannot write {html}: {error}") from None
        environment.note(f"wrote the interactive map to {html}")
    if json:
        emit_json(environment, [result])
        return
    from latentcli.render.plots import map_plot

    environment.stdout.write(map_plot(result, *size, environment.colour))

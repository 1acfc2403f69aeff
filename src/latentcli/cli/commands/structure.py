"""`latent cluster` and `latent map`: how words group, and the space squeezed onto a page."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from latentcli.cli.app import (
    JsonOption,
    app,
    environment,
    model_options,
)
from latentcli.cli.command import ModelChoice, answer
from latentcli.errors import LatentError, UsageError
from latentcli.failures import os_message

if TYPE_CHECKING:
    from rich.console import Console

    from latentcli.core.space import Space
    from latentcli.results.structure import ClusterResult, MapResult

WordsArgument = Annotated[list[str] | None, typer.Argument(
    metavar="WORD...", show_default=False,
    help="Words to use; '-' reads more from stdin, one per line.")]
FromOption = Annotated[Path | None, typer.Option(
    "--from", metavar="FILE", help="Also read words from FILE, one per line.")]
WordsTopOption = Annotated[int | None, typer.Option(
    "--top", metavar="N", help="Also take the N most frequent words of the vocabulary.")]
StrictOption = Annotated[bool, typer.Option(
    "--strict", help="Fail on a word the model lacks instead of leaving it out with a note.")]
SeedOption = Annotated[int, typer.Option(
    "--seed", help="Random seed (0 to 2**32-1): same seed, same answer.")]


def _typed_words(words: list[str] | None, from_file: Path | None, stdin: TextIO) -> list[str]:
    """The words of the command line, of stdin for '-' (read once) and of ``--from``."""
    from latentcli.analysis.words import read_word_lines
    from latentcli.core.text_checks import decode

    typed: list[str] = []
    for word in words or []:
        if word == "-":
            raw = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode()
            typed.extend(read_word_lines(decode(raw, "stdin").splitlines()))
        else:
            typed.append(word)
    if from_file is not None:
        try:
            data = from_file.read_bytes()
        except OSError as error:
            raise LatentError(f"cannot read words from {from_file}: {os_message(error)}") from None
        typed.extend(read_word_lines(decode(data, str(from_file)).splitlines()))
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
@model_options(names=True)
def cluster(
    ctx: typer.Context,
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
    *,
    choice: ModelChoice,
    json: JsonOption = False,
) -> None:
    """Group words by meaning (cosine) and label each group from the space."""
    from latentcli.analysis.clustering import check_size as check_clustered
    from latentcli.analysis.clustering import cluster as find_clusters
    from latentcli.analysis.words import select_words
    from latentcli.render.clusters import clusters_table

    here = environment(ctx)
    wanted = _parse_k(k, "--k")
    typed = _typed_words(words, from_file, here.stdin)

    def compute(space: Space) -> ClusterResult:
        check_clustered(len(typed) + (top or 0), method)  # before 100,000 lookups, not after
        selection = select_words(space, typed, top, strict)
        with here.progress("Clustering", None, in_bytes=False) as report:
            return find_clusters(space, selection, wanted, method, seed, report)

    answer(here, choice, json, compute, clusters_table)


@app.command("map", epilog="Examples:\n\n\b\n"
             "  latent map king queen man woman paris london apple banana\n"
             "  latent map king queen --neighbors 8 --method tsne\n"
             "  latent map --x man:woman --y poor:rich king queen doctor nurse\n"
             "  latent map --top 300 --html map.html")
@model_options(names=True)
def map_(
    ctx: typer.Context,
    words: WordsArgument = None,
    method: Annotated[str | None, typer.Option(
        "--method", metavar="pca|tsne|umap",
        help="Projection: pca (default), tsne, or umap (needs latentcli[umap]).")] = None,
    neighbors: Annotated[int, typer.Option(
        "--neighbors", metavar="N", help="Add each word's N nearest neighbours.")] = 0,
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
    *,
    choice: ModelChoice,
    json: JsonOption = False,
) -> None:
    """Project words to 2-D and plot them, coloured by cluster, with a trust score."""
    from latentcli.analysis.projection import AxisSpec, project_map, with_neighbors
    from latentcli.analysis.projection import check_size as check_mapped
    from latentcli.analysis.words import add_neighbors, select_words
    from latentcli.render.plots import fit_terminal, map_plot

    here = environment(ctx)
    wanted = _parse_k(clusters, "--clusters")
    x_axis = AxisSpec.parse(x, "--x") if x else None
    y_axis = AxisSpec.parse(y, "--y") if y else None
    size = (0, 0) if json else fit_terminal(width, height)  # a JSON answer draws no plot
    typed = _typed_words(words, from_file, here.stdin)

    def compute(space: Space) -> MapResult:
        check_mapped(len(typed) + (top or 0))  # before 100,000 lookups, not after
        selection = add_neighbors(space, select_words(space, typed, top, strict), neighbors)
        with here.progress("Mapping", None, in_bytes=False) as report:
            result = project_map(space, selection, method or "pca", x_axis, y_axis, wanted, seed,
                                 report)
        if html is not None:
            result = with_neighbors(space, result)  # the page lists them on a click
            _write_html(html, result)
        return result

    def plot(console: Console, result: MapResult) -> None:
        console.file.write(map_plot(result, *size, not console.no_color))

    answer(here, choice, json, compute, plot)
    if html is not None:
        here.note(f"wrote the interactive map to {html}")


def _write_html(path: Path, result: MapResult) -> None:
    from latentcli.render.htmlmap import map_html

    try:
        path.write_text(map_html(result), "utf-8")
    except OSError as error:
        raise LatentError(f"cannot write {path}: {error}") from None

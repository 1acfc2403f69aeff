"""`latent cluster` and `latent map`: how words group, and the space squeezed onto a page."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from latentcli.api.model import Model
from latentcli.cli.command import ModelChoice, answer, shown_by
from latentcli.cli.grammar import JSON, Command, Param, defaults
from latentcli.environment import Environment
from latentcli.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from latentcli.api.model import Model
    from latentcli.results.structure import MapResult


def _typed_words(words: list[str] | None, from_file: Path | None, stdin: TextIO) -> list[str]:
    """The words of the command line, of stdin for '-' (read once) and of ``--from``."""
    from latentcli.analysis.words import read_word_lines
    from latentcli.cli.inputs import STDIN, read_text

    typed: list[str] = []
    for word in words or []:
        if word == STDIN:
            typed.extend(read_word_lines(read_text(STDIN, stdin, "words").splitlines()))
        else:
            typed.append(word)
    if from_file is not None:
        typed.extend(read_word_lines(read_text(str(from_file), stdin, "words").splitlines()))
    return typed


def _parse_k(text: str, option: str) -> int | None:
    """``auto`` (None: choose by silhouette) or a whole number."""
    if text == "auto":
        return None
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"{option} takes a number or 'auto', not {text!r}") from None


def cluster(here: Environment, *, words: list[str] | None, k: str, method: str, seed: int,
            from_file: Path | None, top: int | None, strict: bool, choice: ModelChoice,
            json: bool) -> None:
    wanted = _parse_k(k, "--k")
    typed = _typed_words(words, from_file, here.stdin)
    answer(here, choice, json,
           lambda model: model.cluster(typed, wanted, method, seed, top, strict),
           shown_by("clusters", "clusters_table"))


def map_(here: Environment, *, words: list[str] | None, method: str | None, neighbors: int,
         clusters: str, x: str | None, y: str | None, width: int | None, height: int | None,
         html: Path | None, seed: int, from_file: Path | None, top: int | None, strict: bool,
         choice: ModelChoice, json: bool) -> None:
    from latentcli.analysis.projection import AxisSpec

    wanted = _parse_k(clusters, "--clusters")
    for axis, option in ((x, "--x"), (y, "--y")):
        if axis:
            AxisSpec.parse(axis, option)  # a malformed axis is refused before the model opens
    size = (0, 0)  # a JSON answer draws no plot (and never imports plotext)
    if not json:
        from latentcli.render.plots import fit_terminal

        size = fit_terminal(width, height)
    typed = _typed_words(words, from_file, here.stdin)

    def compute(model: Model) -> MapResult:
        result = model.map(typed, method or "pca", neighbors, x, y, wanted, seed, top, strict,
                           listed=html is not None)  # the page lists neighbours on a click
        if html is not None:
            _write_html(html, result)
        return result

    def plot(console: Console, result: MapResult) -> None:
        from latentcli.render.plots import map_plot

        console.file.write(map_plot(result, *size, not console.no_color))

    answer(here, choice, json, compute, plot)
    if html is not None:
        here.note(f"wrote the interactive map to {html}")


def _write_html(path: Path, result: MapResult) -> None:
    from latentcli.cli.outputs import write_file
    from latentcli.render.htmlmap import map_html

    write_file(path, map_html(result))


CLUSTER, MAP = defaults(Model.cluster), defaults(Model.map)
WORDS = Param(key="words", many=True, default=None, metavar="WORD...", show_default=False,
              help="Words to use; '-' reads more from stdin, one per line.")
SELECTION = (
    Param(key="seed", flags=("--seed",), kind=int, default=CLUSTER["seed"],
          help="Random seed (0 to 2**32-1): same seed, same answer."),
    Param(key="from_file", flags=("--from",), kind=Path, default=None, metavar="FILE",
          help="Also read words from FILE, one per line."),
    Param(key="top", flags=("--top",), kind=int, default=None, metavar="N",
          help="Also take the N most frequent words of the vocabulary (a space of your texts "
               "takes all its texts when nothing is chosen)."),
    Param(key="strict", flags=("--strict",), kind=bool, default=CLUSTER["strict"],
          help="Fail on a word the model lacks instead of leaving it out with a note."),
    JSON)

COMMANDS = (
    Command(name="cluster", run=cluster, opens=True, names=True,
            help="Group words by meaning (cosine) and label each group from the space.",
            epilog="Example: latent cluster apple banana cherry dog cat horse paris --k auto",
            params=(WORDS,
                    Param(key="k", flags=("--k",), default="auto", metavar="K|auto",
                          help="Number of clusters, or auto (best silhouette, 2..10)."),
                    Param(key="method", flags=("--method",), default=CLUSTER["method"],
                          metavar="kmeans|agglomerative", help="Clustering algorithm."),
                    *SELECTION)),
    Command(name="map", run=map_, opens=True, names=True,
            help="Project words to 2-D and plot them, coloured by cluster, with a trust score.",
            epilog="Examples:\n\n\b\n"
                   "  latent map king queen man woman paris london apple banana\n"
                   "  latent map king queen --neighbors 8 --method tsne\n"
                   "  latent map --x man:woman --y poor:rich king queen doctor nurse\n"
                   "  latent map --top 300 --html map.html",
            params=(WORDS,
                    Param(key="method", flags=("--method",), default=None,
                          metavar="pca|tsne|umap",
                          help="Projection: pca (default), tsne, or umap (needs "
                               "latentcli[umap])."),
                    Param(key="neighbors", flags=("--neighbors",), kind=int,
                          default=MAP["neighbors"],
                          metavar="N", help="Add each word's N nearest neighbours."),
                    Param(key="clusters", flags=("--clusters",), default="auto",
                          metavar="K|auto", help="Clusters to colour by, or auto."),
                    Param(key="x", flags=("--x",), default=None, metavar="A:B",
                          help="Semantic x axis: from word A towards word B."),
                    Param(key="y", flags=("--y",), default=None, metavar="C:D",
                          help="Semantic y axis: from word C towards word D."),
                    Param(key="width", flags=("--width",), kind=int, default=None,
                          metavar="COLUMNS", help="Plot width (default: the terminal's)."),
                    Param(key="height", flags=("--height",), kind=int, default=None,
                          metavar="ROWS",
                          help="Rows for title, plot and axis lines (default: from the "
                               "terminal)."),
                    Param(key="html", flags=("--html",), kind=Path, default=None,
                          metavar="FILE",
                          help="Also write an interactive, self-contained HTML map."),
                    *SELECTION)),
)

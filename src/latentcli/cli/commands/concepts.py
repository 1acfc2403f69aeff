"""`latent probe` and `latent trace`: where a concept becomes readable in a language model's
residual stream, and how the stream moves through the blocks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from latentcli.cli.command import ModelChoice, answer, shown_by
from latentcli.cli.commands.language import ONE_MODEL, language
from latentcli.cli.grammar import JSON, Command, Param
from latentcli.environment import Environment
from latentcli.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from latentcli.api.model import Model
    from latentcli.results.concepts import Probe, Trace


def probe(here: Environment, *, file_a: str, file_b: str, layer: int | None,
          save: Path | None, choice: ModelChoice, json: bool) -> None:
    from latentcli.cli.inputs import STDIN, read_lines

    if file_a == file_b == STDIN:
        raise UsageError("only one of the two sets can be read from stdin ('-')")
    texts_a, texts_b = (read_lines(name, here.stdin, "texts") for name in (file_a, file_b))

    def compute(model: Model) -> Probe:
        return language(model).probe(texts_a, texts_b, layer, save, names=(file_a, file_b))

    answer(here, choice, json, compute, shown_by("concepts", "probe_view"))
    if save is not None and json:  # the table's caption says it otherwise
        here.note(f"wrote every block's direction to {save}; steer with it: latent generate "
                  f"PROMPT --direction {save}")


def trace(here: Environment, *, prompts: list[str], width: int | None, height: int | None,
          html: Path | None, choice: ModelChoice, json: bool) -> None:
    from latentcli.cli.inputs import STDIN, read_lines

    if prompts.count(STDIN) > 1:
        raise UsageError("'-' reads the prompts on stdin once; give it one time")
    given = [line for prompt in prompts
             for line in (read_lines(STDIN, here.stdin, "prompts") if prompt == STDIN
                          else [prompt])]
    size = (0, 0)  # a JSON answer draws no plot (and never imports plotext)
    if not json:
        from latentcli.render.plots import fit_terminal

        size = fit_terminal(width, height)

    def compute(model: Model) -> Trace:
        result = language(model).trace(*given)
        if html is not None:
            _write_html(html, result)
        return result

    def plot(console: Console, result: Trace) -> None:
        from latentcli.render.concepts import trace_plot

        console.file.write(trace_plot(result, *size, not console.no_color, grow=height is None))

    answer(here, choice, json, compute, plot)
    if html is not None:
        here.note(f"wrote the interactive trace to {html}")


def _write_html(path: Path, result: Trace) -> None:
    from latentcli.cli.outputs import write_file
    from latentcli.render.concepts import trace_html

    write_file(path, trace_html(result))



COMMANDS = (
    Command(name="probe", run=probe, opens=True, model_params=(ONE_MODEL,), language=True,
            help="Where a language model tells two sets of texts apart: a linear probe of the "
                 "last position's residual at every block.",
            epilog="Examples: latent probe docs/examples/true.txt docs/examples/false.txt; "
                   "latent probe positive.txt negative.txt --save mood.json, then latent "
                   "generate 'The movie was' --direction mood.json",
            params=(Param(key="file_a", metavar="FILE_A",
                          help="One set of texts, one a line ('-': stdin)."),
                    Param(key="file_b", metavar="FILE_B",
                          help="The other set, one a line ('-': stdin)."),
                    Param(key="layer", flags=("--layer",), kind=int, default=None,
                          metavar="L",
                          help="The block whose direction --save marks to steer at "
                               "[default: the best block]."),
                    Param(key="save", flags=("--save",), kind=Path, default=None,
                          metavar="FILE",
                          help="Write every block's mean-difference direction (FILE_A minus "
                               "FILE_B) for generate --direction."),
                    JSON)),
    Command(name="trace", run=trace, opens=True, model_params=(ONE_MODEL,), language=True,
            help="The path of each prompt's last position through the blocks, on one 2-D "
                 "projection, and where two prompts part.",
            epilog="Examples: latent trace 'The Eiffel Tower is in the city of' 'The Colosseum "
                   "is in the city of'; latent trace 'I love it.' 'I hate it.' --html trace.html",
            params=(Param(key="prompts", many=True, metavar="PROMPT...",
                          help="Prompts to trace ('-': more from stdin, one a line)."),
                    Param(key="width", flags=("--width",), kind=int, default=None,
                          metavar="COLUMNS", help="Plot width (default: the terminal's)."),
                    Param(key="height", flags=("--height",), kind=int, default=None,
                          metavar="ROWS",
                          help="Rows for title, plot and captions (default: from the "
                               "terminal)."),
                    Param(key="html", flags=("--html",), kind=Path, default=None,
                          metavar="FILE",
                          help="Also write the paths as an interactive, self-contained HTML "
                               "page."),
                    JSON)),
)

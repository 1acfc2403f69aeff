"""The Typer app, its error handling and the options every command shares.

Errors are translated in one place, `LatentGroup.main` (with `Environment.run`): a usage error
or a `LatentError` becomes one ``Error: …`` line on stderr and exit code 1 (bad input or data)
or 2 (bad usage).
Core modules are imported inside the commands so that ``--help`` and start-up stay light.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer.core import TyperGroup
from typer.exceptions import Abort

from latentcli import DEFAULT_MODEL as DEFAULT_MODEL  # re-exported for the command modules
from latentcli import __version__
from latentcli.environment import Environment


class LatentGroup(TyperGroup):
    """Runs the app non-standalone so every failure is reported as one line, the same way."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        environment = Environment()

        def invoke() -> object:
            try:
                return super(LatentGroup, self).main(
                    args, prog_name, complete_var, standalone_mode=False,
                    windows_expand_args=windows_expand_args, **extra)
            except NoArgsIsHelpError as error:
                print(error.format_message(), file=environment.stderr)
                return 2
            except UsageError as error:
                command = error.ctx.command_path if error.ctx else "latent"
                environment.error(f"{error.format_message()} (see '{command} --help')")
                return 2
            except ClickException as error:
                environment.error(error.format_message())
                return error.exit_code
            except Abort:
                environment.error("aborted")
                return 1

        code = environment.run(invoke)
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    cls=LatentGroup,
    name="latent",
    help="Explore the latent space of embedding models from the terminal.",
    epilog=(
        "Examples:\n\n\b\n"
        "  latent explain                            a guided tour, for newcomers\n"
        "  latent neighbors king                     nearest words to 'king'\n"
        "  latent analogy king - man + woman         king is to man as ? is to woman\n"
        "  latent cluster dog cat red blue paris     words grouped by meaning\n"
        "  latent map dog cat red blue --neighbors 5 a 2-D map in the terminal\n"
        "  latent explore king                       walk the space (latentcli[explore])\n"
        "  latent axis bad good --top 5000           words along a direction\n"
        "  latent steer king --toward woman          a word moved along a direction\n"
        "  latent path cat dog                       a straight walk between words\n"
        "  latent odd breakfast lunch dinner car     the word that does not belong\n"
        "  latent similarity cat dog car             cosine similarities\n"
        "  latent compare glove-6b-50d FILE          two models' neighbourhoods\n"
        "  latent evaluate analogies                 gensim's benchmark, exactly\n"
        "  latent models                             models you have and can get\n"
        "\n"
        "Every command takes --model/-m NAME|PATH, and --json but for explore."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ModelOption = Annotated[str, typer.Option(
    "--model", "-m", envvar="LATENT_MODEL", metavar="NAME|PATH",
    help="Model to use: a known name or a file. [env: LATENT_MODEL]", show_envvar=False)]
LimitOption = Annotated[int | None, typer.Option(
    "--limit", min=1, metavar="N",
    help="Read only the first N words of a model file (cached separately).")]
TrustOption = Annotated[bool, typer.Option(
    "--trust", help="Allow model files whose loading runs code from the file (gensim pickles).")]
TopOption = Annotated[int, typer.Option(
    "--top", "-n", metavar="N", help="How many answers to show.")]
JsonOption = Annotated[bool, typer.Option(
    "--json", help="Print JSON (one object per query, one per line) instead of a table.")]


def _version(value: bool) -> None:
    if value:
        print(f"latent {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Explore the latent space of embedding models from the terminal."""

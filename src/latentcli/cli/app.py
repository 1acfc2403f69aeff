"""The Typer app, its error handling and the options every command shares.

Errors are translated in one place, `LatentGroup.main` (with `Environment.run`): a usage error,
a `LatentError` or any other failure becomes one ``Error: …`` line on stderr and exit code 1 (bad
input or data), 2 (bad usage) or 130 (Ctrl-C).
Core modules are imported inside the commands so that ``--help`` and start-up stay light.
"""

from __future__ import annotations

import functools
import inspect
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from latentcli import __version__
from latentcli.cli import options
from latentcli.environment import Environment

# Every command, in the order `latent --help` lists them, and the module under cli/commands that
# declares it. A module is imported only when one of its commands runs (or help lists them all),
# as pip's command table does: `latent similarity` never imports the tour's or the encoder's code.
COMMAND_MODULES = {
    "explain": "explain", "neighbors": "queries", "analogy": "queries", "cluster": "structure",
    "map": "structure", "explore": "explore", "axis": "directions", "steer": "directions",
    "path": "directions", "odd": "directions", "similarity": "directions",
    "compare": "directions", "context": "context", "embed": "texts",
    "generate": "language", "lens": "language", "evaluate": "evaluate", "models": "models",
}


class LatentGroup(TyperGroup):
    """Runs the app non-standalone so every failure is reported as one line, the same way, and
    declares each command when it is first asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suggest_commands = False  # resolve_command suggests from every command instead

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in self.commands and name in COMMAND_MODULES:
            import importlib

            importlib.import_module(f"latentcli.cli.commands.{COMMAND_MODULES[name]}")
            self.commands[name] = typer.main.get_group(app).commands[name]
        return super().get_command(ctx, name)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        environment = extra.setdefault("obj", Environment())

        def invoke() -> object:
            try:
                return super(LatentGroup, self).main(
                    args, prog_name, complete_var, standalone_mode=False,
                    windows_expand_args=windows_expand_args, **extra)
            except typer.TyperException as error:  # click's usage and parameter errors
                return _report(environment, error)
            except typer.Abort:  # end of input at a prompt
                environment.error("aborted")
                return 1

        code = environment.run(invoke)
        if standalone_mode:
            sys.exit(code)
        return code


    def invoke(self, ctx: Any) -> Any:
        """Ctrl-C is carried past Typer (which turns it into a silent exit 130) as `Terminated`."""
        from latentcli.failures import Terminated

        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Terminated(signal.SIGINT) from None


    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """As click resolves it, but a mistyped command is matched against every command, not
        only the ones already imported (Typer's own suggestions would see those alone)."""
        try:
            name, command, rest = super().resolve_command(ctx, args)
        except typer.TyperException as error:
            from difflib import get_close_matches

            close = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if close and hasattr(error, "message"):
                error.message = (f"{error.message.rstrip('.')}. Did you mean "
                                 f"{', '.join(map(repr, close))}?")
            raise
        _mark_defaults(command)
        return name, command, rest


class DefaultsContext(typer.Context):
    """Hands a command the counts the user left at their default as `Default`, which the core
    clamps to the model's size instead of refusing (``-n 10`` on a 3-word model)."""

    def invoke(self, callback: Any, /, *args: Any, **kwargs: Any) -> Any:
        from typer._click.core import ParameterSource

        from latentcli.core.counts import Default

        for name, value in kwargs.items():
            if type(value) is int and self.get_parameter_source(name) is ParameterSource.DEFAULT:
                kwargs[name] = Default(value)
        return super().invoke(callback, *args, **kwargs)


def _mark_defaults(command: Any) -> None:
    """Give ``command`` (and a sub-group's commands) the `DefaultsContext`."""
    if command is None:
        return
    command.context_class = DefaultsContext
    for sub in getattr(command, "commands", {}).values():
        _mark_defaults(sub)


def _report(environment: Environment, error: typer.TyperException) -> int:
    """A usage error as one line pointing at ``--help``; ``latent`` alone prints the help."""
    if type(error).__name__ == "NoArgsIsHelpError":
        print(error.format_message(), file=environment.stderr)
        return 2
    context = getattr(error, "ctx", None)
    if error.exit_code == 2:
        command = context.command_path if context is not None else "latent"
        environment.error(f"{error.format_message()} (see '{command} --help')")
    else:
        environment.error(error.format_message())
    return error.exit_code


def environment(context: typer.Context) -> Environment:
    """The process's one `Environment`, which `LatentGroup.main` put on the root context."""
    found = context.find_root().obj
    assert isinstance(found, Environment)
    return found


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
        "  latent context bank \"river bank\" \"a bank\" a word's sense in each sentence\n"
        "  latent embed \"my text\" --name mine        your own texts, as a space (-m mine)\n"
        "  latent models                             models you have and can get\n"
        "  latent generate \"Once upon a time\"        a language model writes (SmolLM2)\n"
        "  latent lens \"The capital of France is\"    its answer forming, layer by layer\n"
        "\n"
        "Every command takes --model/-m NAME|PATH, and --json but for explore."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

def typer_option(spec: options.OptionSpec) -> Any:
    """The `typer.Option` of an option declared in `cli.options` (shared with the fast path)."""
    return typer.Option(*spec.flags, envvar=spec.envvar, metavar=spec.metavar, help=spec.help,
                        show_envvar=False)  # ranges: core.counts.within, as for the API


ModelOption = Annotated[str, typer_option(options.MODEL)]
LimitOption = Annotated[int | None, typer_option(options.LIMIT)]
TrustOption = Annotated[bool, typer_option(options.TRUST)]
TopOption = Annotated[int, typer_option(options.TOP)]
JsonOption = Annotated[bool, typer_option(options.JSON)]
VectorsColumnOption = Annotated[str | None, typer_option(options.VECTORS_COLUMN)]
LabelsColumnOption = Annotated[str | None, typer_option(options.LABELS_COLUMN)]
DEFAULT_MODEL = str(options.MODEL.default)
MODEL_OPTIONS = (("model", ModelOption, DEFAULT_MODEL), ("limit", LimitOption, None),
                 ("trust", TrustOption, False), ("vectors_column", VectorsColumnOption, None),
                 ("labels_column", LabelsColumnOption, None))


def model_options(names: bool = False) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command the options that choose a model (``--model/-m``, ``--limit``, ``--trust``,
    ``--vectors-column``, ``--labels-column``), declared here once, and hand it their
    `ModelChoice` as its ``choice`` argument (``names``: the command names groups of words).

    Typer reads a command's parameters from its signature, so the decorated function's signature
    is the command's own (less ``choice``) followed by these options, as sqlite-utils and llm
    share option groups between click commands with decorators.
    """
    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        signature = inspect.signature(command, eval_str=True)
        own = [parameter for name, parameter in signature.parameters.items() if name != "choice"]
        added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                   annotation=annotation)
                 for name, annotation, default in MODEL_OPTIONS]

        @functools.wraps(command)
        def run(*args: Any, model: str, limit: int | None, trust: bool,
                vectors_column: str | None, labels_column: str | None, **kwargs: Any) -> None:
            from latentcli.cli.command import ModelChoice

            command(*args, choice=ModelChoice(model, limit, trust, vectors_column, labels_column,
                                              names), **kwargs)

        parameters = [*own, *added]
        run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
        return run

    return decorate


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

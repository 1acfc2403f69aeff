"""The Typer app, its error handling and the options every command shares.

Errors are translated in one place, `LatentGroup.main` (with `Environment.run`): a usage error,
a `LatentError` or any other failure becomes one ``Error: …`` line on stderr and exit code 1 (bad
input or data), 2 (bad usage) or 130 (Ctrl-C).
Core modules are imported inside the commands so that ``--help`` and start-up stay light.
"""

from __future__ import annotations

import inspect
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from latentcli import __version__
from latentcli.cli.grammar import COMMAND_MODULES, REQUIRED, Command, Group, Param, declared
from latentcli.environment import Environment


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
            self.commands[name] = _typer_command(name, declared(COMMAND_MODULES[name]))
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
        "  latent lens \"The capital of France is\"    its answer forming, block by block\n"
        "  latent attention \"The cat sat on the\"     where each attention head looks\n"
        "  latent patch CLEAN CORRUPT                where a fact sits: two prompts, patched\n"
        "  latent probe true.txt false.txt           the block where two sets of texts part\n"
        "  latent trace \"A cat\" \"A dog\"              prompts' paths through the blocks\n"
        "\n"
        "Every command takes --model/-m NAME|PATH, and --json but for explore."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

def _typer_command(name: str, declarations: tuple[Command | Group, ...]) -> Any:
    """The click command Typer makes of the command or group ``name`` declared in
    ``declarations``."""
    family = typer.Typer(rich_markup_mode=None)
    for group in (item for item in declarations if isinstance(item, Group)):
        if group.name == name:
            members = typer.Typer(name=name, help=group.help, epilog=group.epilog,
                                  no_args_is_help=group.run is None, rich_markup_mode=None)
            if group.run is not None:
                members.callback(invoke_without_command=True)(_group_callback(group))
            for command in declarations:
                if isinstance(command, Command) and command.group == name:
                    _register(members, command)
            family.add_typer(members)
    for command in declarations:
        if isinstance(command, Command) and command.group is None and command.name == name:
            _register(family, command)
    return typer.main.get_group(family).commands[name]


def _register(family: typer.Typer, command: Command) -> None:
    def callback(ctx: typer.Context, **values: Any) -> None:
        command.call(environment(ctx), _whole_envvars(ctx, command.every_param, values))

    family.command(command.name, help=command.help, epilog=command.epilog)(
        _declare(callback, command.every_param))


def _whole_envvars(ctx: typer.Context, params: tuple[Param, ...],
                   values: dict[str, Any]) -> dict[str, Any]:
    """A repeatable option read from its environment variable is that one value (click would
    split it at spaces: a path holding one would become two models)."""
    import os

    from typer._click.core import ParameterSource

    for param in params:
        if (param.many and param.envvar
                and ctx.get_parameter_source(param.key) is ParameterSource.ENVIRONMENT):
            values[param.key] = [os.environ[param.envvar]]
    return values


def _group_callback(group: Group) -> Callable[..., None]:
    def callback(ctx: typer.Context, **values: Any) -> None:
        if ctx.invoked_subcommand is None and group.run is not None:
            group.run(environment(ctx), **values)

    return _declare(callback, group.params)


def _declare(callback: Callable[..., None], params: tuple[Param, ...]) -> Callable[..., None]:
    """``callback`` with the signature Typer reads ``params`` from (as sqlite-utils and llm
    share option groups between click commands by rewriting signatures)."""
    parameters = [inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                    annotation=typer.Context)]
    parameters += [inspect.Parameter(param.key, inspect.Parameter.KEYWORD_ONLY,
                                     default=inspect.Parameter.empty if param.default is REQUIRED
                                     else param.default, annotation=_annotation(param))
                   for param in params]
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
    return callback


def _annotation(param: Param) -> Any:
    """The ``Annotated[type, typer.Option(...)]`` (or ``typer.Argument``) Typer reads."""
    hint: Any = list[param.kind] if param.many else param.kind  # type: ignore[name-defined]
    if param.default is None:
        hint = hint | None
    if param.positional:
        info = typer.Argument(metavar=param.metavar, help=param.help,
                              show_default=param.show_default, exists=param.exists,
                              dir_okay=not param.exists)
    else:  # ranges are checked by core.counts.within, for the API too
        info = typer.Option(*param.flags, envvar=param.envvar, metavar=param.metavar,
                            help=param.help, show_default=param.show_default,
                            show_envvar=False, exists=param.exists, dir_okay=not param.exists)
    return Annotated[hint, info]


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

"""The command line's one grammar: every command and its parameters as data.

Each module under `cli/commands` declares its commands as `Command` values and the Typer-free
functions that run them. Two doors read the same declarations: `cli/app.py` turns a `Command`
into a Typer command (so help, usage errors and every unusual command line come from Typer), and
`cli/fastpath.py` parses a plain command line itself, skipping Typer's start-up, which costs more
than most queries. A name, a default or an environment variable therefore cannot differ between
the two doors; tests/test_entry.py checks that both give the same answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from latentcli import DEFAULT_MODEL
from latentcli.cli.command import MODEL_ENVVAR

if TYPE_CHECKING:
    from latentcli.environment import Environment

# Every command, in the order `latent --help` lists them, and the module under cli/commands that
# declares it (`cli.grammar`). A module is imported only when one of its commands runs (or help
# lists them all), as pip's command table does: `latent similarity` never imports the tour's or
# the encoder's code.
COMMAND_MODULES = {
    "explain": "explain", "neighbors": "queries", "analogy": "queries", "cluster": "structure",
    "map": "structure", "explore": "explore", "axis": "directions", "steer": "directions",
    "path": "directions", "odd": "directions", "similarity": "directions",
    "compare": "directions", "context": "context", "embed": "embed",
    "generate": "language", "lens": "language", "attention": "inside", "patch": "inside",
    "probe": "concepts", "trace": "concepts",
    "evaluate": "evaluate", "models": "models",
}


def declared(module: str) -> tuple[Command | Group, ...]:
    """The commands and groups a module under cli/commands declares."""
    import importlib

    found: tuple[Command | Group, ...] = importlib.import_module(
        f"latentcli.cli.commands.{module}").COMMANDS
    return found


REQUIRED: Any = ...  # a parameter without a default must be given (Typer's spelling)


@dataclass(frozen=True, kw_only=True)
class Param:
    """One argument (no ``flags``) or option: its value's type, default and help.

    ``kind`` is str, int, float, bool (a flag) or Path; ``many`` makes it a list (an argument
    that takes the remaining words, an option that may be repeated); ``exists``: a Path that
    must name an existing file.
    """

    key: str
    flags: tuple[str, ...] = ()
    kind: type = str
    default: Any = REQUIRED
    many: bool = False
    metavar: str | None = None
    help: str | None = None
    envvar: str | None = None
    show_default: bool = True
    exists: bool = False

    @property
    def positional(self) -> bool:
        return not self.flags


MODEL = Param(key="model", flags=("--model", "-m"), default=DEFAULT_MODEL, metavar="NAME|PATH",
              help=f"Model to use: a known name or a file. [env: {MODEL_ENVVAR}]",
              envvar=MODEL_ENVVAR)


def model_option(default: str, metavar: str, help: str) -> Param:
    """``--model/-m`` (the one declaration, read from ``LATENT_MODEL`` too) for a command whose
    model is of one kind: a language model (``generate``), a sentence encoder (``embed``)."""
    from dataclasses import replace

    return replace(MODEL, default=default, metavar=metavar,
                   help=f"{help} [env: {MODEL_ENVVAR}]")


LIMIT = Param(key="limit", flags=("--limit",), kind=int, default=None, metavar="N",
              help="Read only the first N words of a model file (cached separately).")
TRUST = Param(key="trust", flags=("--trust",), kind=bool, default=False,
              help="Allow model files whose loading runs code from the file (gensim pickles).")
VECTORS_COLUMN = Param(key="vectors_column", flags=("--vectors-column",), default=None,
                       metavar="NAME",
                       help="A Parquet/Arrow model's vector column (found if only one fits).")
LABELS_COLUMN = Param(key="labels_column", flags=("--labels-column",), default=None,
                      metavar="NAME",
                      help="A Parquet/Arrow model's label column (found if only one fits).")
JSON = Param(key="json", flags=("--json",), kind=bool, default=False,
             help="Print JSON (one object per query, one per line) instead of a table.")
MODEL_PARAMS = (MODEL, LIMIT, TRUST, VECTORS_COLUMN, LABELS_COLUMN)



Run = Callable[..., None]  # run(environment, **values): the command, once its line is parsed


@dataclass(frozen=True, kw_only=True)
class Command:
    """A command: its name, help, parameters and the function that runs it.

    ``opens``: the command takes the model options ``model_params`` (by default `MODEL_PARAMS`)
    and its function gets them as one `ModelChoice` called ``choice`` (``choices``, a list, when
    its ``--model`` may be repeated); ``names`` asks that choice
    for the sentence encoder that names groups of words; ``language``: the model must be a
    language model. ``group`` names the command group it belongs to (``evaluate``), if any.
    """

    name: str
    help: str
    run: Run
    params: tuple[Param, ...] = ()
    epilog: str | None = None
    opens: bool = False
    model_params: tuple[Param, ...] = MODEL_PARAMS
    names: bool = False
    language: bool = False
    group: str | None = None

    @property
    def every_param(self) -> tuple[Param, ...]:
        """Its parameters in the order help lists them: its own, then the model options."""
        return (*self.params, *(self.model_params if self.opens else ()))

    def call(self, environment: Environment, values: dict[str, Any]) -> None:
        """Run the command on parsed ``values`` (by key), as both doors do; a value a parameter
        cannot take is named by its flag (the API names it by its parameter)."""
        from latentcli.errors import ParameterError

        if self.opens:
            from latentcli.cli.command import ModelChoice

            chosen = {param.key: values.pop(param.key) for param in self.model_params}
            specs = chosen.pop("model")
            made = [ModelChoice(spec=spec, **chosen, names=self.names, language=self.language)
                    for spec in (specs if isinstance(specs, list) else [specs])]
            if isinstance(specs, list):  # -m given several times: one answer for each model
                values["choices"] = made
            else:
                values["choice"] = made[0]
        try:
            self.run(environment, **values)
        except ParameterError as error:
            named = next((param for param in self.every_param if param.key == error.option), None)
            if named is None:
                raise
            raise error.named("/".join(sorted(named.flags, key=len))) from None


@dataclass(frozen=True, kw_only=True)
class Group:
    """A command with subcommands (``latent evaluate``, ``latent models``); ``run``, if given,
    answers the group's name alone (``latent models`` lists the models)."""

    name: str
    help: str
    epilog: str | None = None
    params: tuple[Param, ...] = ()
    run: Run | None = None


def defaults(method: Callable[..., Any]) -> dict[str, Any]:
    """The defaults in the signature of ``method`` (a `Model` method): a command declares its
    options' defaults from the API's, so they live in one place."""
    import inspect

    return {name: parameter.default
            for name, parameter in inspect.signature(method).parameters.items()
            if parameter.default is not inspect.Parameter.empty}


def top_option(default: int, help: str) -> Param:
    """``--top/-n N``: how many of something to show."""
    return Param(key="top", flags=("--top", "-n"), kind=int, default=default, metavar="N",
                 help=help)

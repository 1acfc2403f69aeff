"""The fast path: plain ``neighbors``, ``analogy`` and ``embed`` command lines, without Typer.

Typer builds a pydantic adapter for every parameter at start-up, which costs more than the whole
query. A command line that uses only the options of `cli.options.FAST_COMMANDS`, in their plain
forms, is parsed here; anything else, including every malformed or unusual command line, is left
to Typer, so usage errors and help always come from one place. tests/test_entry.py checks that
both doors give identical output for the same arguments, on a table of cases and on random argv.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence

from latentcli.cli.options import (
    FAST_COMMANDS,
    LABELS_COLUMN,
    LIMIT,
    MODEL,
    VECTORS_COLUMN,
    OptionSpec,
)
from latentcli.environment import Environment

Parsed = tuple[str, list[str], dict[str, str | bool]]
# Whole numbers in ASCII digits; anything else (superscripts, other scripts, 5.0, +5) Typer judges.
_WHOLE = re.compile(r"-?[0-9]+", re.ASCII)


def parse(argv: Sequence[str]) -> Parsed | None:
    """(command, positionals, values by option key) if the fast path can take ``argv``, else None.
    """
    if not argv or argv[0] not in FAST_COMMANDS:
        return None
    flags = {flag: spec for spec in FAST_COMMANDS[argv[0]] for flag in spec.flags}
    positionals: list[str] = []
    values: dict[str, str | bool] = {}
    rest = list(argv[1:])
    while rest:
        token = rest.pop(0)
        if token == "-" or not token.startswith("-"):
            positionals.append(token)
            continue
        name, equals, value = token.partition("=") if token.startswith("--") else (
            token[:2], "=" if len(token) > 2 else "", token[2:])
        spec = flags.get(name)
        if spec is None:
            return None
        if spec.kind is bool:
            if equals:
                return None
            values[spec.key] = True
        elif equals:
            values[spec.key] = value
        elif rest:
            values[spec.key] = rest.pop(0)
        else:
            return None
    if not positionals or not all(_plain(spec, values.get(spec.key))
                                  for spec in FAST_COMMANDS[argv[0]]):
        return None
    return argv[0], positionals, values


def _plain(spec: OptionSpec, value: str | bool | None) -> bool:
    """A value the fast path reads exactly as Typer would (else Typer reads, or refuses, it)."""
    if value is None or spec.kind is not int:
        return True
    return isinstance(value, str) and _WHOLE.fullmatch(value) is not None


def fast_path(argv: Sequence[str], environment: Environment) -> Callable[[], None] | None:
    """The query ``argv`` asks for, ready to run, if the fast path can take it."""
    parsed = parse(argv)
    if parsed is None:
        return None
    command, positionals, values = parsed
    from latentcli.core.counts import Default

    def option(spec: OptionSpec) -> str | bool | int | None:
        if spec.key in values:
            return int(values[spec.key]) if spec.kind is int else values[spec.key]
        if spec.envvar and os.environ.get(spec.envvar):
            return os.environ[spec.envvar]
        return Default(spec.default) if isinstance(spec.default, int) and spec.kind is int else (
            spec.default)

    by_key = {spec.key: spec for spec in FAST_COMMANDS[command]}
    if command == "embed":
        from latentcli.cli.texts import run_embed

        text = {key: value if isinstance(value := option(spec), str) else None
                for key, spec in by_key.items()}
        return lambda: run_embed(environment, positionals, str(text["model"]),
                                 text["from_file"], text["name"], text["output"],
                                 bool(option(by_key["json"])))
    from latentcli.cli.command import ModelChoice
    from latentcli.cli.queries import run_analogy, run_neighbors

    top, json = option(by_key["top"]), bool(option(by_key["json"]))
    assert isinstance(top, int)
    limit = option(LIMIT)
    vectors, labels = (option(spec) for spec in (VECTORS_COLUMN, LABELS_COLUMN))
    model = ModelChoice(str(option(MODEL)), limit if isinstance(limit, int) else None,
                        bool(option(by_key["trust"])),
                        vectors if isinstance(vectors, str) else None,
                        labels if isinstance(labels, str) else None)
    if command == "neighbors":
        return lambda: run_neighbors(environment, positionals, top, model, json)
    return lambda: run_analogy(environment, positionals, top, str(option(by_key["method"])),
                               bool(option(by_key["allow_inputs"])), model, json)

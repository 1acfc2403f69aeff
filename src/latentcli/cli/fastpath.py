"""The fast path: plain command lines of every command, parsed without Typer.

Typer builds a pydantic adapter for every parameter at start-up, which costs more than most
queries (measured in benchmarks/bench_startup.py). A command line that uses a command's declared
parameters (`cli.grammar`) in their plain forms is parsed here and handed to the same function
the Typer command calls; anything else, including every malformed or unusual command line, help
and ``--``, is left to Typer, so usage errors and help always come from one place.
tests/test_entry.py checks that both doors give identical output for the same arguments, on a
table of cases and on random argv.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from latentcli.cli.grammar import COMMAND_MODULES, REQUIRED, Command, Param, declared
from latentcli.environment import Environment

# Values the fast path reads exactly as Typer would; anything else (superscripts, 5.0 for a
# count, 1e3, +5, inf) Typer judges.
_PLAIN = {int: re.compile(r"-?[0-9]+", re.ASCII),
          float: re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)}
Parsed = tuple[Command, dict[str, Any]]


def find(argv: Sequence[str]) -> tuple[Command, list[str]] | None:
    """The command ``argv`` names (a group's subcommand too) and the words after its name."""
    if not argv or argv[0] not in COMMAND_MODULES:
        return None
    for command in declared(COMMAND_MODULES[argv[0]]):
        if isinstance(command, Command):
            if command.group is None and command.name == argv[0]:
                return command, list(argv[1:])
            if command.group == argv[0] and argv[1:2] == [command.name]:
                return command, list(argv[2:])
    return None


def parse(argv: Sequence[str]) -> Parsed | None:
    """The command and its values by key if the fast path can take ``argv``, else None."""
    found = find(argv)
    if found is None:
        return None
    command, rest = found
    params = command.every_param
    flags = {flag: param for param in params for flag in param.flags}
    positionals: list[str] = []
    given: dict[str, list[str] | bool] = {}
    while rest:
        token = rest.pop(0)
        if token == "-" or not token.startswith("-"):
            positionals.append(token)
            continue
        name, equals, value = token.partition("=") if token.startswith("--") else (
            token[:2], "=" if len(token) > 2 else "", token[2:])
        param = flags.get(name)
        if param is None:
            return None
        if param.kind is bool:
            if equals:
                return None
            given[param.key] = True
            continue
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        if not _plain(param, value):
            return None
        previous = given.get(param.key)
        given[param.key] = [*previous, value] if isinstance(previous, list) and param.many else [
            value]
    values = _arguments(command, positionals)
    if values is None:
        return None
    for param in params:
        if not param.positional:
            values[param.key] = _option(param, given.get(param.key))
    if any(value is REQUIRED for value in values.values()):
        return None
    return command, values


def _plain(param: Param, value: str) -> bool:
    """A value the fast path reads exactly as Typer would (else Typer reads, or refuses, it)."""
    pattern = _PLAIN.get(param.kind)
    return (pattern is None or pattern.fullmatch(value) is not None) and not param.exists


def _arguments(command: Command, positionals: list[str]) -> dict[str, Any] | None:
    """The positional words by argument, as click assigns them (a list argument, which comes
    last, takes the rest), or None if they do not fit."""
    values: dict[str, Any] = {}
    arguments = [param for param in command.params if param.positional]
    for param in arguments:
        if param.exists and positionals:
            return None  # Typer checks that the file exists
        if param.many:
            if not positionals and param.default is REQUIRED:
                return None
            values[param.key] = [param.kind(word) for word in positionals] if positionals else (
                param.default)
            positionals = []
        elif positionals:
            values[param.key] = param.kind(positionals.pop(0))
        elif param.default is REQUIRED:
            return None
        else:
            values[param.key] = param.default
    return None if positionals else values


def _option(param: Param, given: list[str] | bool | None) -> Any:
    """An option's value: given, from its environment variable, or its default (a count left at
    its default as `Default`, which the core clamps to the model's size)."""
    if isinstance(given, bool):
        return given
    if given is not None:
        converted = [_convert(param.kind, text) for text in given]
        return converted if param.many else converted[-1]
    if param.envvar and os.environ.get(param.envvar):
        return [os.environ[param.envvar]] if param.many else os.environ[param.envvar]
    if param.kind is int and type(param.default) is int:
        from latentcli.core.counts import Default

        return Default(param.default)
    return param.default


def _convert(kind: type, text: str) -> Any:
    return Path(text) if kind is Path else kind(text)


def fast_path(argv: Sequence[str], environment: Environment) -> Callable[[], None] | None:
    """The command ``argv`` asks for, ready to run, if the fast path can take it."""
    parsed = parse(argv)
    if parsed is None:
        return None
    command, values = parsed
    return lambda: command.call(environment, values)

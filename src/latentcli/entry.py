"""The ``latent`` executable: a fast path for plain queries, Typer for everything else.

Typer builds a pydantic adapter for every parameter at start-up, which costs more than the whole
query. A plain ``latent neighbors …`` or ``latent analogy …`` (only the options listed in
`_OPTIONS`, no help, nothing unusual) is therefore parsed here and handed to the same
`latentcli.cli.command` functions the Typer commands call; anything else, including every malformed
command line, goes to Typer, so usage errors and help always come from one place.
tests/test_entry.py checks that both doors give identical output for the same arguments.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

from latentcli import DEFAULT_MODEL
from latentcli.environment import Environment

_VALUE, _FLAG = "value", "flag"
_SHARED = {"--top": ("top", _VALUE), "-n": ("top", _VALUE), "--model": ("model", _VALUE),
           "-m": ("model", _VALUE), "--limit": ("limit", _VALUE), "--trust": ("trust", _FLAG),
           "--json": ("json", _FLAG)}
_OPTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "neighbors": _SHARED,
    "analogy": {**_SHARED, "--method": ("method", _VALUE),
                "--allow-inputs": ("allow_inputs", _FLAG)},
}


def _parse(argv: Sequence[str]) -> tuple[str, list[str], dict[str, str | bool]] | None:
    """(command, positionals, options) for a command line the fast path can take, else None."""
    if not argv or argv[0] not in _OPTIONS:
        return None
    known = _OPTIONS[argv[0]]
    positionals: list[str] = []
    options: dict[str, str | bool] = {}
    rest = list(argv[1:])
    while rest:
        token = rest.pop(0)
        if token == "-" or not token.startswith("-"):
            positionals.append(token)
            continue
        name, equals, value = token.partition("=") if token.startswith("--") else (
            token[:2], "=" if len(token) > 2 else "", token[2:])
        if name not in known:
            return None
        key, kind = known[name]
        if kind == _FLAG:
            if equals:
                return None
            options[key] = True
        elif equals:
            options[key] = value
        elif rest:
            options[key] = rest.pop(0)
        else:
            return None
    top, limit = options.get("top", "10"), options.get("limit", "1")
    if not positionals or not (isinstance(top, str) and top.lstrip("-").isdigit()):
        return None
    if not (isinstance(limit, str) and limit.isdigit() and int(limit) >= 1):
        return None  # Typer reports the bad --limit
    return argv[0], positionals, options


def fast_path(argv: Sequence[str], environment: Environment) -> Callable[[], None] | None:
    """The query ``argv`` asks for, ready to run, if the fast path can take it."""
    parsed = _parse(argv)
    if parsed is None:
        return None
    command, positionals, options = parsed
    from latentcli.cli.command import ModelChoice, run_analogy, run_neighbors

    top = int(str(options.get("top", "10")))
    spec = str(options["model"] if "model" in options
               else os.environ.get("LATENT_MODEL") or DEFAULT_MODEL)
    model = ModelChoice(spec, int(str(options["limit"])) if "limit" in options else None,
                        bool(options.get("trust", False)))
    json = bool(options.get("json", False))
    if command == "neighbors":
        return lambda: run_neighbors(environment, positionals, top, model, json)
    return lambda: run_analogy(environment, positionals, top, str(options.get("method", "add")),
                               bool(options.get("allow_inputs", False)), model, json)


def main(argv: Sequence[str] | None = None) -> None:
    environment = Environment()
    query = fast_path(sys.argv[1:] if argv is None else argv, environment)
    if query is None:
        from latentcli.cli.commands import app

        app(args=argv)
        return
    sys.exit(environment.run(query))

"""`latent explore`: the interactive explorer, a Textual app from the optional ``explore`` extra."""

from __future__ import annotations

from latentcli.cli.command import ModelChoice
from latentcli.cli.grammar import Command, Param
from latentcli.environment import Environment
from latentcli.errors import MissingExtra, UsageError


def explore(here: Environment, *, words: list[str] | None, choice: ModelChoice) -> None:
    from importlib.util import find_spec

    if find_spec("textual") is None:
        raise MissingExtra("latent explore", "explore", "textual")
    from latentcli.api.model import Model
    from latentcli.explore.app import INTERRUPTED, ExploreApp

    if not here.interactive:
        raise UsageError("latent explore is interactive: run it in a terminal")
    # Opened with its namer (the command names groups), saying on stderr what opening says; then
    # a quiet Model, as nothing may print over the screen, which keeps that namer.
    explorer = ExploreApp(Model(choice.open(here)), words)
    explorer.run()
    if explorer.return_code == INTERRUPTED:  # Ctrl-C or SIGINT: exit 130 like any command
        raise KeyboardInterrupt


COMMANDS = (
    Command(name="explore", run=explore, opens=True, names=True,
            help="Walk the space interactively: neighbours, a live map, analogies, axes (press ? "
                 "for keys).",
            epilog="Examples: latent explore king | latent explore king - man + woman",
            params=(Param(key="words", many=True, default=None,
                          metavar="[WORD | EXPRESSION]", show_default=False,
                          help="The first query; nothing to start with an empty query box."),)),
)

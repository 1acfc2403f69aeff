"""The one skeleton every command runs through: open the model, compute, then notes and output.

A command module declares its parameters and makes one call here. `answer` opens the model the
user chose and runs the core operation on it; `deliver` prints the result's notes on stderr and
then either its JSON (one object per line) or the renderer it was given. Both front doors (the
Typer commands and the fast path, `cli/fastpath.py`) and nothing else decide how a result reaches
the user.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from latentcli import DEFAULT_MODEL
from latentcli.environment import Environment
from latentcli.errors import ModelError, clip
from latentcli.results.jsonform import Result

if TYPE_CHECKING:
    from rich.console import Console

    from latentcli.api.model import Model
    from latentcli.core.space import Space


R = TypeVar("R", bound=Result)
S = TypeVar("S", bound=Result)
MODEL_ENVVAR = "LATENT_MODEL"  # what --model reads when it is not given
Renderer = Callable[["Console", R], None]


@dataclass(frozen=True, kw_only=True)
class ModelChoice:
    """What ``--model``, ``--limit``, ``--trust`` and a table's ``--vectors-column`` and
    ``--labels-column`` ask for; ``names``: the command names groups of words, so the space gets
    the built-in sentence encoder as its namer when it is fetched; ``language``: the command
    runs a language model, so anything else is refused before it is opened."""

    spec: str = DEFAULT_MODEL
    limit: int | None = None
    trust: bool = False
    vectors_column: str | None = None
    labels_column: str | None = None
    names: bool = False
    language: bool = False

    def open(self, environment: Environment) -> Space:
        """The chosen space, with its namer if ``names`` asks (the explorer)."""
        from latentcli.store.resolve import open_space

        return open_space(self.spec, environment, self.limit, self.trust, self._columns,
                          names=self.names)

    def model(self, environment: Environment) -> Model:
        """The chosen model as the API's `Model` (a `LanguageModel` for a language model),
        reporting on ``environment``; a `Model` gets its namer itself when a method names
        groups."""
        from latentcli.api.opening import model_for
        from latentcli.store.builtins import Kind
        from latentcli.store.resolve import resolve

        reference = resolve(self.spec)
        if self.language and reference.kind is not Kind.LANGUAGE_MODEL:
            named = os.environ.get(MODEL_ENVVAR) == self.spec
            told = f" (named by {MODEL_ENVVAR})" if named else ""
            raise ModelError(f"{clip(self.spec)!r}{told} is not a language model: use "
                             "smollm2-135m (alias smollm), gemma3-270m (alias gemma), a .gguf "
                             "file or a Hugging Face folder of a Llama, Qwen or Gemma 3 model")
        return model_for(reference, environment, self.limit, self.trust, self._columns)

    @property
    def _columns(self) -> tuple[str | None, str | None]:
        return self.vectors_column, self.labels_column


def shown_by(module: str, name: str) -> Renderer[Any]:
    """The renderer ``latentcli.render.<module>.<name>``, imported only when a table is drawn:
    rich and the renderers cost more than a whole ``--json`` answer."""
    def show(console: Console, result: Any) -> None:
        import importlib

        getattr(importlib.import_module(f"latentcli.render.{module}"), name)(console, result)

    return show


def deliver(environment: Environment, results: R | Sequence[R], json: bool,
            show: Renderer[R] | None = None,
            show_all: Callable[[Console, Sequence[R]], None] | None = None) -> None:
    """Notes to stderr, then the results as JSON lines, or through ``show`` one by one (or
    ``show_all`` for results drawn as one table), their texts escaped for the terminal."""
    each: Sequence[R] = results if isinstance(results, Sequence) else [results]
    environment.notes(note for result in each for note in getattr(result, "notes", ()))
    if json:
        from latentcli.render.jsonout import json_lines

        environment.stdout.write(json_lines(each))  # all or nothing: no half-written output
        return
    from latentcli.render.escape import printable

    each = printable(each)  # no renderer draws a control character raw
    console = environment.console()
    if show_all is not None:
        show_all(console, each)
    elif show is not None:
        for result in each:
            show(console, result)


def answer(environment: Environment, choice: ModelChoice, json: bool,
           compute: Callable[[Model], R | Sequence[R]], show: Renderer[R]) -> None:
    """Open the chosen model, ask it (``compute`` calls one `Model` method) and deliver what it
    returns."""
    deliver(environment, compute(choice.model(environment)), json, show)


def answer_each(environment: Environment, choices: Sequence[ModelChoice], json: bool,
                compute: Callable[[Model], R], show: Renderer[R],
                together: Callable[[tuple[R, ...]], S], show_together: Renderer[S]) -> None:
    """`answer` for one model; for several (``-m A -m B``), ``compute`` on each and the answers
    delivered as one result, ``together``, drawn by ``show_together``."""
    if len(choices) == 1:
        answer(environment, choices[0], json, compute, show)
        return
    found = tuple(compute(choice.model(environment)) for choice in choices)
    deliver(environment, together(found), json, show_together)

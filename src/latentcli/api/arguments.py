"""The API's arguments checked against the methods' own type hints, before any work is done.

The command line cannot hand a command a value of the wrong type: Typer converts every argument
from the parameter's annotation or refuses it. A notebook can pass anything, so `checked` does
the same for `open` and every `Model` method: a word must be a ``str``, a count a whole number
(not ``True``, ``2.5`` or ``"3"``), a list of words a list or tuple of ``str`` (never one ``str``,
which Python would split into letters), a path a ``str`` or any `os.PathLike`. A value of the
wrong type raises `ArgumentError`; values of the right type then meet the same range checks as
the command line's (``core.counts``), so both refuse ``-n 0`` and ``limit=0`` alike.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import os
import sys
import types
from collections import abc
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from pathlib import Path
from typing import Any, TypeVar, Union, cast, get_args, get_origin

from latentcli.errors import ArgumentError, clip

F = TypeVar("F", bound=Callable[..., Any])


def checked(function: F) -> F:
    """``function`` with each argument checked (and a path made a ``str``) against its hint, and
    each count left out marked as a `core.counts.Default`, as the command line marks one, so
    that it shrinks to a small model (``top=10`` on a 3-word model) instead of being refused."""
    from latentcli.core.counts import Default

    signature = inspect.signature(function)
    counts = {name: Default(parameter.default)
              for name, parameter in signature.parameters.items()
              if type(parameter.default) is int}

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        for name, default in counts.items():
            bound.arguments.setdefault(name, default)
        hints = _hints(function)
        for name, value in bound.arguments.items():
            if name not in hints:
                continue
            if signature.parameters[name].kind is inspect.Parameter.VAR_POSITIONAL:
                bound.arguments[name] = tuple(_convert(f"each of {name}", item, hints[name])
                                              for item in value)
            else:
                bound.arguments[name] = _convert(name, value, hints[name])
        return function(*bound.args, **bound.kwargs)

    return call  # type: ignore[return-value]


@functools.cache
def _hints(function: Callable[..., Any]) -> dict[str, Any]:
    """The parameters' hints, evaluated in the function's module (`typing.get_type_hints` would
    also evaluate the return type, whose result classes are imported only for type checkers)."""
    scope = vars(sys.modules[function.__module__])
    return {name: eval(parameter.annotation, scope) if isinstance(parameter.annotation, str)
            else parameter.annotation
            for name, parameter in inspect.signature(function).parameters.items()
            if parameter.annotation is not inspect.Parameter.empty}


def _convert(name: str, value: Any, hint: Any) -> Any:
    """``value`` as ``hint`` wants it, or `ArgumentError` saying what was expected."""
    converted = _fit(value, hint)
    if converted is _WRONG:
        listed = isinstance(value, str) and any(get_origin(option) is Sequence
                                                for option in (hint, *get_args(hint)))
        one = f" (one word goes in a list: [{clip(value, 20)!r}])" if listed else ""
        raise ArgumentError(f"{name} must be {_describe(hint)}, not {_shown(value)}{one}")
    return converted


_WRONG = object()


def _fit(value: Any, hint: Any) -> Any:
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        for option in (arg for arg in args if arg is not type(None)):
            if (converted := _fit(value, option)) is not _WRONG:
                return converted
        return _WRONG
    if hint is bool:
        return value if isinstance(value, bool) else _WRONG
    if hint is int:  # a count left at its default (`core.counts.Default`) stays one
        return (value if isinstance(value, int) else int(value)) if _whole(value) else _WRONG
    if hint is float:
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            return _WRONG
        try:
            return float(value)
        except OverflowError:  # an int past float's range: infinite, refused by a range check
            return math.inf if cast(int, value) > 0 else -math.inf  # only an int overflows
    if hint is str:
        return value if isinstance(value, str) else _WRONG
    if hint is Path or origin is os.PathLike:
        return os.fspath(value) if isinstance(value, str | os.PathLike) else _WRONG
    if origin is abc.Callable:
        return value if callable(value) else _WRONG
    if origin is Sequence:  # any ordered collection: a list, a tuple, a numpy array, a generator
        if isinstance(value, str | bytes | Mapping | Set) or not isinstance(value, Iterable):
            return _WRONG
        items = [_fit(item, args[0]) for item in value]
        return _WRONG if any(item is _WRONG for item in items) else tuple(items)
    if isinstance(hint, type):
        return value if isinstance(value, hint) else _WRONG
    return value


def _whole(value: Any) -> bool:
    """A whole number: an int or numpy's integers, but not ``True``, which Python counts as 1."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _describe(hint: Any) -> str:
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        described = dict.fromkeys(_describe(arg) for arg in args if arg is not type(None))
        return " or ".join([*described, *(["None"] if type(None) in args else [])])
    if origin is Sequence:
        if get_origin(args[0]) in (Union, types.UnionType):
            return f"a list or tuple, each {_describe(args[0])}"
        return f"a list or tuple of {_describe(args[0]).removeprefix('a ')}"
    if origin is abc.Callable:
        return "a function"
    names = {bool: "True or False", int: "a whole number", float: "a number", str: "a str",
             Path: "an os.PathLike (a pathlib.Path)"}
    if hint in names:
        return names[hint]
    if origin is os.PathLike:
        return names[Path]
    return f"a {getattr(hint, '__name__', hint)}"


def _shown(value: Any) -> str:
    return f"{type(value).__name__} {clip(repr(value), 40)}"

"""Result dataclasses to plain JSON values and back, exactly, for caching computed results.

``to_dict()`` (`results.jsonform`) is the public JSON contract, with renamed, hidden and derived
keys; this is the private, lossless form: every field and nothing else, rebuilt by following the
fields' type hints. Anything that does not match the hints raises `ValueError`, so a damaged file
is never half-believed. `encode` walks values for both forms.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints


def encode(value: Any, form: Callable[[Any], dict[str, Any]] | None = None) -> Any:
    """Dataclasses become dicts of their fields (or what ``form`` makes of each), tuples lists;
    numbers stay Python numbers."""
    if is_dataclass(value) and not isinstance(value, type):
        if form is not None:
            return form(value)
        return {item.name: encode(getattr(value, item.name)) for item in fields(value)}
    if isinstance(value, tuple | list):
        return [encode(item, form) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item, form) for key, item in value.items()}
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return float(value)
    raise ValueError(f"cannot encode {type(value).__name__}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def decode(hint: Any, data: Any) -> Any:
    """Rebuild a value of type ``hint`` from `encode`'s output; `ValueError` if it does not fit."""
    origin, args = get_origin(hint), get_args(hint)
    if isinstance(hint, type) and is_dataclass(hint):
        if not isinstance(data, dict):
            raise ValueError(f"{hint.__name__}: expected an object")
        hints = _hints(hint)
        if set(data) != {item.name for item in fields(hint)}:
            raise ValueError(f"{hint.__name__}: fields differ")
        return hint(**{name: decode(hints[name], item) for name, item in data.items()})
    if origin in (Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        for option in (arg for arg in args if arg is not type(None)):
            try:
                return decode(option, data)
            except ValueError:
                continue
        raise ValueError(f"nothing in {hint} fits")
    if origin is tuple:
        if not isinstance(data, list):
            raise ValueError("expected a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], item) for item in data)
        if len(args) != len(data):
            raise ValueError("wrong length")
        return tuple(decode(arg, item) for arg, item in zip(args, data, strict=True))
    if origin is dict:
        if not isinstance(data, dict):
            raise ValueError("expected an object")
        return {key: decode(args[1], item) for key, item in data.items()}
    if hint is float and isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    if hint in (int, str, bool) and type(data) is hint:
        return data
    raise ValueError(f"expected {hint}, found {type(data).__name__}")

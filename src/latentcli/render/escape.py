"""Text from models and users, made safe to draw: no character reaches the terminal raw that could
move the cursor, ring the bell, change colours or split a row.

The rule is the one the notes on stderr follow, since they quote with ``repr``: every character
`str.isprintable` refuses (C0 and C1 controls such as ESC, BEL and CSI, U+2028 and U+2029, other
format and unassigned characters) is written as ``repr`` writes it (``\\x1b``, ``\\u2028``).
`printable` applies it to every string of a result before any renderer sees it
(`cli.command.deliver` and the explorer's panels call it), so no renderer has to remember.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from functools import cache
from typing import Any, TypeVar, get_args, get_type_hints

T = TypeVar("T")


def escape(text: str) -> str:
    """``text`` with each character that is not printable written as its ``repr`` escape."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def printable(value: T) -> T:
    """``value`` (a result, or a tuple, list or dict of them) with every string escaped; what
    holds nothing to escape is returned as it is."""
    return _printable(value)  # type: ignore[no-any-return]


def _printable(value: Any) -> Any:
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, tuple | list):
        items = [_printable(item) for item in value]
        changed = any(new is not old for new, old in zip(items, value, strict=True))
        return type(value)(items) if changed else value
    if isinstance(value, dict):
        pairs = [(_printable(key), _printable(item)) for key, item in value.items()]
        changed = any(new is not old for pair, given in zip(pairs, value.items(), strict=True)
                      for new, old in zip(pair, given, strict=True))
        return dict(pairs) if changed else value
    if is_dataclass(value) and not isinstance(value, type):
        changes = {name: new for name in _text_fields(type(value))
                   if (new := _printable(old := getattr(value, name))) is not old}
        return replace(value, **changes) if changes else value
    return value


@cache
def _text_fields(cls: type) -> tuple[str, ...]:
    """The fields of a result class whose type can hold a string (a vector of 384 floats is
    never walked)."""
    hints = get_type_hints(cls)
    return tuple(item.name for item in fields(cls) if _holds_text(hints[item.name]))


def _holds_text(hint: Any) -> bool:
    if hint is str or (isinstance(hint, type) and is_dataclass(hint)):
        return True
    return any(_holds_text(arg) for arg in get_args(hint))

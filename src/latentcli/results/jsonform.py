"""The public JSON form of results (docs/json.md), declared on the dataclasses rather than written
out per class, so a new field reaches ``--json`` by itself and a key cannot drift from its field.

A field's metadata says how it appears: `renamed` (``neighbourhood`` for ``neighborhood``),
`HIDDEN` (never in JSON) or `INLINE` (a nested result's keys at this level). A class names its
derived keys once, in ``json_derived``: properties appended after the fields. Every result inherits
`Result`, whose ``to_dict()`` is that form; a nested result is written by its own ``to_dict()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, ClassVar

from latentcli.results.codec import encode

_KEY = "json"  # field metadata: the key it is written under; None: not written
_INLINE = "json_inline"

HIDDEN: Mapping[str, Any] = {_KEY: None}
INLINE: Mapping[str, Any] = {_INLINE: True}


def renamed(key: str) -> Mapping[str, Any]:
    """Field metadata: the field is written under ``key``."""
    return {_KEY: key}


class Result:
    """What every result offers API users and ``--json``: its JSON object."""

    json_derived: ClassVar[tuple[str, ...]] = ()  # properties written after the fields

    def to_dict(self) -> dict[str, Any]:
        return json_object(self)


def json_object(value: Any) -> dict[str, Any]:
    """The JSON object a dataclass's field metadata and ``json_derived`` declare."""
    found: dict[str, Any] = {}
    for item in fields(value):
        key = item.metadata.get(_KEY, item.name)
        if key is None:
            continue
        encoded = encode(getattr(value, item.name), _nested)
        if item.metadata.get(_INLINE):
            found.update(encoded)
        else:
            found[key] = encoded
    for name in getattr(value, "json_derived", ()):
        found[name] = encode(getattr(value, name), _nested)
    return found


def _nested(value: Any) -> dict[str, Any]:
    return value.to_dict() if isinstance(value, Result) else json_object(value)

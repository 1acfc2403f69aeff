"""The public JSON form of results (docs/json.md), declared on the dataclasses rather than written
out per class, so a new field reaches ``--json`` by itself and a key cannot drift from its field.

A field's metadata says how it appears: `renamed` (``neighbourhood`` for ``neighborhood``),
`HIDDEN` (never in JSON) or `INLINE` (a nested result's keys at this level). A class names its
derived keys once, in ``json_derived``: properties appended after the fields. Every dataclass in
`latentcli.results` inherits `Result`, whose ``to_dict()`` is that form; a nested result is written
by its own ``to_dict()``, so the two that write theirs out by hand are honoured wherever they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import Field, fields
from operator import methodcaller
from typing import Any, ClassVar

from latentcli.results.codec import encode

_KEY = "json"  # field metadata: the key it is written under; None: not written
_INLINE = "json_inline"
_NESTED = methodcaller("to_dict")

HIDDEN: Mapping[str, Any] = {_KEY: None}
INLINE: Mapping[str, Any] = {_INLINE: True}


def renamed(key: str) -> Mapping[str, Any]:
    """Field metadata: the field is written under ``key``."""
    return {_KEY: key}


class Result:
    """A result dataclass: what API users and ``--json`` read of it is its JSON object."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]  # each subclass is a dataclass
    json_derived: ClassVar[tuple[str, ...]] = ()  # properties written after the fields

    def to_dict(self) -> dict[str, Any]:
        return json_object(self)


def json_object(value: Result) -> dict[str, Any]:
    """The JSON object a result's field metadata and ``json_derived`` declare."""
    found: dict[str, Any] = {}
    for item in fields(value):
        key = item.metadata.get(_KEY, item.name)
        if key is None:
            continue
        encoded = encode(getattr(value, item.name), _NESTED)
        if item.metadata.get(_INLINE):
            found.update(encoded)
        else:
            found[key] = encoded
    for name in value.json_derived:
        found[name] = encode(getattr(value, name), _NESTED)
    return found

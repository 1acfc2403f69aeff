"""``--json`` output: one JSON object per result, one per line (JSON Lines for several)."""

from __future__ import annotations

import json
from typing import Any, Protocol, TextIO


class HasDict(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


def emit(result: HasDict, stream: TextIO) -> None:
    stream.write(json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False) + "\n")

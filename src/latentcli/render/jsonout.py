"""``--json`` output: one JSON object per result, one per line (JSON Lines for several)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from latentcli.results.jsonform import Result


def json_lines(results: Sequence[Result]) -> str:
    """Every result serialised before anything is written, so a value JSON cannot hold (NaN,
    infinity: ``allow_nan=False`` refuses them) fails the command without partial output."""
    return "".join(json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False) + "\n"
                   for result in results)

"""Shared by the benchmark scripts: timing one whole process."""

from __future__ import annotations

import subprocess
import time


def timed_process(command: list[str], env: dict[str, str]) -> float:
    """Wall-clock seconds for ``command`` to run to completion (its output discarded)."""
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start

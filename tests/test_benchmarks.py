"""Benchmarks must not rot: every script in benchmarks/ runs in its tiny --smoke mode."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.parametrize("script", sorted(p.name for p in BENCHMARKS.glob("bench_*.py")))
def test_every_benchmark_runs_in_smoke_mode(default_cache, script):
    env = {**os.environ, "LATENT_CACHE_DIR": str(default_cache)}
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), "--smoke"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip()

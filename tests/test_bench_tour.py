"""benchmarks/bench_tour.py runs end to end (one quick run of each, on the tiny model)."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
BENCH = Path(__file__).parent.parent / "benchmarks" / "bench_tour.py"


def test_tour_benchmark_smoke(tiny_model):
    done = subprocess.run([sys.executable, str(BENCH), "--smoke", "--model", str(tiny_model)],
                          capture_output=True, text=True, check=True, timeout=120)
    lines = done.stdout.splitlines()
    assert lines[0].startswith("explain --all, computed") and "median" in lines[0]
    assert any(line.startswith("neighbors king") for line in lines)
    assert "ratio explain --all / neighbors king = " in lines[-1]

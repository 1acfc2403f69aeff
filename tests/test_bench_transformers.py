"""benchmarks/bench_transformers.py runs end to end in its smoke mode (latent only, tiny model)."""

import subprocess
import sys
from pathlib import Path

from transformer_files import TINY_BERT

BENCH = Path(__file__).parent.parent / "benchmarks" / "bench_transformers.py"


def test_transformer_benchmark_smoke():
    done = subprocess.run([sys.executable, str(BENCH), "--smoke", "--model", str(TINY_BERT)],
                          capture_output=True, text=True, check=True, timeout=120)
    lines = done.stdout.splitlines()
    assert lines[0].startswith("latent embed hello --json (cold): median ")
    assert lines[1].startswith("latent throughput: ") and "sentences/s" in lines[1]

"""Scale: a GoogleNews-sized word2vec binary (3,000,000 x 300, about 3.6 GB) through latent.

Opt-in (it writes the file and a cache entry of the same size; both are deleted afterwards):

    PYTHONPATH=src python benchmarks/bench_scale.py [--rows N] [--dims D] [--dir DIR]

Runs, each in a fresh process: the conversion (``latent neighbors`` on a cold cache), reporting
its peak RSS against the size of the float32 matrix; then a ``latent neighbors`` on the converted
cache, reporting its wall time and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CHUNK_ROWS = 50_000


def word(index: int, rows: int) -> str:
    return f"w{index:0{len(str(rows - 1))}d}"


def write_binary(path: Path, rows: int, dims: int) -> None:
    """Fixed-width words (w0000000 …) so whole chunks are built with numpy, not per row."""
    width = len(word(0, rows))
    row = np.dtype([("word", f"S{width}"), ("space", "S1"), ("vector", "<f4", dims),
                    ("newline", "S1")])
    rng = np.random.default_rng(0)
    with open(path, "wb") as out:
        out.write(f"{rows} {dims}\n".encode())
        for start in range(0, rows, CHUNK_ROWS):
            count = min(CHUNK_ROWS, rows - start)
            block = np.empty(count, dtype=row)
            block["word"] = np.char.add(b"w", np.char.zfill(
                np.arange(start, start + count).astype("S"), width - 1))
            block["space"], block["newline"] = b" ", b"\n"
            block["vector"] = rng.standard_normal((count, dims), dtype=np.float32)
            out.write(block.tobytes())


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (GB) of ``latent args`` in a fresh process."""
    code = ("import resource, sys\nfrom latentcli.entry import main\nsys.argv = ['latent', *"
            f"{args!r}]\ntry:\n    main()\nfinally:\n    print(resource.getrusage("
            "resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--dims", type=int, default=300)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--smoke", action="store_true",
                        help="a tiny run that only checks the script still works (the tests)")
    options = parser.parse_args()
    if options.smoke:
        options.rows, options.dims = 2_000, 8
    scratch = Path(tempfile.mkdtemp(prefix="latent-scale-", dir=options.dir))
    try:
        path = scratch / "vectors.bin"
        started = time.perf_counter()
        write_binary(path, options.rows, options.dims)
        print(f"wrote {path.stat().st_size / 1e9:.2f} GB in {time.perf_counter() - started:.0f} s")
        env = {**os.environ, "LATENT_CACHE_DIR": str(scratch / "cache")}
        query = ["neighbors", word(123, options.rows), "-n", "5", "--json", "-m", str(path)]
        matrix_gb = options.rows * options.dims * 4 / 1e9
        seconds, peak = run(query, env)
        print(f"convert + first query: {seconds:.1f} s, peak RSS {peak:.2f} GB "
              f"= {peak / matrix_gb:.2f}x the {matrix_gb:.2f} GB float32 matrix")
        seconds, peak = run(query, env)
        print(f"neighbors on the converted cache (new process): {seconds:.2f} s, "
              f"peak RSS {peak:.2f} GB")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

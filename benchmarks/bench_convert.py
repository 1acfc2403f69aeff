"""Reading foreign vector files: latent's readers against gensim's loaders, in the same run.

Generates a GloVe-style text file and a word2vec binary of ROWS x DIMS (default 400,000 x 50, the
size of glove.6B.50d) in a temporary directory, then times latent's whole conversion (reading the
file and writing the cache entry) and gensim's ``load_word2vec_format`` (reading only) on each, and
prints medians and the speed-up.

    PYTHONPATH=src python benchmarks/bench_convert.py [--rows N] [--dims D] [--repeat R]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from latentcli.store.entries import write_entry
from latentcli.store.readers import read_vectors
from timing import median_seconds


def write_files(directory: Path, rows: int, dims: int) -> tuple[Path, Path]:
    """A GloVe text file (6 decimals, like glove.6B) and a word2vec binary, written in chunks."""
    rng = np.random.default_rng(0)
    text, binary = directory / "vectors.txt", directory / "vectors.bin"
    with open(text, "w", encoding="utf-8") as out_text, open(binary, "wb") as out_binary:
        out_binary.write(f"{rows} {dims}\n".encode())
        for start in range(0, rows, 50_000):
            block = rng.uniform(-2, 2, (min(50_000, rows - start), dims)).astype(np.float32)
            lines = []
            for offset, row in enumerate(block):
                word = f"word{start + offset}"
                lines.append(word + " " + " ".join(f"{x:.6f}" for x in row.tolist()))
                out_binary.write(word.encode() + b" " + row.astype("<f4").tobytes() + b"\n")
            out_text.write("\n".join(lines) + "\n")
    return text, binary


def convert(path: Path, cache: Path) -> None:
    """What ``--model PATH`` does the first time: read the file, write a fresh cache entry."""
    vectors = read_vectors(path)
    entry = Path(tempfile.mkdtemp(dir=cache)) / "entry"
    write_entry(entry, vectors.words, vectors.matrix, {"name": path.name, "source": {}})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--dims", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true",
                        help="a tiny run that only checks the script still works (the tests)")
    options = parser.parse_args()
    if options.smoke:
        options.rows, options.dims, options.repeat = 2_000, 8, 1
    from gensim.models import KeyedVectors

    with tempfile.TemporaryDirectory() as scratch:
        text, binary = write_files(Path(scratch), options.rows, options.dims)
        cache = Path(scratch)
        print(f"{options.rows} x {options.dims}: text {text.stat().st_size / 1e6:.0f} MB, "
              f"binary {binary.stat().st_size / 1e6:.0f} MB; median of {options.repeat}")
        cases = [
            ("GloVe text", lambda: convert(text, cache),
             lambda: KeyedVectors.load_word2vec_format(text, no_header=True), 3.0),
            ("word2vec binary", lambda: convert(binary, cache),
             lambda: KeyedVectors.load_word2vec_format(binary, binary=True), 2.0),
        ]
        for name, ours, theirs, target in cases:
            mine = median_seconds(ours, options.repeat)
            baseline = median_seconds(theirs, options.repeat)
            print(f"{name:16} latent {mine:7.2f} s   gensim {baseline:7.2f} s   "
                  f"speed-up {baseline / mine:5.1f}x (target >= {target:g}x)")


if __name__ == "__main__":
    main()

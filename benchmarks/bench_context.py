"""The first `latent context`: embedding the encoder's 30,000 candidate words, cold.

    python benchmarks/bench_context.py [--runs N] [--cache DIR] [--source TREE]
    python benchmarks/bench_context.py --smoke   # the tiny test BERT, one run

Each run is a new process in a new cache that holds only the built-in GloVe model and the
fetched encoder (linked from ``--cache``, else ``$LATENT_CACHE_DIR``), so the candidates are
really embedded: ``latent context bank "the river bank" "a loan from the bank"`` with stdout
piped, as a script would run it. It reports every run's wall-clock seconds, their median, the load
average around them, the CPU seconds of the process and its workers (which the machine's load
does not inflate: on an idle machine, wall ≈ CPU / cores), and whether stderr said what was
happening. ``--source TREE`` runs another
checkout's ``src/`` (e.g. the code before a change, exported with ``git archive``) instead of
this one, for a before/after ratio; alternate the two to share the machine's load fairly.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TINY_MODEL = ROOT / "tests" / "data" / "encoder" / "tiny-bert"
COMMAND = ["context", "bank", "the river bank", "a loan from the bank"]


def fresh_cache(source: Path, into: Path) -> Path:
    """A cache with ``source``'s GloVe entry (hard links, else copies) and its encoders linked."""
    models = into / "models"
    models.mkdir(parents=True)
    try:
        shutil.copytree(source / "models" / "glove-6b-50d", models / "glove-6b-50d",
                        copy_function=os.link)
    except OSError:  # another file system: copy
        shutil.rmtree(models / "glove-6b-50d", ignore_errors=True)
        shutil.copytree(source / "models" / "glove-6b-50d", models / "glove-6b-50d")
    if (source / "encoders").is_dir():
        (into / "encoders").symlink_to((source / "encoders").resolve())
    return into


def _cpu() -> float:
    """CPU seconds of every finished child process and its descendants (workers included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def first_context(cache: Path, model: list[str], tree: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds of one cold `latent context` in a fresh copy of ``cache``, and its
    stderr."""
    with tempfile.TemporaryDirectory(prefix="bench-context-") as scratch:
        env = {**os.environ, "LATENT_CACHE_DIR": str(fresh_cache(cache, Path(scratch) / "c")),
               "PYTHONPATH": str(tree / "src")}
        start, cpu = time.perf_counter(), _cpu()
        done = subprocess.run([sys.executable, "-m", "latentcli", *COMMAND, *model], env=env,
                              capture_output=True, text=True, check=True)
        return time.perf_counter() - start, _cpu() - cpu, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--source", type=Path, default=ROOT, help="a checkout whose src/ to run")
    parser.add_argument("--smoke", action="store_true", help="the tiny test BERT, one run")
    args = parser.parse_args()
    cache = args.cache or Path(os.environ.get("LATENT_CACHE_DIR") or "")
    if not (cache / "models" / "glove-6b-50d").is_dir():
        sys.exit(f"no GloVe entry in {cache}: pass --cache DIR (a cache holding glove-6b-50d)")
    model = ["-m", str(TINY_MODEL)] if args.smoke else []
    runs = 1 if args.smoke else args.runs
    seconds, cpu, said = [], [], True
    before = os.getloadavg()[0]
    for _ in range(runs):
        elapsed, used, stderr = first_context(cache, model, args.source.resolve())
        seconds.append(elapsed)
        cpu.append(used)
        said = said and re.search(r"embedding [0-9,]+ candidate words once", stderr) is not None
    print(f"first latent context ({'tiny BERT' if args.smoke else 'all-minilm-l6-v2'}, "
          f"{args.source.resolve()}): wall {', '.join(f'{s:.1f}' for s in seconds)} s, "
          f"median {statistics.median(seconds):.1f} s; CPU median {statistics.median(cpu):.1f} s; "
          f"load average {before:.1f} before, {os.getloadavg()[0]:.1f} after; stderr said so "
          f"when piped: {said}")


if __name__ == "__main__":
    main()

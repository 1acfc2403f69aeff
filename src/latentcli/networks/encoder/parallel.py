"""Encoding many texts on every core: forked worker processes, each with one BLAS thread.

A model's forward pass is BLAS-bound, and one BLAS call on several threads gains little on short
texts (a candidate word is 3-5 tokens) while two threads calling one `Encoder` would race on its
thread limit. So the texts are cut into chunks and each chunk is encoded whole by one of
``workers`` processes forked from this one: they share the loaded weights copy-on-write, and
threads are capped at one BLAS thread per process before the fork. Each text's vector does not
depend on its chunk or batch, so the result equals `Encoder.encode` on all the texts. Where fork
is not available (Windows, macOS's default), or for few texts, it is one process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np

from latentcli.networks.arrays import Array
from latentcli.networks.encoder.encoder import Encoder
from latentcli.networks.threads import limited

CHUNK = 1024  # texts a worker encodes per task: a progress step, and little work left to share
BATCH = 128  # texts per forward pass: short texts need many to keep BLAS busy
ORPHAN_CHECK = 0.5  # seconds between a worker's checks that its parent is alive
_inherited: Encoder | None = None  # the encoder a forked worker finds, set only while forking


def workers_for(count: int) -> int:
    """How many processes `encode_many` uses for ``count`` texts: one per core this process may
    run on, at most one per chunk, one where fork is not available."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not every platform has affinity
        cores = os.cpu_count() or 1
    return max(1, min(cores, -(-count // CHUNK)))


def _quiet_worker(parent: int) -> None:
    """Ctrl-C is the parent's to handle: a worker finishes its chunk and is shut down; SIGTERM
    or SIGHUP ends it. A parent killed outright (SIGKILL) cannot shut it down, so it watches and
    ends with its parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for number in (signal.SIGTERM, signal.SIGHUP):  # not the parent's handlers: just end
        signal.signal(number, signal.SIG_DFL)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_CHECK)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _encode_chunk(texts: list[str]) -> Array:
    assert _inherited is not None, "a worker is forked from a process holding the encoder"
    return _inherited.encode(texts, BATCH)


def encode_many(encoder: Encoder, texts: Sequence[str], workers: int,
                done: Callable[[int], None] = lambda count: None) -> Array:
    """``encoder.encode(texts)`` on ``workers`` processes (see `workers_for`); ``done(n)`` after
    each chunk with the number of texts encoded so far."""
    global _inherited
    texts = list(texts)
    result = np.zeros((len(texts), encoder.dims), dtype=np.float32)
    starts = range(0, len(texts), CHUNK)
    if workers <= 1 or len(starts) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for start in starts:
            result[start:start + CHUNK] = encoder.encode(texts[start:start + CHUNK], BATCH)
            done(min(start + CHUNK, len(texts)))
        return result
    _inherited = encoder
    with limited(encoder.threads):
        pool = ProcessPoolExecutor(min(workers, len(starts)), multiprocessing.get_context("fork"),
                                   initializer=_quiet_worker, initargs=(os.getpid(),))
        try:
            futures = {pool.submit(_encode_chunk, texts[start:start + CHUNK]): start
                       for start in starts}
            finished = 0
            for future in as_completed(futures):
                start = futures[future]
                vectors = future.result()
                result[start:start + len(vectors)] = vectors
                finished += len(vectors)
                done(finished)
        finally:  # interrupted: the chunks not started are dropped, not waited for
            pool.shutdown(wait=True, cancel_futures=True)
            _inherited = None
    return result

"""Shared by the benchmark scripts: timing a whole process, or its first output in a terminal."""

from __future__ import annotations

import compileall
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import latentcli


def median_seconds(call: Callable[[], object], runs: int) -> float:
    """The median wall-clock seconds of ``runs`` calls of ``call`` in this process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timed_process(command: list[str], env: dict[str, str]) -> float:
    """Wall-clock seconds for ``command`` to run to completion (its output discarded)."""
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def warm_latent(env: dict[str, str]) -> None:
    """Fill ``env``'s cache with the built-in model and byte-compile latent, as an installed
    package is (these machines set PYTHONDONTWRITEBYTECODE, so an edited source tree is
    otherwise compiled afresh on every start)."""
    compileall.compile_dir(str(Path(latentcli.__file__).parent), quiet=1)
    subprocess.run([sys.executable, "-m", "latentcli", "neighbors", "king", "--json"], env=env,
                   check=True, stdout=subprocess.DEVNULL)


def first_output(command: list[str], env: dict[str, str], marker: bytes,
                 quit_key: bytes | None = None, size: tuple[int, int] = (80, 24),
                 timeout: float = 60.0) -> float:
    """Seconds until ``marker`` appears in what ``command`` writes to a fresh pseudo-terminal of
    ``size`` (columns, rows); then the program is sent ``quit_key`` (or ends by itself)."""
    start = time.perf_counter()
    pid, terminal = pty.fork()
    if pid == 0:  # the child: a terminal of the given size, then the command
        fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        os.execvpe(command[0], command, env)
    seen, elapsed = b"", None
    try:
        while elapsed is None and time.perf_counter() - start < timeout:
            if select.select([terminal], [], [], 0.5)[0]:
                try:
                    seen += os.read(terminal, 65536)
                except OSError:  # the program ended and closed the terminal
                    break
                if marker in seen:
                    elapsed = time.perf_counter() - start
        if elapsed is not None and quit_key:
            os.write(terminal, quit_key)
        _drain_and_reap(pid, terminal, deadline=time.perf_counter() + 10)
    finally:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(terminal)
    if elapsed is None:
        raise RuntimeError(f"{' '.join(command)}: {marker!r} never appeared; it wrote "
                           f"{seen[-500:]!r}")
    return elapsed


def _drain_and_reap(pid: int, terminal: int, deadline: float) -> None:
    """Read until the program exits (a full terminal would block its last writes)."""
    while _alive(pid) and time.perf_counter() < deadline:
        if select.select([terminal], [], [], 0.1)[0]:
            try:
                os.read(terminal, 65536)
            except OSError:
                return


def _alive(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:  # already reaped
        return False
    return done == 0

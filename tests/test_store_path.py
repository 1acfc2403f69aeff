"""A warm `latent neighbors king` goes down through the store once: each store module it needs is
entered once (docs/design.md, "One path to open anything").

The path is traced in a fresh process with `sys.setprofile`: every call into a function of
``latentcli/store/`` from outside that module is an entry; work done while a module is being
imported (class bodies, tables) is not part of the path and is left out.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TRACER = r"""
import sys
from pathlib import Path

import latentcli

STORE = str(Path(latentcli.__file__).parent / "store") + "/"
entered = []


def module(code):
    name = code.co_filename
    return name[len(STORE):-3].replace("/", ".") if name.startswith(STORE) else None


def importing(frame):
    while frame is not None and frame.f_code is not run.__code__:
        if frame.f_code.co_name == "<module>":
            return True
        frame = frame.f_back
    return False


def profile(frame, event, arg):
    if event != "call":
        return
    here = module(frame.f_code)
    if here is None or (frame.f_back is not None and module(frame.f_back.f_code) == here):
        return
    if not importing(frame):
        entered.append(here)


def run():
    from latentcli.entry import main

    sys.setprofile(profile)
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
    finally:
        sys.setprofile(None)


run()
print(" ".join(entered), file=sys.stderr)
"""


def entered(cache: Path, *args: str) -> list[str]:
    """The store modules a command enters, in order, on the cache at ``cache``."""
    env = {**os.environ, "LATENT_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", TRACER, *args], env=env, capture_output=True,
                          text=True, check=True)
    assert done.stdout.startswith("{"), done.stdout  # it answered
    return done.stderr.split()


def test_a_warm_neighbors_enters_each_store_module_once(default_cache: Path) -> None:
    path = entered(default_cache, "neighbors", "king", "--json")
    assert len(path) == len(set(path)), path
    assert path == ["resolve", "paths", "reference", "sources", "artifacts", "entries"]


def test_a_warm_limited_open_takes_the_same_path(default_cache: Path) -> None:
    """``--limit`` on a converted model is its first words, read from the same entry."""
    path = entered(default_cache, "neighbors", "the", "--limit", "1000", "--json")
    assert path == ["resolve", "paths", "reference", "sources", "artifacts", "entries"]

"""The guided tour's computed sections, kept per model so the tour opens in a moment.

Computing the tour takes seconds (clustering, t-SNE, an SVD, hundreds of analogy questions), yet
its results depend only on the model's vectors and on latent's code. So they are computed once and
stored at ``<cache>/tours/<model>.json``: a first line holding the format, the key (a digest of the
model's norms, a sample of its rows, the source of the modules that compute the tour and the
versions of the libraries they use) and the SHA-256 of the rest, then the sections in the lossless
form of `latentcli.results.codec`. A stale key means "compute again"; a file whose digest or shape
does not check out is damaged, reported, and rewritten. Writes go to a temporary sibling that is
renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import get_args

import numpy as np

from latentcli.core.space import Space
from latentcli.results.codec import decode, encode
from latentcli.results.explain import SkippedSection, TourSection
from latentcli.store.artifacts import atomic_file
from latentcli.store.paths import TOURS, cache_root

FORMAT = 1
SectionResult = TourSection | SkippedSection
_TYPES = {cls.__name__: cls for cls in (*get_args(TourSection), SkippedSection)}
# With latentcli/__init__.py (the built-in model's description), the code that decides what the
# tour says.
_PACKAGES = ("analysis", "core", "results", "networks")
_LIBRARIES = ("numpy", "scikit-learn", "scipy", "gensim")
_SAMPLED_ROWS = 1000


@cache
def _code_digest() -> str:
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    sources = [root / "__init__.py",
               *(path for package in _PACKAGES for path in (root / package).rglob("*.py"))]
    for path in sorted(sources):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    for library in _LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{library}={metadata.version(library)}".encode())
    return digest.hexdigest()


def tour_key(space: Space) -> str:
    """What the tour's results depend on: the model's vectors (sampled) and latent's code."""
    digest = hashlib.sha256(f"{FORMAT}\0{space.name}\0{len(space)}\0{space.dims}\0".encode())
    digest.update(np.ascontiguousarray(space.norms, dtype=np.float32).tobytes())
    step = max(1, len(space) // _SAMPLED_ROWS)
    digest.update(np.ascontiguousarray(space.vectors[::step], dtype=np.float32).tobytes())
    digest.update(_code_digest().encode())
    # Which sentence encoder names the groups and reads words in context (none until fetched):
    # fetching it changes the map's names and the context section.
    digest.update(f"\0namer={space.namer.name if space.namer is not None else ''}".encode())
    # The language-model sections are skipped until the built-in language model is fetched.
    from latentcli.store.builtins import SMOLLM2
    from latentcli.store.resolve import builtin_reference

    digest.update(f"\0language={builtin_reference(SMOLLM2).cached()}".encode())
    return digest.hexdigest()


def tour_file(space: Space) -> Path:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", space.name)[:60]
    return cache_root() / TOURS / f"{name}-{len(space)}x{space.dims}.json"


def load_tour(space: Space) -> tuple[dict[str, SectionResult] | None, str | None]:
    """The stored sections by name, or None; and why a file there could not be used, if damaged.

    A missing file or one computed for other code or vectors is simply None (nothing to report).
    """
    path = tour_file(space)
    try:
        raw = path.read_bytes()
    except OSError:
        return None, None
    header, _, body = raw.partition(b"\n")
    try:
        meta = json.loads(header)
        if not isinstance(meta, dict) or meta.get("format") != FORMAT \
                or meta.get("key") != tour_key(space):
            return None, None
        if meta.get("sha256") != hashlib.sha256(body).hexdigest():
            raise ValueError("its checksum does not match")
        sections = {}
        for item in json.loads(body):
            result = decode(_TYPES[item["type"]], item["fields"])
            sections[result.name] = result
        return sections, None
    except (ValueError, KeyError, TypeError) as why:
        return None, f"the stored tour {path} is damaged ({why}); computing it again"


def save_tour(space: Space, sections: list[SectionResult]) -> None:
    """Store the sections atomically; a cache that cannot be written only costs time next run."""
    path = tour_file(space)
    body = json.dumps([{"type": type(section).__name__, "fields": encode(section)}
                       for section in sections], ensure_ascii=False).encode()
    header = json.dumps({"format": FORMAT, "key": tour_key(space),
                         "sha256": hashlib.sha256(body).hexdigest()}).encode()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(path) as temporary, temporary.open("wb") as out:
            out.write(header + b"\n" + body)
            out.flush()
            os.fsync(out.fileno())


class TourSections:
    """The tour's sections for one run: from the stored tour, or computed in a background thread
    one after another (so the next section is ready while the reader reads this one), and stored
    when every section was computed.

    ``compute(space, name)`` computes one section (the store layer does not know how).
    """

    def __init__(self, space: Space, names: list[str], every: list[str],
                 compute: Callable[[Space, str], SectionResult]) -> None:
        stored, problem = load_tour(space)
        if stored is not None and list(stored) != every:
            stored = None  # written by other code under the same key: not to be trusted
        self.notes = (problem,) if problem else ()
        self.done: dict[str, SectionResult] = {}
        self.names, self.every = names, every
        self._space, self._stored = space, stored
        self._pool = ThreadPoolExecutor(max_workers=1) if stored is None else None
        self._pending: dict[str, Future[SectionResult]] = {
            name: self._pool.submit(compute, space, name) for name in names} if self._pool else {}

    def result(self, name: str) -> SectionResult:
        found = self._stored[name] if self._stored else self._pending[name].result()
        self.done[name] = found
        return found

    def __enter__(self) -> TourSections:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool:
            self._pool.shutdown(wait=False, cancel_futures=True)
        if self._stored is None and list(self.done) == self.every:
            save_tour(self._space, list(self.done.values()))

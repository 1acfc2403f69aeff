"""Named spaces of your texts (``latent embed --name faq``), saved under ``<cache>/spaces/NAME/``.

A named space is an ordinary vector entry whose vocabulary is the texts; its ``meta.json``
records the encoder that made it (``encoder``), so a query can be encoded the same way
(`store.encoder_spaces.open_named_space`). `store.resolve` finds it by name (after a directory,
and never under a reserved name: `store.resolve.check_space_name`); `latent models` lists it and
removes it like any artifact.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from latentcli.errors import ModelError
from latentcli.failures import os_message
from latentcli.store.artifacts import LostRace, Seen, seen
from latentcli.store.builtins import Kind
from latentcli.store.entries import write_entry
from latentcli.store.paths import ENCODERS, SPACES, cache_root
from latentcli.store.reference import Columns, Reference

if TYPE_CHECKING:
    import numpy.typing as npt

    from latentcli.core.progress import Reporter
    from latentcli.core.space import Space
    from latentcli.store.encoders import EncoderChoice


def space_directory(name: str) -> Path:
    """Where the named space ``name`` lives (whether or not it exists)."""
    return cache_root() / SPACES / name


def space_state(name: str) -> Seen:
    """The space ``name`` as it is now; `save_space` replaces only this."""
    return seen(space_directory(name))


def save_space(name: str, texts: list[str], matrix: npt.NDArray[np.float32],
               choice: EncoderChoice, before: Seen) -> Path:
    """Write the named space atomically, replacing the one there was ``before`` (`space_state`,
    taken before embedding); if another run saved the space meanwhile, its texts are kept and
    this run fails, so that only the run whose texts are kept reports success."""
    target = space_directory(name)
    builtin = choice.builtin is not None
    encoder = {"name": choice.name, "builtin": builtin,
               "directory": None if builtin else str(choice.directory.resolve())}
    digest = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()
    meta = {"name": name, "encoder": encoder,
            "source": {"kind": "texts", "encoder": choice.name, "texts": len(texts),
                       "sha256": digest}}
    try:
        write_entry(target, texts, matrix, meta, replace=before)
    except LostRace:
        raise ModelError(f"another run saved the space {name!r} while this one was embedding: "
                         "its texts were kept and these were not saved (their vectors are "
                         "stored, so running again to replace them is quick)") from None
    except OSError as error:
        raise ModelError(f"cannot write the space {name!r} in {target.parent}: "
                         f"{os_message(error)}") from None
    return target


@dataclass(kw_only=True, eq=False, repr=False)
class NamedSpaceReference(Reference):
    """A named space of your texts, able to encode new text with the encoder that made it."""

    kind = Kind.NAMED_SPACE
    directory: Path
    root: Path

    def _open(self, reporter: Reporter, limit: int | None, trust: bool,
              columns: Columns) -> Space:
        from latentcli.store.encoder_spaces import open_named_space

        return open_named_space(self.directory, self.root / ENCODERS, reporter, limit)

    def stored(self) -> list[Path]:
        return [self.directory] if self.directory.is_dir() else []

    def location(self, limit: int | None = None) -> Path | None:
        return self.directory

"""Named spaces of your texts (``latent embed --name faq``): saved, listed, removed, and found
by name.

A named space is an ordinary cache entry under ``<cache>/spaces/NAME/`` whose vocabulary is the
texts; its ``meta.json`` records the encoder that made it (``encoder``), so a query can be encoded
the same way (`store.encoder_spaces.open_named_space`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from latentcli.errors import ModelError, UsageError
from latentcli.failures import os_message
from latentcli.store.cache import META_FILE, LostRace, Seen, cache_root, seen, write_entry

if TYPE_CHECKING:
    import numpy.typing as npt

    from latentcli.results.models import CachedModel, RemovedModels
    from latentcli.store.encoders import EncoderChoice

SPACES = "spaces"
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def space_directory(name: str) -> Path:
    """Where the named space ``name`` lives (whether or not it exists)."""
    return cache_root() / SPACES / name


def named_space(spec: str) -> Path | None:
    """The directory of the named text space ``spec``, if there is one."""
    if _SAFE_NAME.fullmatch(spec) is None:
        return None
    directory = space_directory(spec)
    return directory if (directory / META_FILE).is_file() else None


def check_name(name: str) -> None:
    """A space name must be a safe file name and not a name ``-m`` resolves before spaces
    (`sources.reserved_name`, compared ignoring case): else the space would shadow a model, or
    never open."""
    from latentcli.store.sources import reserved_name

    if _SAFE_NAME.fullmatch(name) is None or name in (".", ".."):
        raise UsageError(f"--name {name!r} is not a safe name: use letters, digits, '.', '_' "
                         "and '-' (at most 64, starting with a letter or digit)")
    taken = reserved_name(name, fold=True)
    if taken is not None:
        raise UsageError(f"--name {name!r} is reserved: it names {taken}; choose another")


def space_state(name: str) -> Seen:
    """The space ``name`` as it is now; `save_space` replaces only this."""
    return seen(space_directory(name))


def save_space(name: str, texts: list[str], matrix: npt.NDArray[np.float32],
               choice: EncoderChoice, before: Seen) -> Path:
    """Write the named space atomically, replacing the one there was ``before`` (`space_state`,
    taken before embedding); if another run saved the space meanwhile, its texts are kept and
    this run fails, so that only the run whose texts are kept reports success."""
    target = space_directory(name)
    encoder = {"name": choice.name, "builtin": choice.builtin,
               "directory": None if choice.builtin else str(choice.directory.resolve())}
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


def listed_spaces() -> list[CachedModel]:
    """The named spaces, for `latent models` (from each meta.json: no matrix is opened)."""
    from latentcli.results.models import CachedModel
    from latentcli.store.cache import InvalidEntry, read_meta

    root = cache_root() / SPACES
    found = []
    for directory in sorted(root.iterdir()) if root.is_dir() else []:
        if directory.name.startswith(".") or not directory.is_dir():
            continue
        try:
            meta = read_meta(directory)
        except (InvalidEntry, OSError):
            continue
        encoder = (meta.get("encoder") or {}).get("name", "an encoder")
        size = sum(meta["files"].values()) + (directory / META_FILE).stat().st_size
        found.append(CachedModel(name=directory.name, key=f"{SPACES}/{directory.name}",
                                 source=f"your texts, embedded with {encoder}",
                                 words=int(meta["count"]), dims=int(meta["dims"]), size=size))
    return found


def remove_space(name: str) -> RemovedModels | None:
    """Delete the named space ``name`` (or its key, ``spaces/NAME``) for `latent models rm`;
    None if there is none."""
    from latentcli.results.models import RemovedModels
    from latentcli.store.cache import discard

    for space in listed_spaces():
        if name in (space.name, space.key):
            discard(space_directory(space.name))
            return RemovedModels(name=name, removed=(space.key,), freed=space.size)
    return None

"""Where latent keeps things: the cache's root and folders, and a path as the user typed it."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from latentcli.errors import ModelError

MODELS = "models"  # vector entries: converted word models, encoder candidates, token spaces
SPACES = "spaces"  # named spaces of your texts (`latent embed --name`)
LANGUAGE = "language"  # language models converted from GGUF
ENCODERS = "encoders"  # sentence encoders fetched from their wheels
EMBEDDINGS = "embeddings"  # per-text vectors of `latent embed`, one folder per encoder
TOURS = "tours"  # the tour's computed sections
DOWNLOADS = "downloads"  # catalogue downloads, while they are converted
ARTIFACT_FOLDERS = (MODELS, SPACES, LANGUAGE, ENCODERS)  # each entry a directory with meta.json


def locate(spec: str) -> tuple[Path, Path]:
    """The cache's root, and ``spec`` read as a path: what `store.resolve` looks at."""
    return cache_root(), user_path(spec)


def cache_root() -> Path:
    """``$LATENT_CACHE_DIR``, else the platform's user cache directory for latent."""
    configured = os.environ.get("LATENT_CACHE_DIR")
    if configured:
        return user_path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("latent"))


def user_path(text: str) -> Path:
    """``text`` as a path with ``~`` expanded; a ``~user`` with no home, or a symbolic link that
    leads back to itself (which every later ``resolve()`` would meet), is a `ModelError`."""
    try:
        path = Path(text).expanduser()
    except RuntimeError:  # pathlib's way of saying the user or $HOME is unknown
        raise ModelError(f"cannot expand {text!r}: that user's home directory is unknown") from None
    try:
        path.resolve()
    except RuntimeError:  # Python before 3.13 says a loop so; later ones raise ELOOP
        raise ModelError(f"{text}: a symbolic link that leads back to itself") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ModelError(f"{text}: a symbolic link that leads back to itself") from None
    return path

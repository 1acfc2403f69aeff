"""The one function that touches the network: fetch a URL to a file, verified, atomically.

The bytes go to a temporary file beside the destination and are renamed into place only after
the MD5 checksum matches, so an interrupted or corrupted download is never mistaken for a good one.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from latentcli.errors import ModelError
from latentcli.store.artifacts import atomic_file

CHUNK_BYTES = 1 << 20
TIMEOUT_SECONDS = 30


def download(url: str, destination: Path, md5: str,
             progress: Callable[[int], None] = lambda done: None) -> None:
    """Fetch ``url`` into ``destination`` if its MD5 is ``md5``; else `ModelError`, no file."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        digest = hashlib.md5(usedforsecurity=False)
        done = 0
        with atomic_file(destination) as partial, partial.open("wb") as out, \
                urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            while chunk := response.read(CHUNK_BYTES):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                progress(done)
            if digest.hexdigest() != md5:
                raise ModelError(f"the download from {url} is corrupt: MD5 {digest.hexdigest()}, "
                                 f"expected {md5}; nothing was kept, try again")
    except urllib.error.HTTPError as error:
        raise ModelError(f"cannot download {url} (HTTP {error.code} {error.reason})") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise ModelError(f"cannot download {url} ({reason})") from None

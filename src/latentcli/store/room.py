"""Whether a GGUF model's float32 conversion fits on this machine, said before converting it.

latent converts every weight to float32 once (`networks.decoder.convert`) and memory-maps the
result: the converted file must fit on the disk holding the cache, and in memory, since every
generated token reads all of it (a model larger than memory would be read from the disk again at
every token). Both are checked from the GGUF's header alone — its tensors' shapes — so a model
too large for this machine is refused with the numbers (what it needs, the free disk, the
memory) before a byte is written, rather than failing half-way through minutes of conversion.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from latentcli.errors import ModelError

MARGIN = 64 << 20  # beyond the tensors: model.json (the tokenizer), padding, the page tables


def float32_size(model: Path) -> int:
    """Bytes the tensors of a GGUF file or a Hugging Face folder take as float32 (the GGUF's
    header or the safetensors' headers read, no tensor)."""
    from latentcli.errors import LatentError
    from latentcli.networks.decoder.convert import ggml_types
    from latentcli.networks.decoder.gguf_file import GGUFError, read_gguf
    from latentcli.networks.decoder.hf_model import stored_shapes

    try:
        shapes = (stored_shapes(model) if model.is_dir() else
                  [tensor.shape for tensor in read_gguf(model, ggml_types()).tensors.values()])
    except (GGUFError, LatentError, OSError):
        return 0  # not readable: the converter says why, naming the file
    return sum(math.prod(shape) for shape in shapes) * 4


def free_disk(folder: Path) -> int:
    """Bytes an unprivileged user may still write on the disk holding ``folder``."""
    found = os.statvfs(folder)
    return found.f_bavail * found.f_frsize


def memory() -> int:
    """Bytes of physical memory this machine has."""
    return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def check_room(model: Path, name: str, cache: Path) -> None:
    """Refuse to convert ``model`` (a GGUF file or a folder: the model ``name``) into the cache
    folder ``cache`` when its float32 copy would not fit on that disk or in this machine's
    memory."""
    needed = float32_size(model) + MARGIN
    disk, ram = free_disk(cache), memory()
    if needed <= disk and needed <= ram:
        return
    short = " and ".join(where for where, room in (("on the disk", disk), ("in memory", ram))
                         if needed > room)
    raise ModelError(
        f"{name} does not fit {short}: latent converts every weight to float32 (once) and "
        f"reads all of them for every token, which takes {gigabytes(needed)}; the disk holding "
        f"{cache} has {gigabytes(disk)} free and this machine has {gigabytes(ram)} of memory. "
        "Nothing was converted: "
        + ("free some disk space or point LATENT_CACHE_DIR at a larger disk" if needed <= ram
           else f"use a smaller model (at most {gigabytes(ram - MARGIN)} as float32, about "
                f"{(ram - MARGIN) / 4e9:.1f} billion weights)"))


def gigabytes(size: int) -> str:
    return f"{size / 1e9:.1f} GB"

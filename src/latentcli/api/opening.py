"""`open`: what ``--model`` names, as the API's `Model` — a `LanguageModel` for a language model.

`model_for` is what the commands call (`cli.command.ModelChoice.model`), so a name means the same
model at both doors. A language model is opened lazily: its network is fetched and converted on
first use, after the method's arguments are checked (``latent generate hi --max-tokens -1`` on an
empty cache downloads nothing); `open` then opens it at once, as a notebook expects.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from latentcli import DEFAULT_MODEL
from latentcli.api.arguments import checked
from latentcli.api.model import Model, _Quiet

if TYPE_CHECKING:
    from latentcli.core.progress import Reporter
    from latentcli.store.reference import Columns, Reference


def model_for(reference: Reference, reporter: Reporter, limit: int | None = None,
              trust: bool = False, columns: Columns = (None, None)) -> Model:
    """The model ``reference`` (`store.resolve.resolve`) is, reporting to ``reporter``: a word
    space opened now; a language model whose network and token space are opened when first
    needed (after a method's arguments are checked)."""
    from latentcli.store.builtins import Kind

    if reference.kind is not Kind.LANGUAGE_MODEL:
        return Model(reference.open_space(reporter, limit, trust, columns), reporter=reporter)
    from latentcli.api.language_model import LanguageModel
    from latentcli.store.language_models import LanguageModelReference

    builtin = reference.builtin if isinstance(reference, LanguageModelReference) else None
    return LanguageModel(reference.name, lambda: reference.open_decoder(reporter),
                         lambda: reference.open_space(reporter, limit, trust, columns),
                         reporter=reporter, base=builtin is not None and builtin.base)


@checked
def open(name_or_path: str | os.PathLike[str] = DEFAULT_MODEL, *, limit: int | None = None,
         trust: bool = False) -> Model:
    """Open a model as ``--model`` would: a known name, a file or a latent model directory.

    ``limit`` keeps the first N words; ``trust`` allows gensim pickles (they run code). A
    language model (``smollm2-135m``, a ``.gguf`` file) is a `LanguageModel`: a `Model` of its
    token embeddings that also generates, and shows its lens.
    """
    assert isinstance(name_or_path, str)  # `checked` made a path its str
    from latentcli.api.language_model import LanguageModel
    from latentcli.store.resolve import resolve

    reporter = _Quiet()
    model = model_for(resolve(name_or_path), reporter, limit, trust)
    if isinstance(model, LanguageModel):
        model.decoder  # noqa: B018  fetched and converted now, not at the first question
    model.notes = tuple(reporter.notes)
    return model

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
    from latentcli.store.sources import Columns


def model_for(spec: str, reporter: Reporter, limit: int | None = None, trust: bool = False,
              columns: Columns = (None, None), notes: tuple[str, ...] = ()) -> Model:
    """The model ``spec`` names, reporting to ``reporter``: a word space opened now; a language
    model whose network and token space are opened when first needed."""
    from latentcli.store.resolve import open_space
    from latentcli.store.sources import BUILTIN

    language = None
    if spec not in BUILTIN:  # GloVe, the start-up path, never looks at language models
        from latentcli.store.languages import choose_language_model

        language = choose_language_model(spec)
    if language is None:
        return Model(open_space(spec, reporter, limit, trust, columns), notes, reporter)
    from latentcli.api.language_model import LanguageModel
    from latentcli.store.languages import open_language_model

    return LanguageModel(language.name, lambda: open_language_model(language, reporter),
                         lambda: open_space(spec, reporter, limit, trust, columns),
                         notes, reporter)


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

    reporter = _Quiet()
    model = model_for(name_or_path, reporter, limit, trust)
    if isinstance(model, LanguageModel):
        model.decoder  # noqa: B018  fetched and converted now, not at the first question
    model.notes = tuple(reporter.notes)
    return model

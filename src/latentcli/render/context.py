"""Rich output for `latent context`: each context's nearest words, the cosines between contexts,
and the static model's one answer beside them."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from latentcli.render.directions import cosine_table
from latentcli.render.tables import emit, plain_table
from latentcli.results.context import ContextResult


def context_view(console: Console, result: ContextResult) -> None:
    table = plain_table("#>", "sentence", "nearest words")
    for number, use in enumerate(result.contexts, 1):
        sentence = Text(use.sentence)
        sentence.stylize("bold", use.start, use.end)
        table.add_row(str(number), sentence, ", ".join(n.word for n in use.neighbors))
    emit(console, f"{result.word!r} in context   ({result.model})", table)
    labels = [str(number) for number in range(1, len(result.contexts) + 1)]
    static = ", ".join(n.word for n in result.static_neighbors)
    emit(console, f"\nCosine between the uses of {result.word!r} (numbered as above)",
         cosine_table(labels, result.similarity),
         [Text("A use mixes the word with its sentence, so another sense's neighbours can "
               "remain."),
          Text(f"\n{result.static_model} has one vector for {result.word!r} in every sentence; "
               f"its nearest words: {static}") if result.static_neighbors else None])

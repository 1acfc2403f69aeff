"""Rich output for `latent context`: each context's nearest words, the cosines between contexts,
and the static model's one answer beside them."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from latentcli.render.directions import cosine_table
from latentcli.render.tables import plain_table
from latentcli.results.context import ContextResult


def context_view(console: Console, result: ContextResult) -> None:
    console.print(Text(f"{result.word!r} in context   ({result.model})", style="bold"))
    table = plain_table("#>", "sentence", "nearest words")
    for number, use in enumerate(result.contexts, 1):
        sentence = Text(use.sentence)
        sentence.stylize("bold", use.start, use.end)
        table.add_row(str(number), sentence, ", ".join(n.word for n in use.neighbors))
    console.print(table)
    console.print(Text(f"\nCosine between the uses of {result.word!r} (numbered as above)",
                       style="bold"))
    labels = [str(number) for number in range(1, len(result.contexts) + 1)]
    console.print(cosine_table(labels, result.similarity))
    console.print(Text("A use mixes the word with its sentence, so another sense's neighbours "
                       "can remain."))
    if result.static_neighbors:
        words = ", ".join(n.word for n in result.static_neighbors)
        console.print(Text(f"\n{result.static_model} has one vector for {result.word!r} in every "
                           f"sentence; its nearest words: {words}"))

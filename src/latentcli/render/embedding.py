"""The table of `latent embed`: each text (shortened), its length in dimensions and its norm."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.console import Console

from latentcli.render.tables import emit, plain_table, shorten
from latentcli.results.texts import EmbeddedText

FIRST_SHOWN = 4  # numbers of each vector shown in the table


def embeddings_table(console: Console, results: Sequence[EmbeddedText]) -> None:
    """One row per text; the whole texts and vectors are in --json and -o."""
    if not results:
        return
    table = plain_table("#>", "text", "dims>", "norm>", "first numbers")
    for number, result in enumerate(results, 1):
        norm = math.sqrt(math.fsum(value * value for value in result.vector))
        head = " ".join(f"{value:+.4f}" for value in result.vector[:FIRST_SHOWN])
        more = " …" if len(result.vector) > FIRST_SHOWN else ""
        table.add_row(str(number), shorten(result.text), str(len(result.vector)),
                      f"{norm:.4f}", head + more)
    emit(console, f"{len(results)} text(s) embedded with {results[0].model}", table)

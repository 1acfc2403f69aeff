"""Text for the side panel (explain, clusters, help) and the files `s` saves.

The explanation and the cluster table are drawn by the same renderers `latent explain` and
`latent cluster` use, into a string at the panel's width, so the app says what the commands say.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from latentcli.errors import LatentError
from latentcli.render.escape import printable
from latentcli.results.explain import WordExplanation
from latentcli.results.structure import ClusterResult, MapResult

KEYS = (
    ("type, Enter", "ask for a word or an expression (king - man + woman); typing always goes "
                    "to the query box"),
    ("↑ / ↓ in the box", "earlier queries"),
    ("↑ / ↓ in the list", "move the focus (highlighted on the map too)"),
    ("Enter, click", "make the focused word the query: walk the space"),
    ("Backspace, ←", "go back along the walk"),
    ("/", "to the query box; Tab or Esc leaves it"),
    ("Ctrl-A", "analogy: choose three words, A - B + C"),
    ("Ctrl-X", "the map's x axis from two chosen words (Ctrl-X again: back to PCA)"),
    ("Ctrl-G", "group (cluster) the words on screen"),
    ("Ctrl-E", "explain the focused word"),
    ("Ctrl-S", "save this view: a .json and an .html map in the current directory"),
    ("Esc", "cancel a choice, close the side panel"),
    ("F1", "this help"),
    ("Ctrl-Q, Ctrl-C", "quit"),
)


def help_text() -> str:
    """Each key on its own line and what it does indented below: readable at any panel width."""
    return "Keys\n\n" + "\n".join(f"{key}\n    {what}" for key, what in KEYS)


def rendered(draw: Callable[[Console], None], width: int) -> str:
    """What a rich renderer prints, as plain text ``width`` columns wide."""
    console = Console(file=io.StringIO(), width=max(width, 20), no_color=True, highlight=False,
                      markup=False, color_system=None)
    draw(console)
    output = console.file
    assert isinstance(output, io.StringIO)
    return output.getvalue().rstrip("\n")


def explanation_text(result: WordExplanation, width: int) -> str:
    from latentcli.render.explain import word_explanation

    shown = printable(result)
    return rendered(lambda console: word_explanation(console, shown, colour=False), width)


def clusters_text(result: ClusterResult, width: int) -> str:
    from latentcli.render.clusters import clusters_table

    shown = printable(result)
    return rendered(lambda console: clusters_table(console, shown), width)


def save_view(state: dict[str, Any], result: MapResult, directory: Path,
              now: datetime) -> tuple[Path, Path]:
    """Write ``latent-explore-<time>.json`` (the state and the map) and ``.html`` (the page);
    ``result`` is the map with its words' neighbours (``listed``), which the page shows."""
    from latentcli.render.htmlmap import map_html

    stem = directory / f"latent-explore-{now:%Y%m%d-%H%M%S}"
    data, page = stem.with_suffix(".json"), stem.with_suffix(".html")
    try:
        data.write_text(json.dumps({**state, "map": result.to_dict()}, ensure_ascii=False,
                                   indent=2) + "\n", "utf-8")
        page.write_text(map_html(result), "utf-8")
    except OSError as error:
        raise LatentError(f"cannot save the view in {directory}: {error}") from None
    return data, page

"""The map panel: `latent map`'s projection drawn in character cells, its words clickable.

Points and labels are placed by the terminal map's own functions (`to_cells`, `layout_labels`), so
the panel hides the same labels the plot would at that size; the focused word is drawn reversed
(visible without colour) and query words bold. One glyph per cluster, as in `latent map`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Span, Text
from textual.events import Click
from textual.message import Message
from textual.widget import Widget

from latentcli.render.escape import escape
from latentcli.render.htmlmap import PALETTE
from latentcli.render.mapcaptions import axis_name
from latentcli.render.maplayout import GLYPHS, layout_labels, to_cells
from latentcli.results.structure import MapResult

MIN_ROWS = 4


@dataclass(frozen=True)
class Hit:
    """Where a word is drawn: its row and the columns its glyph and label cover."""

    row: int
    start: int
    end: int
    word: str


class MapView(Widget):
    """Draws a `MapResult`; a click on a word's glyph or label posts `MapView.Chosen`."""

    class Chosen(Message):
        def __init__(self, word: str) -> None:
            self.word = word
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.result: MapResult | None = None
        self.focused_word: str | None = None
        self.query_words: frozenset[str] = frozenset()
        self.hits: list[Hit] = []

    def show(self, result: MapResult | None, query_words: frozenset[str]) -> None:
        self.result, self.query_words = result, query_words
        self.refresh()

    def focus_word(self, word: str | None) -> None:
        self.focused_word = word
        self.refresh()

    def render(self) -> Text:
        width, height = self.content_size.width, self.content_size.height
        self.hits = []
        if self.result is None:
            return Text("(the map appears here)", style="dim")
        header = Text(escape(f"x: {axis_name(self.result.x_axis)}  "
                             f"y: {axis_name(self.result.y_axis)}"), style="dim")
        rows = height - 2
        if rows < MIN_ROWS or width < 10:
            return Text("(too small for the map)", style="dim")
        lines = [header, *self._grid(width, rows), self._legend()]
        for line in lines:
            line.truncate(width, overflow="ellipsis")
        return Text("\n", no_wrap=True).join(lines)

    def _grid(self, columns: int, rows: int) -> list[Text]:
        assert self.result is not None
        points = self.result.points
        cells = to_cells([p.x for p in points], [p.y for p in points], columns, rows)
        labels = [escape(p.word) for p in points]  # the hits keep the word itself, to walk to
        spots = layout_labels(cells, labels, columns, rows)
        chars = [[" "] * columns for _ in range(rows)]
        styles: list[list[Style | None]] = [[None] * columns for _ in range(rows)]
        for (column, row), spot, point, label in zip(cells, spots, points, labels, strict=True):
            style = self._style(point.word, point.cluster)
            chars[row][column] = GLYPHS[point.cluster % len(GLYPHS)]
            styles[row][column] = style
            self.hits.append(Hit(row + 1, column, column + 1, point.word))
            if spot is not None:
                for offset, char in enumerate(label):
                    chars[spot[1]][spot[0] + offset] = char
                    styles[spot[1]][spot[0] + offset] = style
                self.hits.append(Hit(spot[1] + 1, spot[0], spot[0] + len(label), point.word))
        return [Text("".join(char_row), no_wrap=True, spans=_spans(style_row))
                for char_row, style_row in zip(chars, styles, strict=True)]

    def _style(self, word: str, cluster: int) -> Style:
        return Style(color=PALETTE[cluster % len(PALETTE)], reverse=word == self.focused_word,
                     bold=word in self.query_words)

    def _legend(self) -> Text:
        assert self.result is not None
        legend = Text()
        for index, cluster in enumerate(self.result.clustering.clusters):
            legend.append(f"{GLYPHS[index % len(GLYPHS)]} {escape(cluster.label)}  ",
                          Style(color=PALETTE[index % len(PALETTE)]))
        return legend

    def word_at(self, column: int, row: int) -> str | None:
        """The word drawn at a cell, allowing a click one cell off a glyph."""
        for hit in self.hits:
            if hit.row == row and hit.start <= column < hit.end:
                return hit.word
        near = [hit for hit in self.hits if hit.end - hit.start == 1 and hit.row == row
                and abs(hit.start - column) <= 1]
        return near[0].word if near else None

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        word = self.word_at(offset.x, offset.y)
        if word is not None:
            self.post_message(self.Chosen(word))


def _spans(styles: list[Style | None]) -> list[Span]:
    """One span per run of equally styled cells (a row is mostly blank: a few spans)."""
    spans: list[Span] = []
    start = 0
    for end in range(1, len(styles) + 1):
        if end == len(styles) or styles[end] != styles[start]:
            style = styles[start]
            if style is not None:
                spans.append(Span(start, end, style))
            start = end
    return spans

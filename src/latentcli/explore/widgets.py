"""The query box (with history on ↑/↓) and the neighbours list (with similarity bars)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from latentcli.render.bars import bars
from latentcli.render.escape import escape
from latentcli.results import Scored

BAR_WIDTH = 8


class QueryInput(Input):
    """A word or an expression; ↑/↓ step through what was typed before."""

    BINDINGS = [  # noqa: RUF012 (Textual's declaration style)
        Binding("up", "older", "older query", show=False),
        Binding("down", "newer", "newer query", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="a word or an expression: king - man + woman", id=id,
                         select_on_focus=False)  # a character typed on the list stays typed
        self.history: list[str] = []
        self.position = 0

    def remember(self, history: Sequence[str]) -> None:
        """Take the explorer's history; the next ↑ shows its last entry."""
        self.history = list(history)
        self.position = len(self.history)

    def action_older(self) -> None:
        if self.position > 0:
            self.position -= 1
            self.value = self.history[self.position]
            self.cursor_position = len(self.value)

    def action_newer(self) -> None:
        if self.position < len(self.history):
            self.position += 1
            self.value = self.history[self.position] if self.position < len(self.history) else ""
            self.cursor_position = len(self.value)


class NeighborList(OptionList):
    """Nearest words with their similarity; or, after a typo, the words it may have meant.

    Enter or a click chooses a word (`OptionList.OptionSelected`, option id = the word);
    Backspace or ← go back along the walk; a typed character is handed to ``typed`` (the query
    box, which takes the focus before the next key is read), so typing a word never walks the
    list.
    """

    BINDINGS = [  # noqa: RUF012 (Textual's declaration style)
        Binding("backspace", "app.walk_back", "back", show=False),
        Binding("left", "app.walk_back", "back", show=False),
    ]

    def __init__(self, typed: Callable[[str], None], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.typed = typed

    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character and event.key != "slash":  # / goes there empty
            event.stop()
            event.prevent_default()
            self.typed(event.character)

    def show_neighbors(self, neighbors: Sequence[Scored]) -> None:
        labels = [escape(near.word) for near in neighbors]  # the option id is the word itself
        width = max(map(len, labels), default=0)
        drawn = bars([near.similarity for near in neighbors], BAR_WIDTH)
        self._replace([Option(Text(f"{label:<{width}} {near.similarity:6.3f} ")
                              + Text(shown, style="green"), id=near.word)
                       for near, label, shown in zip(neighbors, labels, drawn, strict=True)])

    def show_suggestions(self, suggestions: Sequence[str]) -> None:
        self._replace([Option(Text(f"{escape(word)}?", style="italic"), id=word)
                       for word in suggestions])

    def _replace(self, options: list[Option]) -> None:
        self.clear_options()
        self.add_options(options)
        if options:
            self.highlighted = 0

    @property
    def highlighted_word(self) -> str | None:
        if self.highlighted is None or not self.option_count:
            return None
        return self.get_option_at_index(self.highlighted).id

"""`latent explore`: walk an embedding space in the terminal.

Neighbours are answered on the event loop (a single matrix product); the map, the
clusters, explanations and saving run in worker threads (`threads.Jobs`).

Typed characters always reach the query box, wherever the focus is (search as you type), so the
commands are control keys, which work everywhere; Ctrl-C and SIGINT quit with exit code 130, as
an interrupted command does.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, OptionList, Static

from latentcli.analysis.projection import AxisSpec
from latentcli.api.model import Model
from latentcli.explore.mapview import MapView
from latentcli.explore.panels import clusters_text, explanation_text, help_text, save_view
from latentcli.explore.state import Answer, Explorer, Picker
from latentcli.explore.threads import Jobs
from latentcli.explore.widgets import NeighborList, QueryInput
from latentcli.render.escape import escape
from latentcli.results.structure import MapResult

NARROW = 64  # columns below which the map gives way to the list
HINT = "type to ask, Enter walk, ^A analogy, ^X axis, ^G cluster, ^E explain, F1 keys"
INTERRUPTED = 128 + signal.SIGINT  # the exit code of a command stopped by Ctrl-C

CSS = """
#trail { height: 1; color: $text-muted; }
#query { height: 1; border: none; padding: 0 1; }
#main { height: 1fr; }
#neighbours { width: 34; height: 1fr; border: none; padding: 0; }
#map { width: 1fr; height: 1fr; }
#side { width: 1fr; height: 1fr; display: none; border-left: solid $primary; padding: 0 1; }
#message, #status { height: 1; }
#status { background: $panel; }
.side-open #side { display: block; }
.side-open #map { display: none; }
Screen.-narrow #map { display: none; }
Screen.-narrow #neighbours { width: 1fr; }
Screen.-narrow .side-open #neighbours { display: none; }
"""


class ExploreApp(App[None]):
    """The explorer over ``model`` (a quiet one: `Model`'s default reporter, as nothing may print
    over the screen); ``directory`` is where Ctrl-S saves (the current directory by default)."""

    CSS = CSS
    TITLE = "latent explore"
    BINDINGS: ClassVar[list[BindingType]] = [  # priority: before the query box reads a key
        Binding("ctrl+a", "analogy", "analogy", priority=True),
        Binding("ctrl+x", "axis", "x axis", priority=True),
        Binding("ctrl+g", "clusters", "clusters", priority=True),
        Binding("ctrl+e", "explain", "explain", priority=True),
        Binding("ctrl+s", "save", "save", priority=True),
        Binding("f1", "help", "help", priority=True),
        Binding("ctrl+c", "interrupt", "quit", priority=True, show=False),
        Binding("slash", "focus_query", "query", show=False),
        Binding("escape", "cancel", "cancel", show=False),
    ]

    def __init__(self, model: Model, words: list[str] | None = None,
                 directory: Path | None = None) -> None:
        super().__init__()
        self.HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-wide")]
        self.explorer = Explorer(model)
        self.first_query = " ".join(words or [])
        self.directory = directory or Path.cwd()
        self.map_result: MapResult | None = None
        self.mapped: tuple[list[str], AxisSpec | None] = ([], None)  # what map_result shows
        self.timings: dict[str, float] = {}
        self.jobs = Jobs(self, lambda message: self._say(message, error=True), self.timings)

    def compose(self) -> ComposeResult:
        yield Static(id="trail", markup=False)  # words such as '[' are not markup
        yield QueryInput(id="query")
        with Horizontal(id="main"):
            yield NeighborList(self._typed, id="neighbours")
            yield MapView(id="map")
            with VerticalScroll(id="side"):
                yield Static(id="side-text", markup=False)
        yield Static(HINT, id="message", markup=False)
        yield Static(id="status", markup=False)

    def on_mount(self) -> None:
        with suppress(RuntimeError, ValueError, NotImplementedError):  # not the main thread
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, self.action_interrupt)
        self.show_status()
        if self.first_query:
            self.query_one(NeighborList).focus()
            self._show(self.explorer.go(self.first_query, typed=True))
        else:
            self.query_one(QueryInput).focus()

    # --- answering -------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        box = self.query_one(QueryInput)
        if self.explorer.picker is not None:
            self._choose(text)
        else:
            answer = self.explorer.go(text, typed=True)
            box.remember(self.explorer.history)
            self._show(answer)
            if answer.error and not answer.suggestions:  # a broken expression: fix it in place
                return
        box.value = ""
        self.query_one(NeighborList).focus()

    def _typed(self, character: str) -> None:
        """A character typed on the list starts a query: into the box, focused at once (not on
        the next refresh), so the keys that follow, Enter included, reach the box too."""
        box = self.query_one(QueryInput)
        self.screen.set_focus(box)
        box.insert_text_at_cursor(character)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._choose(event.option.id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one(MapView).focus_word(event.option.id)

    def on_map_view_chosen(self, event: MapView.Chosen) -> None:
        self._choose(event.word)

    def _choose(self, word: str) -> None:
        answer = self.explorer.choose(word)
        if answer is not None:
            self._show(answer)
        elif self.explorer.picker is not None:
            self._say(self.explorer.picker.prompt())
        else:  # the x axis was just completed
            self._say(f"x axis: {self._axis_name()}")
            self._refresh_map()

    def action_walk_back(self) -> None:
        answer = self.explorer.back()
        if answer is None:
            self._say("at the start of the walk")
        else:
            self._show(answer)

    def _show(self, answer: Answer) -> None:
        neighbors = self.query_one(NeighborList)
        self.timings["neighbours"] = answer.seconds
        if answer.result is None:
            if answer.suggestions:
                neighbors.show_suggestions(answer.suggestions)
            self._say(answer.error or "", error=True)
            self.show_status()
            return
        neighbors.show_neighbors(answer.result.neighbors)
        self._say(self.explorer.picker.prompt() if self.explorer.picker else HINT)
        self._trail()
        self.show_status()
        self.call_after_refresh(self._refresh_map)  # the list is painted before the map starts

    # --- the map and the side panel, computed in threads ----------------------------------------

    def _refresh_map(self) -> None:
        words, axis = self.explorer.words, self.explorer.axis
        self.jobs.run("map", lambda: self.explorer.map(words, axis),
                      lambda result: self._drawn_map(result, words, axis), self.query_one(MapView))

    def _drawn_map(self, result: MapResult, words: list[str], axis: AxisSpec | None) -> None:
        self.map_result, self.mapped = result, (words, axis)
        answer = self.explorer.answer
        view = self.query_one(MapView)
        view.show(result, frozenset(answer.own_words if answer else ()))
        view.focus_word(self.query_one(NeighborList).highlighted_word)
        self.show_status()

    def _side(self, title: str, compute: Callable[[], str]) -> None:
        self.query_one("#main").add_class("side-open")
        side_text = self.query_one("#side-text", Static)
        side_text.update(f"{title}…")
        self.jobs.run("panel", compute, side_text.update, self.query_one("#side"))

    # --- keys ------------------------------------------------------------------------------------

    def action_analogy(self) -> None:
        self._pick(Picker("analogy"))

    def action_axis(self) -> None:
        if self.explorer.axis is not None:
            self.explorer.axis = None
            self._say("x axis: back to PCA")
            self._refresh_map()
            return
        self._pick(Picker("axis"))

    def _pick(self, picker: Picker) -> None:
        self.explorer.picker = picker
        self._say(picker.prompt())

    def action_clusters(self) -> None:
        words = self.explorer.words
        if len(words) < 2:
            self._say("nothing on screen to cluster yet", error=True)
            return
        width = self._side_width()
        self._side("Clustering", lambda: clusters_text(self.explorer.clusters(words), width))

    def action_explain(self) -> None:
        word = self.query_one(NeighborList).highlighted_word
        if word is None or self.explorer.answer is None:
            self._say("choose a word to explain first", error=True)
            return
        width = self._side_width()
        self._side(f"Explaining {word}",
                   lambda: explanation_text(self.explorer.explain(word), width))

    def action_help(self) -> None:
        self.query_one("#main").add_class("side-open")
        self.query_one("#side-text", Static).update(help_text())

    def action_save(self) -> None:
        if self.map_result is None:
            self._say("nothing to save yet: ask for a word first", error=True)
            return
        state, (words, axis), now = self.explorer.state(), self.mapped, datetime.now()
        self._say("saving…")
        self.jobs.run("save", lambda: save_view(state, self.explorer.map(words, axis, listed=True),
                                                self.directory, now),
                      lambda paths: self._say(f"saved {paths[0]} and {paths[1]}"),
                      self.query_one("#message"))

    def action_interrupt(self) -> None:
        """Ctrl-C, or SIGINT from elsewhere: quit as an interrupted command does."""
        self.exit(return_code=INTERRUPTED)

    def action_focus_query(self) -> None:
        self.query_one(QueryInput).focus()

    def action_cancel(self) -> None:
        if self.explorer.picker is not None:
            self.explorer.picker = None
            self._say("cancelled")
        elif self.query_one("#main").has_class("side-open"):
            self.query_one("#main").remove_class("side-open")
        else:
            self.query_one(NeighborList).focus()

    # --- lines -----------------------------------------------------------------------------------

    def _say(self, text: str, error: bool = False) -> None:
        self.query_one("#message", Static).update(escape(f"Error: {text}" if error else text))

    def _trail(self) -> None:
        walk, width = [escape(step) for step in self.explorer.walk], max(self.size.width - 2, 10)
        trail = " > ".join(walk)
        while len(trail) > width and len(walk) > 1:
            walk = walk[1:]
            trail = "... > " + " > ".join(walk)
        self.query_one("#trail", Static).update(trail)

    def show_status(self) -> None:
        model = self.explorer.model
        parts = [model.name, f"{model.dims} dims", f"{len(model):,} words"]
        if self.map_result is not None:
            parts.append(f"trust {self.map_result.trust:.2f}")
        parts += [f"{name} {seconds * 1000:.0f} ms" for name, seconds in self.timings.items()]
        self.query_one("#status", Static).update(" · ".join(parts))

    def _axis_name(self) -> str:
        axis = self.explorer.axis
        return f"{axis.low} → {axis.high}" if axis else "PCA"

    def _side_width(self) -> int:
        return max(self.query_one("#main").size.width - 40, 30)


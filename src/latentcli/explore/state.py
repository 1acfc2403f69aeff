"""What `latent explore` remembers, free of any UI: the walk, the query history, the pickers.

The app only displays what this computes, and every figure is one call of the session's
`api.Model` (`neighbors`, `map`, `cluster`, `explain`), the methods `latent neighbors`,
`latent map`, `latent cluster` and `latent explain` call, so the app says what they would.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from latentcli.analysis.projection import AxisSpec
from latentcli.api.model import Model
from latentcli.core.counts import Default
from latentcli.errors import LatentError, UnknownWordError
from latentcli.results import NeighborsResult
from latentcli.results.explain import WordExplanation
from latentcli.results.structure import ClusterResult, MapResult

TOP = 12  # neighbours listed
EXPLAINED = 8  # nearest words in the explanation panel (fewer on a smaller model)


@dataclass(frozen=True)
class Answer:
    """One query's outcome: neighbours, or an error line and (for a typo) words it may have been."""

    text: str
    result: NeighborsResult | None = None
    error: str | None = None
    suggestions: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def own_words(self) -> list[str]:
        """The query's own words (one for a word, several for an expression)."""
        if self.result is None:
            return []
        return list(dict.fromkeys(term.word for term in self.result.terms))

    @property
    def words(self) -> list[str]:
        """The words on screen: the query's own words, then its neighbours."""
        if self.result is None:
            return []
        return self.own_words + [near.word for near in self.result.neighbors]


@dataclass
class Picker:
    """Slots filled one chosen word at a time: analogy (A - B + C) or the map's x axis (A → B)."""

    kind: str  # "analogy" or "axis"
    slots: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return 3 if self.kind == "analogy" else 2

    @property
    def full(self) -> bool:
        return len(self.slots) == self.size

    def prompt(self) -> str:
        shown = [*self.slots, *["?"] * (self.size - len(self.slots))]
        if self.kind == "analogy":
            return (f"analogy: {shown[0]} - {shown[1]} + {shown[2]}  "
                    f"(choose word {len(self.slots) + 1} of 3; Esc cancels)")
        return (f"x axis: {shown[0]} → {shown[1]}  "
                f"(choose word {len(self.slots) + 1} of 2; Esc cancels)")


class Explorer:
    """The session: a model, the current answer, the walk through the space and typed history.

    ``model`` reports nothing (a progress bar would draw over the screen): `Model`'s default.
    """

    def __init__(self, model: Model, top: int = TOP) -> None:
        self.model = model
        self.top = min(top, len(model) - 1)
        self.answer: Answer | None = None
        self.steps: list[Answer] = []  # the walk; going back shows the step again as it was
        self.history: list[str] = []
        self.axis: AxisSpec | None = None
        self.picker: Picker | None = None
        self._maps: dict[tuple[tuple[str, ...], AxisSpec | None, bool], MapResult] = {}

    def ask(self, text: str, literal: bool = False) -> Answer:
        """Neighbours of an expression, or of a ``literal`` vocabulary entry (a word chosen from
        the list or the map, which may look like an expression: ``-lrb-``); bad input becomes an
        error line, never a raise."""
        started = time.perf_counter()
        try:
            result = self.model.neighbors(text.strip(), self.top, literal=literal)
        except LatentError as error:
            return _failed(text, error, started)
        return Answer(text, result, seconds=time.perf_counter() - started)

    def go(self, text: str, typed: bool = False, literal: bool = False) -> Answer:
        """Make ``text`` the query; a good answer extends the walk (and, if typed, the history)."""
        answer = self.ask(text, literal)
        if typed and text.strip() and (not self.history or self.history[-1] != text.strip()):
            self.history.append(text.strip())
        if answer.result is not None:
            self.answer = answer
            if not self.steps or self.steps[-1].text != answer.text:
                self.steps.append(answer)
        return answer

    def back(self) -> Answer | None:
        """One step back along the walk; None at its start."""
        if len(self.steps) < 2:
            return None
        self.steps.pop()
        self.answer = self.steps[-1]
        return self.answer

    @property
    def walk(self) -> list[str]:
        return [step.text for step in self.steps]

    def choose(self, word: str) -> Answer | None:
        """A word picked from the list or the map: fills a picker's slot, else walks to it.

        Returns the new answer when the query changed (a walk, a completed analogy) or an error.
        """
        if self.picker is None:
            return self.go(word, literal=True)
        started = time.perf_counter()
        try:
            self.picker.slots.append(self.model.space.lookup(word.strip()).word)
        except LatentError as error:
            return _failed(word, error, started)
        if not self.picker.full:
            return None
        picker, self.picker = self.picker, None
        if picker.kind == "axis":
            self.axis = AxisSpec(*picker.slots)
            return None
        first, second, third = picker.slots
        return self.go(f"{first} - {second} + {third}")

    def map(self, words: list[str], axis: AxisSpec | None, listed: bool = False) -> MapResult:
        """``words`` as `latent map` draws them (PCA, or ``axis`` as x; ``listed``: with each
        word's neighbours, for the saved page); safe in a thread, as it reads only its arguments
        and the model."""
        key = (tuple(words), axis, listed)
        if key not in self._maps:  # walking back redraws a map already made
            x = (axis.low, axis.high) if axis else None  # two words, which may hold a ':'
            self._maps[key] = self.model.map(words, x=x, listed=listed)
        return self._maps[key]

    def clusters(self, words: list[str]) -> ClusterResult:
        """`latent cluster` of ``words`` (the words on screen)."""
        return self.model.cluster(words)

    def explain(self, word: str) -> WordExplanation:
        """`latent explain` of the vocabulary entry ``word`` (never parsed as an expression)."""
        result = self.model.explain(word, top=Default(EXPLAINED), literal=True)
        assert isinstance(result, WordExplanation)  # literal: one word
        return result

    @property
    def words(self) -> list[str]:
        return self.answer.words if self.answer else []

    def state(self) -> dict[str, Any]:
        """The view as JSON: what a saved file records."""
        return {
            "model": self.model.name, "query": self.answer.text if self.answer else None,
            "walk": self.walk, "history": list(self.history),
            "x_axis": [self.axis.low, self.axis.high] if self.axis else None,
            "neighbors": self.answer.result.to_dict() if self.answer and self.answer.result
            else None,
        }


def _failed(text: str, error: LatentError, started: float) -> Answer:
    suggestions = tuple(error.suggestions) if isinstance(error, UnknownWordError) else ()
    return Answer(text, error=str(error), suggestions=suggestions,
                  seconds=time.perf_counter() - started)

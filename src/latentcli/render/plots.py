"""The terminal map: a plotext scatter with each word written beside its point.

Labels are placed by `maplayout.layout_labels`, always just right of their point (``■word``); the
points keep clear of the right edge to leave room, and when space runs out the less important
labels are hidden and counted. Points are coloured by cluster on a colour terminal and drawn with a
different glyph per cluster everywhere, so plain text still tells them apart.
"""

from __future__ import annotations

import shutil
import textwrap
from typing import Any

import plotext as plt

from latentcli.errors import UsageError
from latentcli.render.mapcaptions import axis_name, map_title, trust_summary
from latentcli.render.maplayout import GLYPHS, layout_labels, to_cells
from latentcli.results.structure import MapResult

MIN_WIDTH = 40
MIN_HEIGHT = 10
COLOURS = ("red", "green", "blue", "magenta", "cyan", "yellow", "orange", "violet", "gray",
           "white")
HIDDEN_LISTED = 5  # up to this many hidden labels are named under the map


def fit_terminal(width: int | None, height: int | None) -> tuple[int, int]:
    """The plot's size: the options, else the terminal's; refuses a map too narrow to read."""
    terminal = shutil.get_terminal_size()
    width = width or terminal.columns
    height = height or max(MIN_HEIGHT, min(terminal.lines - 8, 40))
    if width < MIN_WIDTH:
        raise UsageError(f"the map needs at least {MIN_WIDTH} columns, but has {width}; widen the "
                         "terminal, pass --width, or use --json / --html")
    if height < MIN_HEIGHT:
        raise UsageError(f"the map needs at least {MIN_HEIGHT} rows, not {height}")
    return width, height


def blank_figure(width: int, height: int, columns: int, rows: int) -> Any:
    """plotext's figure cleared, sized ``width`` x ``height`` and ranged over ``columns`` x
    ``rows`` cells, with no ticks: what a map and a trace draw their cells on."""
    plt.terminal.limit(False, False)  # the size is ours to choose, not the detected terminal's
    figure = plt.figure
    figure.clear()
    figure.theme("colorless")
    figure.plot_size(width, height)
    for axis in ("x", "y"):
        figure.ruler(axis).frequency(0)
    figure.ruler("x").lim(0, columns - 1)
    figure.ruler("y").lim(0, rows - 1)
    return figure


def map_plot(result: MapResult, width: int, height: int, colour: bool) -> str:
    """The whole map as text: title, plot, axis ends, cluster legend, trust and hidden labels."""
    above = _above(result)
    below_axes = _below(result, width)
    frame_height = height - len(above) - len(below_axes)
    if frame_height < MIN_HEIGHT:
        needed = MIN_HEIGHT + len(above) + len(below_axes)
        raise UsageError(f"the map needs at least {needed} rows, not {height}")
    columns, rows = width - 2, frame_height - 2
    points = result.points
    margin = min(max(len(p.word) for p in points) + 1, columns // 3)
    cells = to_cells([p.x for p in points], [p.y for p in points], columns - margin, rows)
    spots = layout_labels(cells, [p.word for p in points], columns, rows)

    figure = blank_figure(width, frame_height, columns, rows)
    for index in range(len(result.clustering.clusters)):
        mine = [cell for cell, point in zip(cells, points, strict=True) if point.cluster == index]
        if mine:
            marker = plt.marker(_glyph(index), _colour(index) if colour else None)
            figure.draw(figure.signal([c for c, _ in mine], [rows - 1 - r for _, r in mine],
                                      marker=marker))
    for spot, point in zip(spots, points, strict=True):
        if spot is not None:
            text = plt.colorize(point.word, _colour(point.cluster)) if colour else point.word
            figure.draw(figure.text(spot[0], rows - 1 - spot[1], text))
    plot = figure.build().string(colorless=not colour).rstrip("\n")
    hidden = sum(spot is None for spot in spots)
    tail = [*_legend(result, width), *textwrap.wrap(trust_summary(result), width)]
    if hidden:
        unnamed = [f"{_glyph(p.cluster)}{p.word}" for spot, p in zip(spots, points, strict=True)
                   if spot is None]
        which = f" ({' '.join(unnamed)})" if hidden <= HIDDEN_LISTED else ""
        tail += textwrap.wrap(f"{hidden} of {len(points)} labels hidden to avoid overlap{which}; "
                              "a larger --width/--height or --html shows them", width)
    return "\n".join([*above, plot, *below_axes, *tail]) + "\n"


def _above(result: MapResult) -> list[str]:
    lines = [map_title(result)]
    if result.y_axis.high:
        lines.append(f"↑ {result.y_axis.high}")
    return lines


def _below(result: MapResult, width: int) -> list[str]:
    lines = []
    if result.y_axis.low:
        lines.append(f"↓ {result.y_axis.low}")
    if result.x_axis.low and result.x_axis.high:
        high = f"{result.x_axis.high} →"
        lines.append(f"← {result.x_axis.low}".ljust(width - len(high)) + high)
    lines.append(f"x: {axis_name(result.x_axis)}   y: {axis_name(result.y_axis)}")
    return lines


def _legend(result: MapResult, width: int) -> list[str]:
    """``glyph label (size)`` per cluster, wrapped between entries, never inside one."""
    lines = ["Clusters:"]
    for index, cluster in enumerate(result.clustering.clusters):
        entry = f"{_glyph(index)} {cluster.label} ({len(cluster.members)})"
        if len(lines[-1]) + 3 + len(entry) > width:
            lines.append(" ")
        lines[-1] += "   " + entry if len(lines[-1]) > 1 else entry
    return lines


def _glyph(index: int) -> str:
    return GLYPHS[index % len(GLYPHS)]


def _colour(index: int) -> str:
    return COLOURS[index % len(COLOURS)]

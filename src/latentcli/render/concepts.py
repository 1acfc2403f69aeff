"""`latent probe`'s curve down the blocks, and `latent trace`'s paths: a terminal plot (plotext,
as the map's) and the map's HTML page with the paths drawn as lines."""

from __future__ import annotations

import textwrap
from itertools import pairwise
from typing import Any

from rich.console import Console
from rich.text import Text

from latentcli.errors import UsageError, clip
from latentcli.render.bars import bar
from latentcli.render.htmlmap import page
from latentcli.render.maplayout import GLYPHS, layout_labels, to_cells
from latentcli.render.tables import bar_column, emit, plain_table
from latentcli.results.concepts import Parting, Probe, Trace

MIN_FRAME = 10  # rows of the plot itself
LABEL_EVERY = 5  # after the ends and where paths part, every fifth block is numbered first


def probe_view(console: Console, result: Probe) -> None:
    """Block by block: the held-out accuracy of logistic regression and of the mean-difference
    direction alone, as numbers and bars; the best block marked and read out."""
    table = plain_table("block>", "regression>", bar_column(), "direction>", bar_column(), "")
    for row in result.layers:
        table.add_row(str(row.layer), f"{row.accuracy:.2f}", bar(row.accuracy, width=16),
                      f"{row.direction_accuracy:.2f}", bar(row.direction_accuracy, width=16),
                      "◀ best" if row.layer == result.best_layer else "")
    a, b = (clip(name, 40) for name in result.names)
    (size_a, size_b), best = result.sizes, result.layers[result.best_layer]
    chance = max(result.sizes) / sum(result.sizes)
    captions = [Text(
        f"Best block {best.layer}: {best.accuracy:.2f} of the texts judged right by logistic "
        f"regression, {best.direction_accuracy:.2f} by the mean-difference direction alone "
        f"(chance {chance:.2f}). Each text is judged by a fit on the other "
        f"{result.folds - 1} of {result.folds} folds; block L reads the residual entering it, "
        "as generate --layer L steers it.")]
    if result.saved is not None:
        captions.append(Text(f"Saved every block's direction ({a} minus {b}) to {result.saved}, to "
                             f"steer at block {result.saved_layer}."))
    emit(console, f"Probe of {result.model}: {a} ({size_a}) vs {b} ({size_b}), the last "
                  "position's residual at each block", table, captions)


def trace_plot(result: Trace, width: int, height: int, colour: bool, grow: bool = False) -> str:
    """The paths as text: title, the plot (each prompt's glyph at every block, joined by dots, its
    block numbers where they fit), axes, legend and where the paths part. ``grow``: the height
    was not asked for, so captions that leave too little room make the page taller rather than
    refuse (a 24-line terminal, or output piped)."""
    import plotext as plt

    from latentcli.render.plots import blank_figure

    above = [f"Trace through {result.model}: the last position after each block, on one PCA "
             "plane"]
    below = [f"x: PC1 ({result.axes[0]:.1%} of variance)   y: PC2 ({result.axes[1]:.1%})",
             *_legend(result, width),
             *textwrap.wrap(_kept(result), width),
             *(line for sentence in partings(result) for line in textwrap.wrap(sentence, width))]
    frame = height - len(above) - len(below)
    if frame < MIN_FRAME and grow:
        frame = MIN_FRAME
    elif frame < MIN_FRAME:
        raise UsageError(f"the trace needs at least {MIN_FRAME + len(above) + len(below)} rows, "
                         f"not {height}")
    columns, rows = width - 2, frame - 2
    points = [(index, point) for index, path in enumerate(result.prompts)
              for point in path.points]
    cells = to_cells([p.x for _, p in points], [p.y for _, p in points], columns - 3, rows)
    order = _label_order(result)
    spots = layout_labels([cells[i] for i in order], [str(points[i][1].layer) for i in order],
                          columns, rows)

    figure = blank_figure(width, frame, columns, rows)
    for index in range(len(result.prompts)):
        mine = [cell for cell, (owner, _) in zip(cells, points, strict=True) if owner == index]
        dots = plt.marker("·", _colour(index) if colour else None)
        for (x0, y0), (x1, y1) in pairwise(mine):
            figure.draw(figure.segment([x0, x1], [rows - 1 - y0, rows - 1 - y1], marker=dots))
        glyph = plt.marker(_glyph(index), _colour(index) if colour else None)
        figure.draw(figure.signal([c for c, _ in mine], [rows - 1 - r for _, r in mine],
                                  marker=glyph))
    for spot, i in zip(spots, order, strict=True):
        if spot is not None:
            text = str(points[i][1].layer)
            owner = points[i][0]
            figure.draw(figure.text(spot[0], rows - 1 - spot[1],
                                    plt.colorize(text, _colour(owner)) if colour else text))
    plot = figure.build().string(colorless=not colour).rstrip("\n")
    return "\n".join([*above, plot, *below]) + "\n"


def _label_order(result: Trace) -> list[int]:
    """The points (flat indices) in the order their block numbers are placed: each path's ends,
    then where each path parts from the first, then every fifth block, then the rest."""
    steps = len(result.prompts[0].points)
    first = [(i, 0) for i in range(len(result.prompts))] + [
        (i, steps - 1) for i in range(len(result.prompts))]
    first += [(p.prompt, p.block + 1) for p in result.partings if p.block is not None]
    first += [(i, layer) for layer in range(0, steps, LABEL_EVERY)
              for i in range(len(result.prompts))]
    first += [(i, layer) for layer in range(steps) for i in range(len(result.prompts))]
    return list(dict.fromkeys(i * steps + layer for i, layer in first))


def _legend(result: Trace, width: int) -> list[str]:
    return [textwrap.shorten(f"{_glyph(index)} {path.prompt}", width, placeholder="…")
            for index, path in enumerate(result.prompts)]


def _kept(result: Trace) -> str:
    states = sum(len(path.points) for path in result.prompts)
    return (f"The plane keeps {result.explained:.0%} of the variance of these {states} states "
            f"(PCA over every state drawn); where paths part is measured in all "
            "of the stream's dimensions, not on the plane.")


def partings(result: Trace) -> list[str]:
    """Where each prompt's path parts most from the first prompt's, one sentence each."""
    first = clip(result.prompts[0].prompt, 40)
    return [_parting(first, clip(result.prompts[p.prompt].prompt, 40), p)
            for p in result.partings]


def _parting(first: str, other: str, parting: Parting) -> str:
    distances = parting.distances
    if parting.block is None:
        if max(distances) == 0:
            return f"'{first}' and '{other}' never part: their last positions are the same."
        return (f"'{first}' and '{other}' start apart (distance {distances[0]:.2f}: their last "
                "tokens differ) and no block moves them further apart.")
    block = parting.block
    start = (f"; they start apart, their last tokens differing ({distances[0]:.2f})"
             if distances[0] > 0 else "")
    return (f"'{first}' and '{other}' part most in block {block}: the distance between their "
            f"last positions, over their length, grows from {distances[block]:.2f} to "
            f"{distances[block + 1]:.2f} there (largest: {max(distances):.2f}){start}.")


def trace_html(result: Trace) -> str:
    """The map's page, drawing the paths: a point per block (labelled with its number), a line
    per prompt, the prompts as the legend (a click shows one alone)."""
    steps = len(result.prompts[0].points)
    data: dict[str, Any] = {
        "points": [{"word": f"{clip(path.prompt, 40)} · block {point.layer}",
                    "label": str(point.layer), "x": point.x, "y": point.y, "cluster": index}
                   for index, path in enumerate(result.prompts) for point in path.points],
        "clusters": [{"label": path.prompt, "size": len(path.points)}
                     for path in result.prompts],
        "paths": [list(range(index * steps, (index + 1) * steps))
                  for index in range(len(result.prompts))],
    }
    return page(data, f"Trace of {len(result.prompts)} prompt"
                      f"{'s' * (len(result.prompts) > 1)} through {result.model}",
                f"x: PC1 ({result.axes[0]:.1%} of variance) · y: PC2 ({result.axes[1]:.1%})",
                " ".join([_kept(result), *partings(result)]),
                "Each point is a prompt's last position after that many blocks. Hover a point "
                "for its prompt; click a prompt to show its path alone. Scroll to zoom, drag to "
                "pan.", legend="Prompts", pick="")


def _glyph(index: int) -> str:
    return GLYPHS[index % len(GLYPHS)]


def _colour(index: int) -> str:
    from latentcli.render.plots import COLOURS

    return COLOURS[index % len(COLOURS)]

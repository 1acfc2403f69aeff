"""The map as a scatter of words on a grid of terminal cells: where each point falls and where its
label fits.

Shared by the terminal map (`plots`) and `latent explore`'s map panel, and free of plotext (a slow
import), so the explorer's first frame does not wait for it. Labels are placed
greedily in order of importance (the result's point order), always just right of their point
(``■word``), so which point a word names is never in doubt: a label may not cover a point or touch
another label, and one that does not fit there is left out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

GLYPHS = "•▲■◆★✚●▼○◇"
FREE, POINT, LABEL = 0, 1, 2

Cell = tuple[int, int]  # (column, row), row 0 at the top


def to_cells(xs: Sequence[float], ys: Sequence[float], columns: int, rows: int) -> list[Cell]:
    """Scale coordinates onto a ``columns`` x ``rows`` grid (a flat range lands in the middle)."""
    def scale(values: Sequence[float], size: int) -> list[int]:
        array = np.asarray(values, dtype=np.float64)
        span = float(array.max() - array.min())
        if span == 0.0:
            return [size // 2] * len(array)
        return [int(cell) for cell in np.rint((array - array.min()) / span * (size - 1))]

    return [(column, rows - 1 - row)
            for column, row in zip(scale(xs, columns), scale(ys, rows), strict=True)]


def layout_labels(cells: Sequence[Cell], labels: Sequence[str], columns: int,
                  rows: int) -> list[Cell | None]:
    """Where each label starts (the cell after its point), or None when it does not fit there;
    earlier labels win."""
    grid = np.full((rows, columns), FREE, dtype=np.int8)
    for column, row in cells:
        grid[row, column] = POINT
    placed: list[Cell | None] = []
    for (column, row), label in zip(cells, labels, strict=True):
        size = len(label)
        spot = (column + 1, row) if _fits(grid, (column + 1, row), size) else None
        if spot is not None:
            grid[spot[1], spot[0]: spot[0] + size] = LABEL
        placed.append(spot)
    return placed


def _fits(grid: npt.NDArray[np.int8], start: Cell, size: int) -> bool:
    column, row = start
    rows, columns = grid.shape
    if not (0 <= row < rows and column >= 0 and column + size <= columns):
        return False
    if np.any(grid[row, column: column + size] != FREE):
        return False
    before = column > 0 and grid[row, column - 1] == LABEL
    after = column + size < columns and grid[row, column + size] == LABEL
    return not (before or after)

"""How every table reaches the terminal: one plain style, bar columns that give way on a narrow
terminal, long tables written without rich's layout, and `emit` (title, table, captions).

Every renderer prints its tables through `emit`, so what a narrow terminal or a table of 20,000
rows needs is decided here once and holds for every command.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from latentcli.render.wrap import fold

PLAIN_ABOVE = 200  # rows; rich's layout costs time per row, so long tables go plain
SHORT_TEXT = 50  # characters of a text shown in a table cell


def plain_table(*columns: str | Column, header: bool = True, expand: bool = False) -> Table:
    """A table without box or edge padding. A heading ending in ``>`` marks a right-aligned
    (numeric) column; a `Column` (such as `bar_column`) is taken as it is."""
    return Table(*(column if isinstance(column, Column) else _column(column) for column in columns),
                 box=None, pad_edge=False, show_header=header, expand=expand)


def _column(heading: str) -> Column:
    right = heading.endswith(">")
    return Column(heading.removesuffix(">"), justify="right" if right else "left")


def bar_column(style: str = "") -> Column:
    """A column of bars: headed by nothing, never wrapped, and the first to go when a table does
    not fit the terminal (a bar only repeats the number beside it)."""
    return Column("", style=style, no_wrap=True)


def _is_bar(column: Column) -> bool:
    return column.header == "" and column.no_wrap


def emit(console: Console, title: str | None, table: Table,
         captions: Iterable[str | Text | None] = ()) -> None:
    """A bold title (if any), the table (see `_show`), then its captions: a string is printed
    dim, a `Text` as it is styled, and None (a caption with nothing to say) not at all. Titles
    and captions are folded to the terminal by `render.wrap.fold` (a phrase kept whole stays on
    one line), but for a `Text` styled in parts, which rich folds."""
    if title is not None:
        console.print(Text(fold(title, console.width), style="bold"))
    _show(console, table)
    for caption in captions:
        if isinstance(caption, Text) and not caption.spans:
            caption = Text(fold(caption.plain, console.width), style=caption.style)
        if caption is not None:
            console.print(caption if isinstance(caption, Text) else
                          Text(fold(caption, console.width), style="dim"))


def _show(console: Console, table: Table) -> None:
    """Print ``table`` so that it fits and stays fast: on a narrow terminal the bar columns go
    first, so words are never squeezed out; a long table is written as plain aligned columns, in
    time linear in its rows, one line a row (rich wraps only the tables it lays out)."""
    texts = [[*([str(column.header)] if table.show_header else []),
              *(cell.plain if isinstance(cell, Text) else str(cell) for cell in column.cells)]
             for column in table.columns]
    widths = [max(map(len, cells), default=0) for cells in texts]
    if sum(widths) + 2 * (len(widths) - 1) > console.width:
        keep = [index for index, column in enumerate(table.columns) if not _is_bar(column)]
        table.columns = [table.columns[index] for index in keep]
        texts, widths = [texts[index] for index in keep], [widths[index] for index in keep]
    if table.row_count <= PLAIN_ABOVE:
        console.print(table)
        return
    right = [column.justify == "right" for column in table.columns]
    lines = ("  ".join(cell.rjust(width) if is_right else cell.ljust(width)
                       for cell, width, is_right in zip(row, widths, right, strict=True)).rstrip()
             for row in zip(*texts, strict=True))
    console.file.write("\n".join(lines) + "\n")


def shorten(text: str, width: int = SHORT_TEXT) -> str:
    """``text`` on one line, cut to ``width`` characters with … when longer (tables only: JSON and
    HTML keep the whole text)."""
    flat = " ".join(text.split()) if any(ch in text for ch in "\n\r\t") else text
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"

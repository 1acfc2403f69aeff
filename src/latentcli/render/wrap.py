"""Text folded to the terminal's width by latent itself, never inside a phrase kept whole.

A quoted prompt, an equation, "corrupt -8.70" or a `backticked command` read wrongly when a line
ends inside them, and a lone last word reads as a stray. Rich breaks lines at any
space, so prose that must not be split is folded here first, into lines that already fit, and
rich prints them as they are. A phrase is kept whole by joining its words with no-break spaces
(`whole`); every text a renderer gets has had its own no-break spaces escaped (`render.escape`),
so the only ones left are these. A phrase longer than a line is broken between its words like the
rest: a number or a name cut inside reads as another.
"""

from __future__ import annotations

import re
import textwrap

KEEP = "\N{NO-BREAK SPACE}"  # textwrap breaks only at ASCII whitespace
# a quoted token that begins with a space (' Paris'): its quote is never left at a line's end
SPACED_TOKEN = re.compile(r"(^|[\s(\[])' (?=\S+?')")
COMMAND = re.compile(r"`[^`\n]+`")  # a command to type, kept whole when it fits on a line
PHRASE = re.compile(rf"[^ \t\n]*{KEEP}[^ \t\n]*")  # a run of words joined by no-break spaces
# the fewest words (or whole phrases) a paragraph's last line is left with: each word moved down
# ends the line above early, which reads as a flaw too, so only a lone last word gets company
COMPANY = 2


def whole(text: str) -> str:
    """``text`` as one unit for `fold`: a line may end before or after it, never inside it."""
    return text.replace(" ", KEEP)


def fold(text: str, width: int, indent: str = "") -> str:
    """``text`` in lines of at most ``width`` characters, broken between words (never at a
    hyphen, never inside a `whole` phrase unless it is longer than a line: then between its
    words), each line of the text folded on its own; ``indent`` starts every line after a
    line's first. A `backticked` command is kept whole the same way, and a paragraph never ends
    in fewer than `COMPANY` words on its line when the line above can give them company."""
    lines: list[str] = []
    room = max(width - len(indent), 1)  # a phrase fits on any line, the indented ones too
    text = COMMAND.sub(lambda found: whole(found[0]), SPACED_TOKEN.sub(rf"\1'{KEEP}", text))
    text = PHRASE.sub(lambda found: found[0] if len(found[0]) <= room else found[0].replace(
        KEEP, " "), text)
    for line in text.split("\n"):
        lines += _company(textwrap.wrap(line, width, break_on_hyphens=False,
                                        subsequent_indent=indent) or [""], width, indent)
    return "\n".join(lines).replace(KEEP, " ")


def _company(lines: list[str], width: int, indent: str) -> list[str]:
    """``lines`` with the last words (or `whole` phrases) of the line before the last moved down,
    one at a time while the last line has fewer than `COMPANY` words, the line before keeps two
    or more and the last line has room."""
    while len(lines) > 1 and len([word for word in lines[-1].split(" ") if word]) < COMPANY:
        kept, _, moved = lines[-2].rstrip().rpartition(" ")
        last = f"{indent}{moved} {lines[-1][len(indent):]}"
        if " " not in kept.strip() or len(last) > width:
            break
        lines = [*lines[:-2], kept, last]
    return lines

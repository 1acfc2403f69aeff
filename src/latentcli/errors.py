"""Domain errors raised by the core and translated once, by the CLI, into one line on stderr.

Exit codes (docs/design.md): 1 for bad input or data, 2 for bad usage.
"""

from __future__ import annotations

ECHOED = 80  # characters of a user's text repeated back in a message, a note or a title


def clip(text: str, limit: int = ECHOED) -> str:
    """``text`` cut to ``limit`` characters, ending in …, so that a 100 KB query is repeated back
    to its user as its start, not in full."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class LatentError(Exception):
    """Base of every error a user can cause; its message is the whole story."""

    exit_code = 1


class UsageError(LatentError):
    """The command line asks for something that makes no sense (`-n 0`, an empty expression)."""

    exit_code = 2


class ArgumentError(UsageError, TypeError):
    """A Python API argument of the wrong type (``None`` for a word, ``"3"`` for a count, one
    ``str`` where a list of words belongs); a `TypeError` too, as Python's own would be."""


class UnknownWordError(LatentError):
    """A word the model does not have; carries close matches so the user can retry."""

    def __init__(self, word: str, model: str, suggestions: list[str]) -> None:
        self.word = word
        self.model = model
        self.suggestions = suggestions
        hint = f" — did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown word {clip(word)!r} in {model}{hint}")


class ParameterError(UsageError):
    """A value one parameter cannot take, named as the caller knows it: the Python parameter
    (``max_tokens``) in the API; a command says its flag for it instead (``--max-tokens``:
    `cli.grammar.Command.call` renames it)."""

    def __init__(self, option: str, problem: str) -> None:
        self.option = option
        self.problem = problem
        super().__init__(f"{option} {problem}")

    def named(self, option: str) -> ParameterError:
        """The same error, naming the parameter ``option``."""
        return type(self)(option, self.problem)


class RangeError(ParameterError):
    """A number out of its range."""


class CountError(RangeError):
    """A count out of its range (``top=0``, ``-n 0``)."""


class ExpressionError(UsageError):
    """An expression that does not parse; says where, so the user can see the mistake."""

    def __init__(self, message: str, text: str, position: int) -> None:
        self.text = text
        self.position = position
        where = f" at position {position + 1} in {clip(text)!r}" if text.strip() else ""
        super().__init__(message + where)


class ModelError(LatentError):
    """A model that cannot be found, opened or built."""


class BadVectorFile(LatentError):
    """A vector file that cannot be read; names the file and where: a line, a table's row or a
    byte offset."""

    def __init__(self, path: object, problem: str, *, line: int | None = None,
                 offset: int | None = None, row: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.offset = offset
        where = (f", line {line}" if line is not None else f", row {row}" if row is not None
                 else f", byte offset {offset}" if offset is not None else "")
        super().__init__(f"{self.path}{where}: {problem}")


class MissingExtra(LatentError):
    """A feature needs an optional dependency that is not installed; says how to install it."""

    def __init__(self, feature: str, extra: str, module: str) -> None:
        self.extra = extra
        super().__init__(f"{feature} needs the optional extra '{extra}' (module {module!r} is not "
                         f"installed): pip install 'latentcli[{extra}]'")


class BenchmarkFileError(LatentError):
    """A benchmark file (analogy questions, word pairs) that cannot be used; says which line."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {message}")

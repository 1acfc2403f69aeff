"""The command line: the executable's fast path, the Typer app, and one module per command family.

Importing this package costs nothing: Typer is imported only by `app` and `commands`, which the
fast path (`fastpath`: plain ``neighbors``, ``analogy`` and ``embed`` command lines) never touches.
"""

"""Renderers: each takes a result, never a model. Only these modules and the explorer import rich,
and only these plotext; every table goes out through `tables.emit`."""

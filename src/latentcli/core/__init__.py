"""The core: a `Space` of words and unit vectors, and the queries every front door asks of it.

Nothing here prints, parses command lines or knows where a model came from.
"""

"""Renderers: the only modules that import rich or plotext. Each takes a result, never a model."""

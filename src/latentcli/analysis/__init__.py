"""Analyses over a `Space`: pure functions returning dataclasses; heavy imports stay inside."""

"""Analyses over a `Space`: pure functions returning result dataclasses, heavy imports inside."""

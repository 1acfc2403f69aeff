"""Analyses over a `Space`: pure functions returning dataclasses; heavy libraries imported inside."""

"""The suite's own machinery: every run of a property test tries the same examples."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SEARCHING = bool(os.environ.get("LATENT_FUZZ_EXAMPLES"))


def test_property_tests_run_derandomised_and_without_time_limits():
    """conftest.py's profile is loaded: no deadline or too_slow check to trip on a loaded
    machine, and random examples only when LATENT_FUZZ_EXAMPLES asks for a search by hand."""
    loaded = settings.default
    assert loaded.derandomize is not SEARCHING
    assert loaded.deadline is None
    assert HealthCheck.too_slow in loaded.suppress_health_check


def test_the_profile_tries_the_same_examples_on_every_run():
    def tried() -> list[str]:
        seen: list[str] = []

        @settings(settings.get_profile("latent"), max_examples=40)
        @given(st.text())
        def record(text: str) -> None:
            seen.append(text)

        record()
        return seen

    first = tried()
    assert len(set(first)) > 20  # real examples, not one repeated
    assert tried() == first

"""One bar function for every command: zero-based, the sign readable without colour."""

from latentcli.render.bars import AXIS, bar, bars, heat_strip


def test_bars_start_at_zero_and_scale_with_the_value():
    assert bar(0.0) == ""
    assert bar(0.5, 20) == "█" * 10
    assert bar(1.0, 20) == bar(3.0, 20) == "█" * 20  # clipped at full
    assert len(bar(0.25, 20)) == 5


def test_a_column_with_negatives_grows_both_ways_from_one_axis():
    drawn = bars([0.5, -0.25, 0.0], 20)
    axis_at = {line.index(AXIS) for line in drawn}
    assert axis_at == {5}  # room on the left for the most negative value only
    assert drawn[0] == " " * 5 + AXIS + "█" * 10
    assert drawn[1] == "█" * 5 + AXIS
    assert drawn[2] == " " * 5 + AXIS


def test_a_negative_bar_is_as_long_as_the_positive_bar_of_the_same_size():
    minus, plus = bars([-0.3, 0.3], 20)
    assert minus.strip(" " + AXIS) == plus.strip(" " + AXIS) == "█" * 6


def test_the_heat_strip_carries_the_sign_by_row_without_colour():
    upper, lower = heat_strip([0.9, -0.9, 0.1, -0.1], colour=False)
    assert upper.plain == "█ ▁ " and lower.plain == " █ ▔"
    assert not upper.spans and not lower.spans

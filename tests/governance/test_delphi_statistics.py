"""Delphi statistics against hand-computed examples: medians, quartiles, the shares at each end
of the scale, the 30th/70th percentiles and the IPRAS of the RAND/UCLA manual."""

from __future__ import annotations

import pytest

from commontable.governance.delphi import describe, ipras
from commontable.governance.delphi.statistics import asymmetry_index, percentile

# The worked example of BMJ Open 2012;2:e001431, Table 1: 15 panellists rated one criterion
# 4, 5, 6, 7 (x5), 8 (x5), 9 (x2).
BMJ_EXAMPLE = [4, 5, 6, *[7] * 5, *[8] * 5, 9, 9]


def test_the_worked_rand_ucla_example_has_median_7_and_ipras_6_1() -> None:
    stats = describe(BMJ_EXAMPLE)
    assert (stats.n, stats.median) == (15, 7.0)
    assert (stats.p30, stats.p70, stats.ipr) == (7.0, 8.0, 1.0)
    assert stats.ipras == pytest.approx(6.1)
    assert stats.disagreement is False


def test_ipras_is_2_35_plus_1_5_times_the_asymmetry_index() -> None:
    # P30 7 and P70 8: the centre 7.5 is 2.5 from the scale's centre 5.
    assert asymmetry_index(7, 8) == 2.5
    assert ipras(7, 8) == pytest.approx(2.35 + 1.5 * 2.5)
    assert ipras(3, 7) == pytest.approx(2.35)  # symmetric about 5: no adjustment
    assert ipras(1, 3) == pytest.approx(2.35 + 1.5 * 3)


def test_percentiles_interpolate_between_the_sorted_ratings() -> None:
    # Nine ratings 1..9: P30 sits at position 0.3 × 8 = 2.4, between 3 and 4.
    assert percentile(range(1, 10), 30) == pytest.approx(3.4)
    assert percentile(range(1, 10), 70) == pytest.approx(6.6)


def test_quartiles_and_median_of_an_even_number_of_ratings() -> None:
    stats = describe([2, 4, 6, 8])
    assert stats.median == 5.0  # halfway between 4 and 6
    assert (stats.q1, stats.q3) == (3.5, 6.5)  # positions 0.75 and 2.25
    assert stats.iqr == 3.0


def test_shares_count_ratings_7_to_9_and_1_to_3() -> None:
    stats = describe([1, 2, 3, 4, 5, 6, 7, 8, 9, 9])
    assert stats.share_high == pytest.approx(0.4)
    assert stats.share_low == pytest.approx(0.3)


def test_the_distribution_counts_each_point_of_the_scale() -> None:
    assert describe(BMJ_EXAMPLE).distribution == (0, 0, 0, 1, 1, 1, 5, 5, 2)


def test_a_panel_split_between_the_ends_disagrees() -> None:
    stats = describe([1, 1, 1, 1, 9, 9, 9, 9, 9, 9])
    assert (stats.p30, stats.p70) == (1.0, 9.0)
    assert stats.ipr == 8.0
    assert stats.ipras == pytest.approx(2.35)  # the range is centred on 5: no asymmetry
    assert stats.disagreement is True


def test_a_symmetric_spread_wider_than_2_35_disagrees() -> None:
    stats = describe(range(1, 10))  # IPR 3.4 to 6.6 is 3.2
    assert stats.ipr == pytest.approx(3.2)
    assert stats.disagreement is True


def test_ratings_outside_1_to_9_are_refused() -> None:
    with pytest.raises(ValueError, match="from 1 to 9"):
        describe([0, 5])
    with pytest.raises(ValueError, match="no ratings"):
        describe([])

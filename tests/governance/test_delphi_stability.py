"""Stability between rounds, the stopping rule and attrition per round."""

from __future__ import annotations

import pandas as pd
import pytest

from commontable.governance.delphi.attrition import attrition
from commontable.governance.delphi.stability import (
    distribution_change,
    paired_shift_p,
    stability,
    stopping_decision,
)


def test_distribution_change_is_the_net_share_of_ratings_that_moved() -> None:
    # Four 5s become two 5s and two 6s: half the ratings moved.
    assert distribution_change([5, 5, 5, 5], [5, 5, 6, 6]) == pytest.approx(0.5)
    assert distribution_change([1, 9], [9, 1]) == 0.0  # swapped, but the same distribution


def test_a_change_under_fifteen_percent_is_stable() -> None:
    before = {str(p): 8 for p in range(10)}
    after = {**before, "0": 9}  # one of ten moved: 10%
    moved = stability(before, after)
    assert moved.change == pytest.approx(0.1)
    assert moved.stable is True
    assert moved.paired == 10


def test_the_wilcoxon_p_value_is_one_when_nobody_moved() -> None:
    assert paired_shift_p({"a": 5, "b": 6}, {"a": 5, "b": 6}) == 1.0
    assert paired_shift_p({"a": 5}, {"b": 6}) is None  # nobody rated in both rounds


def test_a_panel_that_moves_together_shifts_significantly() -> None:
    before = {str(p): 4 for p in range(10)}
    after = {str(p): 7 + p % 2 for p in range(10)}
    p_value = paired_shift_p(before, after)
    assert p_value is not None
    assert p_value < 0.01


def test_the_study_stops_when_every_item_reached_consensus() -> None:
    decision = stopping_decision(1, undecided=0, unstable=0, items=5, max_rounds=3)
    assert decision.stop
    assert "every item reached consensus" in decision.reason


def test_the_study_stops_when_the_undecided_items_are_stable() -> None:
    decision = stopping_decision(2, undecided=2, unstable=0, items=5, max_rounds=3)
    assert decision.stop
    assert "stable" in decision.reason


def test_the_study_stops_at_the_maximum_number_of_rounds() -> None:
    decision = stopping_decision(3, undecided=2, unstable=1, items=5, max_rounds=3)
    assert decision.stop
    assert "last of 3 rounds" in decision.reason


def test_the_study_goes_on_while_undecided_items_still_move() -> None:
    assert not stopping_decision(1, undecided=2, unstable=2, items=5, max_rounds=3).stop
    assert not stopping_decision(2, undecided=2, unstable=1, items=5, max_rounds=3).stop


def test_attrition_counts_who_answered_each_round() -> None:
    ratings = pd.DataFrame(
        {
            "round": [1, 1, 1, 1, 2, 2, 2, 3],
            "panelist": ["a", "b", "c", "d", "a", "b", "c", "a"],
            "rating": [5] * 8,
        }
    )
    table = attrition(ratings, panel_size=5)
    assert table["responded"].tolist() == [4, 3, 1]
    assert table["response_rate"].tolist() == [0.8, 0.6, 0.2]
    assert table["dropped"].tolist() == [0, 1, 2]
    assert attrition(ratings)["panel"].tolist() == [4, 4, 4]  # the first round's panelists

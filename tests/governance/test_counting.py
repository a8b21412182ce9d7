"""Counting polls: instant runoff against the worked example, plurality, scores, meeting times."""

from __future__ import annotations

from commontable.governance.decisions.counting import (
    count_choices,
    count_proposal,
    instant_runoff,
    meeting_time_totals,
    total_scores,
)

MEMPHIS, NASHVILLE, CHATTANOOGA, KNOXVILLE = "Memphis", "Nashville", "Chattanooga", "Knoxville"
CITIES = [MEMPHIS, NASHVILLE, CHATTANOOGA, KNOXVILLE]
# The worked example of instant-runoff voting (Wikipedia, "Instant-runoff voting": Tennessee's
# capital): 100 voters, each ranking the four cities by how close they live to them.
TENNESSEE = (
    [[MEMPHIS, NASHVILLE, CHATTANOOGA, KNOXVILLE]] * 42
    + [[NASHVILLE, CHATTANOOGA, KNOXVILLE, MEMPHIS]] * 26
    + [[CHATTANOOGA, KNOXVILLE, NASHVILLE, MEMPHIS]] * 15
    + [[KNOXVILLE, CHATTANOOGA, NASHVILLE, MEMPHIS]] * 17
)


def test_instant_runoff_elects_knoxville_in_the_tennessee_example() -> None:
    runoff = instant_runoff(TENNESSEE, CITIES)
    assert runoff.rounds == [
        {MEMPHIS: 42, NASHVILLE: 26, CHATTANOOGA: 15, KNOXVILLE: 17},
        {MEMPHIS: 42, NASHVILLE: 26, KNOXVILLE: 32},  # Chattanooga's voters go to Knoxville
        {MEMPHIS: 42, KNOXVILLE: 58},  # so do Nashville's, Chattanooga being out
    ]
    assert runoff.eliminated == [CHATTANOOGA, NASHVILLE]
    assert runoff.winner == KNOXVILLE


def test_a_first_round_majority_wins_at_once() -> None:
    runoff = instant_runoff([["a"], ["a", "b"], ["b"]], ["a", "b"])
    assert runoff.winner == "a"
    assert len(runoff.rounds) == 1


def test_ballots_with_no_option_left_are_exhausted_and_no_longer_count() -> None:
    ballots = [["a"], ["a"], ["b"], ["b"], ["c"]]  # c's voter ranked nobody else
    runoff = instant_runoff(ballots, ["a", "b", "c"])
    assert runoff.exhausted == [0, 1]
    assert runoff.rounds[-1] == {"a": 2, "b": 2}
    assert runoff.winner is None  # a tie between the last two


def test_a_tie_for_fewest_eliminates_the_option_with_fewer_votes_the_round_before() -> None:
    ballots = [["a"]] * 4 + [["b"]] * 3 + [["c", "b"]] * 2 + [["d", "c"]] * 1
    runoff = instant_runoff(ballots, ["a", "b", "c", "d"])
    # Round 1: a 4, b 3, c 2, d 1 -> d out; round 2: a 4, b 3, c 3 -> c had fewer before.
    assert runoff.eliminated == ["d", "c"]
    assert runoff.winner == "b"  # 5 of the 9 ballots still in the count (d-c is exhausted)


def test_proposal_positions_are_counted() -> None:
    count = count_proposal(["yes", "yes", "no", "abstain", "block"])
    assert (count.yes, count.no, count.abstain, count.block, count.voted) == (2, 1, 1, 1, 5)
    assert count.yes_share == 2 / 3


def test_choose_one_counts_every_option() -> None:
    assert count_choices(["x", "x", "z"], ["x", "y", "z"]) == {"x": 2, "y": 0, "z": 1}


def test_scores_add_up_with_unscored_options_at_zero() -> None:
    totals = total_scores([{"x": 5, "y": 1}, {"x": 2}], ["x", "y", "z"])
    assert totals == {"x": 7, "y": 1, "z": 0}


def test_meeting_times_count_who_can_come_and_who_said_yes() -> None:
    totals = meeting_time_totals([{"mon": 2, "tue": 1}, {"mon": 0, "tue": 2}], ["mon", "tue"])
    assert totals == {"mon": (1, 1), "tue": (2, 1)}

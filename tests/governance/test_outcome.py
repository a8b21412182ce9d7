"""Outcomes: quorum as a share of member organizations, the pass threshold, blocks, and polls."""

from __future__ import annotations

from commontable.governance.decisions import Ballot, MotionKind, Rules, decide
from commontable.governance.decisions.outcome import quorum_needed

PROPOSAL = MotionKind.PROPOSAL
HALF = Rules()  # quorum half the members; passes with more than half yes


def votes(*positions: str) -> list[Ballot]:
    return [Ballot(position) for position in positions]


def test_quorum_rounds_up_to_whole_organizations() -> None:
    assert quorum_needed(5, 0.5) == 3
    assert quorum_needed(4, 0.5) == 2
    assert quorum_needed(10, 2 / 3) == 7


def test_too_few_organizations_voting_means_no_quorum() -> None:
    outcome = decide(PROPOSAL, votes("yes", "yes"), [], eligible=5, rules=HALF)
    assert not outcome.quorum_met
    assert outcome.passed is False
    assert outcome.summary == "no quorum: 2 of 5 member organizations voted, 3 needed"


def test_abstentions_count_towards_quorum_but_not_the_threshold() -> None:
    outcome = decide(PROPOSAL, votes("yes", "abstain", "abstain"), [], eligible=5, rules=HALF)
    assert outcome.quorum_met
    assert outcome.passed is True  # 1 yes of 1 yes-or-no
    assert outcome.summary.startswith("passed with 100% yes: 1 yes, 0 no, 2 abstain, 0 block")


def test_an_even_split_does_not_pass_a_more_than_half_threshold() -> None:
    outcome = decide(PROPOSAL, votes("yes", "yes", "no", "no"), [], eligible=4, rules=HALF)
    assert outcome.passed is False


def test_an_inclusive_two_thirds_threshold_passes_at_exactly_two_thirds() -> None:
    two_thirds = Rules(quorum=0.5, pass_threshold=2 / 3, threshold_inclusive=True)
    ballots = votes("yes", "yes", "no")
    assert decide(PROPOSAL, ballots, [], eligible=3, rules=two_thirds).passed is True
    strictly = Rules(quorum=0.5, pass_threshold=2 / 3, threshold_inclusive=False)
    assert decide(PROPOSAL, ballots, [], eligible=3, rules=strictly).passed is False


def test_a_higher_quorum_needs_more_organizations() -> None:
    strict = Rules(quorum=0.75)
    assert not decide(PROPOSAL, votes("yes", "yes"), [], eligible=4, rules=strict).quorum_met
    assert decide(PROPOSAL, votes("yes", "yes", "no"), [], eligible=4, rules=strict).quorum_met


def test_one_block_stops_a_proposal() -> None:
    outcome = decide(PROPOSAL, votes("yes", "yes", "yes", "block"), [], eligible=4, rules=HALF)
    assert outcome.passed is False
    assert outcome.summary.startswith("blocked")


def test_choose_one_picks_the_most_votes() -> None:
    ballots = [Ballot(marks={"A": 1}), Ballot(marks={"B": 1}), Ballot(marks={"A": 1})]
    outcome = decide(MotionKind.CHOOSE_ONE, ballots, ["A", "B"], eligible=3, rules=HALF)
    assert outcome.winner == "A"
    assert outcome.tally["votes"] == {"A": 2, "B": 1}


def test_a_tied_poll_has_no_winner() -> None:
    ballots = [Ballot(marks={"A": 1}), Ballot(marks={"B": 1})]
    outcome = decide(MotionKind.CHOOSE_ONE, ballots, ["A", "B"], eligible=2, rules=HALF)
    assert outcome.winner is None
    assert outcome.summary.startswith("tie between A, B")


def test_ranked_ballots_are_counted_by_instant_runoff() -> None:
    ballots = [
        Ballot(marks={"A": 1, "C": 2}),
        Ballot(marks={"B": 1}),
        Ballot(marks={"B": 1}),
        Ballot(marks={"C": 1, "A": 2}),
        Ballot(marks={"C": 1, "A": 2}),
    ]
    outcome = decide(MotionKind.RANKED, ballots, ["A", "B", "C"], eligible=5, rules=HALF)
    assert outcome.winner == "C"
    assert outcome.tally["eliminated"] == ["A"]


def test_the_best_meeting_time_suits_the_most_members() -> None:
    ballots = [Ballot(marks={"Mon": 2, "Tue": 1}), Ballot(marks={"Mon": 0, "Tue": 2})]
    outcome = decide(MotionKind.MEETING_TIME, ballots, ["Mon", "Tue"], eligible=2, rules=HALF)
    assert outcome.winner == "Tue"


def test_abstaining_on_a_poll_takes_part_without_choosing() -> None:
    ballots = [Ballot(marks={"A": 1}), Ballot("abstain")]
    outcome = decide(MotionKind.SCORE, ballots, ["A", "B"], eligible=2, rules=HALF)
    assert outcome.quorum_met
    assert outcome.tally["abstain"] == 1

"""Motions from draft to decision: opening, closing with quorum and threshold, the decision log
with its tally, ranked choice in the app DB, and links to what a decision adopted."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session

from commontable.errors import Conflict, UserError
from commontable.governance.decisions import (
    BallotIn,
    LinkKind,
    Motion,
    MotionKind,
    MotionStatus,
    Position,
    cast_vote,
    close_motion,
    create_motion,
    decision_log,
    declare_conflict,
    link_decision,
    open_motion,
    rules_of,
    set_rules,
)
from tests.governance.conftest import LATER, NOW, Table


def proposal(db: Session, table: Table, **options: object) -> Motion:
    motion = create_motion(
        db,
        table.collaborative,
        MotionKind.PROPOSAL,
        "Adopt the 2025 measure set",
        closes_at=LATER,
        now=NOW,
        **options,  # type: ignore[arg-type]
    )
    return open_motion(db, motion, now=NOW)


def vote(db: Session, table: Table, motion: Motion, **positions: Position) -> None:
    for member, position in positions.items():
        cast_vote(db, motion, table.reps[member], BallotIn(position), now=NOW)


def test_closing_records_the_outcome_and_tally_in_the_decision_log(
    db: Session, table: Table
) -> None:
    motion = proposal(db, table)
    vote(db, table, motion, plan=Position.YES, clinic=Position.YES, employer=Position.NO)
    record = close_motion(db, motion, table.staff, now=NOW)
    assert motion.status is MotionStatus.CLOSED
    assert record.passed is True
    assert (record.eligible, record.voted, record.quorum_met) == (4, 3, True)
    assert record.outcome.startswith("passed with 67% yes: 2 yes, 1 no, 0 abstain, 0 block")
    tally = json.loads(record.tally)
    assert (tally["yes"], tally["no"]) == (2, 1)
    assert decision_log(db, table.collaborative) == [record]


def test_too_few_members_voting_records_no_quorum(db: Session, table: Table) -> None:
    motion = proposal(db, table)
    vote(db, table, motion, plan=Position.YES)
    record = close_motion(db, motion, now=NOW)
    assert record.quorum_met is False
    assert record.passed is False
    assert record.outcome == "no quorum: 1 of 4 member organizations voted, 2 needed"


def test_recused_members_are_left_out_of_the_quorum(db: Session, table: Table) -> None:
    motion = proposal(db, table)
    declare_conflict(db, motion, table.reps["employer"], now=NOW)
    declare_conflict(db, motion, table.reps["cbo"], now=NOW)
    vote(db, table, motion, plan=Position.YES)
    record = close_motion(db, motion, now=NOW)
    assert record.eligible == 2  # half of the two organizations not recused
    assert record.quorum_met is True


def test_the_collaboratives_quorum_and_threshold_decide(db: Session, table: Table) -> None:
    set_rules(db, table.collaborative, quorum=1.0, pass_threshold=0.75, threshold_inclusive=True)
    assert rules_of(db, table.collaborative).quorum == 1.0
    motion = proposal(db, table)
    vote(db, table, motion, plan=Position.YES, clinic=Position.YES, employer=Position.YES)
    vote(db, table, motion, cbo=Position.NO)
    record = close_motion(db, motion, now=NOW)
    assert record.quorum_met is True  # all four voted
    assert record.passed is True  # 75% yes, and the threshold is at least 75%


def test_a_quorum_above_one_is_refused(db: Session, table: Table) -> None:
    with pytest.raises(UserError, match="a quorum is a share above 0 and at most 1"):
        set_rules(db, table.collaborative, quorum=1.5, pass_threshold=0.5)


def test_named_votes_keep_a_roll_call_and_anonymous_ones_do_not(db: Session, table: Table) -> None:
    named = proposal(db, table)
    vote(db, table, named, plan=Position.YES, clinic=Position.NO)
    roll_call = json.loads(close_motion(db, named, now=NOW).tally)["roll_call"]
    assert roll_call == {"Cascade Health Plan": "yes", "Riverside Community Clinic": "no"}
    secret = proposal(db, table, anonymous=True)
    vote(db, table, secret, plan=Position.YES, clinic=Position.NO)
    assert "roll_call" not in json.loads(close_motion(db, secret, now=NOW).tally)


def test_a_ranked_choice_poll_is_counted_by_instant_runoff(db: Session, table: Table) -> None:
    poll = create_motion(
        db,
        table.collaborative,
        MotionKind.RANKED,
        "First priority for 2026",
        options=["Diabetes", "Hypertension", "Food security"],
        closes_at=LATER,
        now=NOW,
    )
    open_motion(db, poll, now=NOW)
    diabetes, hypertension, food = (o.id for o in poll.options)
    rankings = {
        "plan": {diabetes: 1, hypertension: 2},
        "clinic": {hypertension: 1, diabetes: 2},
        "employer": {food: 1, diabetes: 2},
        "cbo": {hypertension: 1},
    }
    for member, marks in rankings.items():
        cast_vote(db, poll, table.reps[member], BallotIn(marks=marks), now=NOW)
    record = close_motion(db, poll, now=NOW)
    # Round 1: Diabetes 1, Hypertension 2, Food security 1; Food security is listed last of the
    # two tied and goes; its ballot moves to Diabetes: 2 against 2, a tie.
    tally = json.loads(record.tally)
    assert tally["eliminated"] == ["Food security"]
    assert record.winner is None
    assert record.outcome.startswith("tie between Diabetes, Hypertension")


def test_a_decision_links_to_what_it_adopted(db: Session, table: Table) -> None:
    motion = proposal(db, table)
    link_decision(db, motion, LinkKind.MEASURE_SET, ref="3", text="Delphi study 3's agreed set")
    link_decision(db, motion, LinkKind.DATA_USE_AGREEMENT, text="DUA with Sound Food Bank")
    assert [(link.kind, link.ref) for link in motion.links] == [
        (LinkKind.MEASURE_SET, "3"),
        (LinkKind.DATA_USE_AGREEMENT, ""),
    ]
    with pytest.raises(UserError, match="give its id or describe it"):
        link_decision(db, motion, LinkKind.PLAN)


def test_polls_need_distinct_options_and_proposals_have_none(db: Session, table: Table) -> None:
    def make(kind: MotionKind, options: list[str]) -> Motion:
        return create_motion(
            db, table.collaborative, kind, "Poll", options=options, closes_at=LATER, now=NOW
        )

    with pytest.raises(UserError, match="needs at least two options"):
        make(MotionKind.CHOOSE_ONE, ["Only one"])
    with pytest.raises(UserError, match="two options have the same wording"):
        make(MotionKind.CHOOSE_ONE, ["Tuesday", "tuesday"])
    with pytest.raises(UserError, match="it has no options"):
        make(MotionKind.PROPOSAL, ["Yes please"])


def test_a_closing_time_in_the_past_is_refused(db: Session, table: Table) -> None:
    with pytest.raises(UserError, match="has already passed"):
        create_motion(
            db, table.collaborative, MotionKind.PROPOSAL, "Late", closes_at=NOW, now=LATER
        )


def test_only_an_open_motion_is_closed_and_only_once(db: Session, table: Table) -> None:
    motion = proposal(db, table)
    close_motion(db, motion, now=NOW)
    with pytest.raises(Conflict, match="this one is closed"):
        close_motion(db, motion, now=NOW)
    with pytest.raises(Conflict, match="already closed"):
        open_motion(db, motion, now=NOW)

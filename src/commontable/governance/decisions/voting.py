"""Casting an organization's vote, and declaring a conflict of interest (which recuses it).

One organization, one vote: the organization's member representative votes for it while the
motion is open; the same person may change the vote until it closes, anyone else of the
organization is refused, and the database's unique (motion, organization) backs the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commontable.appdb import utcnow
from commontable.errors import Conflict, UserError
from commontable.governance.decisions.counting import IF_NEED_BE, NO, YES
from commontable.governance.decisions.eligibility import (
    recused,
    representative_organization,
    voter_for,
)
from commontable.governance.decisions.models import (
    ConflictOfInterest,
    Motion,
    MotionKind,
    MotionStatus,
    Position,
    Vote,
    VoteMark,
)
from commontable.governance.decisions.motions import taking_votes
from commontable.members import Organization, Person


@dataclass(frozen=True)
class BallotIn:
    """A vote as sent: a position, or marks by option id (1 for the option chosen, ranks from
    1, scores from 0, or a meeting time's 2 yes / 1 if need be / 0 no)."""

    position: Position | None = None
    marks: Mapping[int, int] = field(default_factory=dict)


def cast_vote(
    session: Session, motion: Motion, person: Person, ballot: BallotIn, now: datetime | None = None
) -> Vote:
    """Record the vote of the organization `person` represents; refused (Forbidden, Conflict,
    UserError) with the reason when it may not vote or the ballot does not fit the motion."""
    now = now or utcnow()
    if not taking_votes(motion, now):
        raise Conflict(_not_taking_votes(motion, now))
    organization = voter_for(session, motion, person, now.date())
    check_ballot(motion, ballot)
    vote = next((v for v in motion.votes if v.organization_id == organization.id), None)
    if vote is not None and vote.person_id != person.id:
        raise Conflict(_already_voted(organization, vote))
    if vote is None:
        vote = Vote(motion_id=motion.id, organization_id=organization.id, person_id=person.id)
    else:  # the same representative changes the vote: its old marks go first
        vote.marks.clear()
        session.flush()
    vote.position = ballot.position
    vote.cast_at = now
    vote.marks = [VoteMark(option_id=o, value=v) for o, v in sorted(ballot.marks.items())]
    try:
        with session.begin_nested():  # a colleague's vote racing this one loses at the database
            session.add(vote)
            session.flush()
    except IntegrityError:
        raise Conflict(f"{organization.name} has already voted on this motion") from None
    session.expire(motion, ["votes"])
    return vote


def _not_taking_votes(motion: Motion, now: datetime) -> str:
    if motion.status is MotionStatus.DRAFT:
        return "the motion is not open for votes yet"
    if motion.status is MotionStatus.CLOSED or now >= motion.closes_at:
        return f"voting on this motion closed at {motion.closes_at:%Y-%m-%d %H:%M} UTC"
    return "the motion does not take votes now"


def _already_voted(organization: Organization, vote: Vote) -> str:
    return (
        f"{organization.name} has already voted on this motion (cast by {vote.person.name}); "
        "one organization, one vote"
    )


def check_ballot(motion: Motion, ballot: BallotIn) -> None:
    """Refuse a ballot that does not fit the motion's kind and options."""
    if ballot.position is not None:
        if ballot.marks:
            raise UserError("a vote has either a position or marks on the options, not both")
        if motion.kind is not MotionKind.PROPOSAL and ballot.position is not Position.ABSTAIN:
            raise UserError(f"a {motion.kind.label} poll is answered on its options, or abstain")
        return
    if motion.kind is MotionKind.PROPOSAL:
        raise UserError("vote yes, no, abstain or block")
    unknown = set(ballot.marks) - {option.id for option in motion.options}
    if unknown:
        raise UserError(f"option {min(unknown)} is not an option of this motion")
    _check_marks(motion, ballot.marks)


def _check_marks(motion: Motion, marks: Mapping[int, int]) -> None:
    values = list(marks.values())
    if motion.kind is MotionKind.CHOOSE_ONE:
        if values != [1]:
            raise UserError("choose exactly one option")
    elif motion.kind is MotionKind.RANKED:
        if sorted(values) != list(range(1, len(values) + 1)):
            raise UserError("rank the options 1, 2, 3 … with no rank given twice or skipped")
    elif motion.kind is MotionKind.SCORE:
        if not values or any(not 0 <= v <= motion.max_score for v in values):
            raise UserError(f"score the options from 0 to {motion.max_score}")
    elif any(v not in (YES, IF_NEED_BE, NO) for v in values) or not values:
        raise UserError("answer each time with yes (2), if need be (1) or no (0)")


def declare_conflict(
    session: Session,
    motion: Motion,
    person: Person,
    reason: str = "",
    now: datetime | None = None,
) -> tuple[ConflictOfInterest, bool]:
    """Recuse the organization `person` represents from the motion; its vote, if it has
    voted, is withdrawn. Returns the declaration and whether a vote was withdrawn."""
    now = now or utcnow()
    if motion.status is MotionStatus.CLOSED:
        raise Conflict("the motion is closed; a conflict of interest is declared before that")
    organization = representative_organization(session, motion, person, now.date())
    if organization.id in recused(session, motion):
        raise Conflict(f"{organization.name} has already declared a conflict on this motion")
    vote = next((v for v in motion.votes if v.organization_id == organization.id), None)
    if vote is not None:
        motion.votes.remove(vote)
    conflict = ConflictOfInterest(
        motion=motion,
        organization=organization,
        person_id=person.id,
        reason=" ".join(reason.split())[:1000],
        declared_at=now,
    )
    session.add(conflict)
    session.flush()
    return conflict, vote is not None

"""Motions and polls: put one to a collaborative, open it, close it (which counts the votes
and writes the decision log), and link a decision to what it adopted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commontable.appdb import utcnow
from commontable.errors import Conflict, NotFound, UserError
from commontable.governance.decisions.counting import IF_NEED_BE, NO, YES
from commontable.governance.decisions.eligibility import eligible_organizations, representatives
from commontable.governance.decisions.models import (
    DecisionLink,
    DecisionRecord,
    LinkKind,
    Motion,
    MotionKind,
    MotionOption,
    MotionStatus,
    Vote,
)
from commontable.governance.decisions.outcome import Ballot, Outcome, Rules, decide
from commontable.governance.decisions.settings import rules_of
from commontable.members import Collaborative, Person, notify

MAX_OPTIONS = 50
AVAILABILITY = {YES: "yes", IF_NEED_BE: "if need be", NO: "no"}


def create_motion(
    session: Session,
    collaborative: Collaborative,
    kind: MotionKind,
    title: str,
    *,
    closes_at: datetime,
    options: Sequence[str] = (),
    body: str = "",
    anonymous: bool = False,
    max_score: int = 5,
    created_by: Person | None = None,
    now: datetime | None = None,
) -> Motion:
    """Draft a motion (a proposal) or a poll with its options; it takes votes once opened."""
    title = " ".join(title.split())
    if not title:
        raise UserError("a motion needs a title")
    labels = _options(kind, options)
    if kind is MotionKind.SCORE and not 1 <= max_score <= 100:
        raise UserError(f"the highest score is a whole number from 1 to 100, not {max_score}")
    _check_closing(closes_at, now or utcnow())
    motion = Motion(
        collaborative=collaborative,
        kind=kind,
        title=title,
        body=body.strip(),
        anonymous=anonymous,
        max_score=max_score,
        closes_at=closes_at,
        created_by_id=created_by.id if created_by else None,
        options=[MotionOption(position=i, label=label) for i, label in enumerate(labels, 1)],
    )
    session.add(motion)
    session.flush()
    return motion


def _options(kind: MotionKind, options: Sequence[str]) -> list[str]:
    labels = [" ".join(option.split()) for option in options if option.strip()]
    if kind is MotionKind.PROPOSAL:
        if labels:
            raise UserError("a proposal is voted yes, no, abstain or block; it has no options")
        return []
    if len(labels) < 2:
        raise UserError(f"a {kind.label} poll needs at least two options, one per line")
    if len(labels) > MAX_OPTIONS:
        raise UserError(f"a poll has at most {MAX_OPTIONS} options, not {len(labels)}")
    if len({label.casefold() for label in labels}) < len(labels):
        raise UserError("two options have the same wording; make each option different")
    return labels


def _check_closing(closes_at: datetime, now: datetime) -> None:
    if closes_at.tzinfo is None:
        raise UserError("give the closing time with its time zone (UTC)")
    if closes_at <= now:
        raise UserError(f"the closing time {closes_at:%Y-%m-%d %H:%M} UTC has already passed")


def get_motion(session: Session, motion_id: int) -> Motion:
    """The motion with this id."""
    motion = session.get(Motion, motion_id)
    if motion is None:
        raise NotFound(f"no motion with id {motion_id}")
    return motion


def motions(session: Session, collaborative: Collaborative | None = None) -> list[Motion]:
    """Motions, newest first, of one collaborative or of all."""
    query = select(Motion).order_by(Motion.created_at.desc(), Motion.id.desc())
    if collaborative is not None:
        query = query.where(Motion.collaborative_id == collaborative.id)
    return list(session.scalars(query))


def open_motion(session: Session, motion: Motion, now: datetime | None = None) -> Motion:
    """Start taking votes now, until the motion's closing time."""
    now = now or utcnow()
    if motion.status is not MotionStatus.DRAFT:
        raise Conflict(f"the motion is already {motion.status.value}")
    _check_closing(motion.closes_at, now)
    motion.status = MotionStatus.OPEN
    motion.opens_at = now
    session.flush()
    return motion


def taking_votes(motion: Motion, now: datetime) -> bool:
    """Whether the motion takes votes at `now`: open, and its closing time not yet come."""
    return (
        motion.status is MotionStatus.OPEN
        and motion.opens_at is not None
        and motion.opens_at <= now < motion.closes_at
    )


def close_motion(
    session: Session, motion: Motion, closed_by: Person | None = None, now: datetime | None = None
) -> DecisionRecord:
    """Stop the vote, count it among the organizations eligible today, record the outcome
    with its tally in the decision log, and leave a notice of it for the member
    representatives of every voting member organization."""
    now = now or utcnow()
    if motion.status is not MotionStatus.OPEN:
        raise Conflict(f"only an open motion can be closed; this one is {motion.status.value}")
    eligible = eligible_organizations(session, motion, now.date())
    counted = {o.id for o in eligible}
    votes = [vote for vote in motion.votes if vote.organization_id in counted]
    rules = rules_of(session, motion.collaborative)
    outcome = decide(
        motion.kind,
        [ballot_of(vote) for vote in votes],
        [option.label for option in motion.options],
        len(eligible),
        rules,
    )
    motion.status = MotionStatus.CLOSED
    motion.closed_at = now
    record = DecisionRecord(
        motion=motion,
        collaborative_id=motion.collaborative_id,
        decided_at=now,
        decided_by_id=closed_by.id if closed_by else None,
        outcome=outcome.summary[:500],
        passed=outcome.passed,
        winner=outcome.winner,
        quorum_met=outcome.quorum_met,
        eligible=outcome.eligible,
        voted=outcome.voted,
        tally=json.dumps(_tally(motion, outcome, votes, rules), sort_keys=True),
    )
    session.add(record)
    session.flush()
    notify(
        session,
        representatives(session, motion, now.date()),
        f"Vote closed: {motion.title}",
        f"{motion.collaborative.name}: {record.outcome}",
        f"/motions/{motion.id}",
        now=now,
    )
    return record


def ballot_of(vote: Vote) -> Ballot:
    """A vote as the count reads it: its position, and its marks by option label."""
    labels = {option.id: option.label for option in vote.motion.options}
    return Ballot(
        vote.position.value if vote.position else None,
        {labels[mark.option_id]: mark.value for mark in vote.marks},
    )


def _tally(motion: Motion, outcome: Outcome, votes: list[Vote], rules: Rules) -> dict[str, object]:
    """The count, with each organization's vote when the motion is not anonymous."""
    tally: dict[str, object] = {**outcome.tally, "rules": rules.describe()}
    if not motion.anonymous:
        tally["roll_call"] = {
            vote.organization.name: describe_ballot(motion.kind, ballot_of(vote)) for vote in votes
        }
    return tally


def describe_ballot(kind: MotionKind, ballot: Ballot) -> str:
    """A ballot in words: "yes", "Option B", "1. A, 2. B", "A: 4, B: 2" or "A: yes, B: no"."""
    if ballot.position:
        return ballot.position
    marks = sorted(ballot.marks.items(), key=lambda pair: pair[1])
    if kind is MotionKind.CHOOSE_ONE:
        return ", ".join(label for label, value in marks if value == 1)
    if kind is MotionKind.RANKED:
        return ", ".join(f"{rank}. {label}" for label, rank in marks)
    if kind is MotionKind.MEETING_TIME:
        return ", ".join(f"{label}: {AVAILABILITY[value]}" for label, value in ballot.marks.items())
    return ", ".join(f"{label}: {value}" for label, value in ballot.marks.items())


def decision_log(
    session: Session, collaborative: Collaborative | None = None
) -> list[DecisionRecord]:
    """Decisions, newest first, of one collaborative or of all."""
    query = select(DecisionRecord).order_by(
        DecisionRecord.decided_at.desc(), DecisionRecord.id.desc()
    )
    if collaborative is not None:
        query = query.where(DecisionRecord.collaborative_id == collaborative.id)
    return list(session.scalars(query))


def link_decision(
    session: Session, motion: Motion, kind: LinkKind, *, ref: str = "", text: str = ""
) -> DecisionLink:
    """Record what the motion adopted: a plan, a measure set, a member, a data-use agreement
    (by its id, as text, or in words)."""
    ref, text = ref.strip(), " ".join(text.split())
    if not ref and not text:
        raise UserError("say what was adopted: give its id or describe it")
    link = DecisionLink(motion=motion, kind=kind, ref=ref[:100], text=text[:500])
    session.add(link)
    session.flush()
    return link

"""The decisions part's API shapes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from commontable.governance.decisions.models import (
    DecisionRecord,
    LinkKind,
    Motion,
    MotionKind,
    MotionStatus,
    Position,
)


class OptionOut(BaseModel):
    id: int
    position: int
    label: str


class LinkOut(BaseModel):
    """What the decision adopted."""

    kind: LinkKind
    ref: str
    text: str


class DecisionOut(BaseModel):
    """An entry of the decision log; the tally names organizations only for named votes."""

    motion_id: int
    collaborative_id: int
    decided_at: datetime
    outcome: str
    passed: bool | None
    winner: str | None
    quorum_met: bool
    eligible: int
    voted: int
    tally: dict[str, Any]

    @classmethod
    def of(cls, record: DecisionRecord) -> DecisionOut:
        return cls(
            motion_id=record.motion_id,
            collaborative_id=record.collaborative_id,
            decided_at=record.decided_at,
            outcome=record.outcome,
            passed=record.passed,
            winner=record.winner,
            quorum_met=record.quorum_met,
            eligible=record.eligible,
            voted=record.voted,
            tally=json.loads(record.tally),
        )


class MotionOut(BaseModel):
    """A motion or poll, how many organizations have voted, and its decision once closed."""

    id: int
    collaborative_id: int
    collaborative: str
    kind: MotionKind
    title: str
    body: str
    anonymous: bool
    status: MotionStatus
    max_score: int
    opens_at: datetime | None
    closes_at: datetime
    closed_at: datetime | None
    options: list[OptionOut]
    organizations_voted: int
    decision: DecisionOut | None
    links: list[LinkOut]

    @classmethod
    def of(cls, motion: Motion) -> MotionOut:
        return cls(
            id=motion.id,
            collaborative_id=motion.collaborative_id,
            collaborative=motion.collaborative.name,
            kind=motion.kind,
            title=motion.title,
            body=motion.body,
            anonymous=motion.anonymous,
            status=motion.status,
            max_score=motion.max_score,
            opens_at=motion.opens_at,
            closes_at=motion.closes_at,
            closed_at=motion.closed_at,
            options=[
                OptionOut(id=o.id, position=o.position, label=o.label) for o in motion.options
            ],
            organizations_voted=len(motion.votes),
            decision=DecisionOut.of(motion.decision) if motion.decision else None,
            links=[LinkOut(kind=k.kind, ref=k.ref, text=k.text) for k in motion.links],
        )


class VoteIn(BaseModel):
    """A vote: a position (a proposal; or abstain on a poll), or marks by option id: 1 for the
    option chosen, ranks from 1, scores from 0 to the maximum, or 2 / 1 / 0 for a meeting time
    (yes / if need be / no)."""

    position: Position | None = None
    marks: dict[int, int] = Field(default_factory=dict)


class VoteOut(BaseModel):
    """The organization's vote as recorded."""

    motion_id: int
    organization_id: int
    organization: str
    position: Position | None
    marks: dict[int, int]
    cast_at: datetime

"""Decisions in the app DB: motions and polls of a collaborative or workgroup, the one vote of
each member organization, conflicts of interest, the decision log, and what a decision adopted.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commontable.appdb import Base, UTCDateTime, choice, utcnow
from commontable.members import Collaborative, Organization, Person


class MotionKind(StrEnum):
    """What the members are asked."""

    PROPOSAL = "proposal"  # yes / no / abstain / block
    CHOOSE_ONE = "choose_one"  # one option each; the most votes wins
    RANKED = "ranked"  # options in order of preference; instant-runoff count
    SCORE = "score"  # a score from 0 to max_score for each option; the highest total wins
    MEETING_TIME = "meeting_time"  # each time: yes, if need be, or no

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    MotionKind.PROPOSAL: "proposal",
    MotionKind.CHOOSE_ONE: "choose one",
    MotionKind.RANKED: "ranked choice",
    MotionKind.SCORE: "score",
    MotionKind.MEETING_TIME: "meeting time",
}


class MotionStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Position(StrEnum):
    """A vote on a proposal; abstain also stands for declining to vote on a poll."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"
    BLOCK = "block"


class LinkKind(StrEnum):
    """What a decision adopted."""

    PLAN = "plan"
    MEASURE_SET = "measure_set"
    MEMBER = "member"
    DATA_USE_AGREEMENT = "data_use_agreement"
    OTHER = "other"


class GovernanceSettings(Base):
    """A collaborative's quorum and pass threshold; without a row, the defaults apply."""

    __tablename__ = "governance_settings"
    __table_args__ = (
        CheckConstraint("quorum > 0 AND quorum <= 1", name="quorum_share"),
        CheckConstraint("pass_threshold > 0 AND pass_threshold < 1", name="threshold_share"),
    )

    collaborative_id: Mapped[int] = mapped_column(
        ForeignKey("collaboratives.id", ondelete="CASCADE"), primary_key=True
    )
    # The share of voting member organizations that must take part (abstaining counts).
    quorum: Mapped[float] = mapped_column(Float, default=0.5)
    # A proposal passes when its share of yes among yes and no votes is above the threshold
    # (or at least the threshold, when inclusive): more than half by default.
    pass_threshold: Mapped[float] = mapped_column(Float, default=0.5)
    threshold_inclusive: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Motion(Base):
    """A motion or poll put to the member organizations of a collaborative."""

    __tablename__ = "motions"
    __table_args__ = (
        CheckConstraint("opens_at IS NULL OR closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint("max_score BETWEEN 1 AND 100", name="max_score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    collaborative_id: Mapped[int] = mapped_column(ForeignKey("collaboratives.id"), index=True)
    kind: Mapped[MotionKind] = mapped_column(choice(MotionKind, "kind"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(4000), default="")
    anonymous: Mapped[bool] = mapped_column(default=False)
    status: Mapped[MotionStatus] = mapped_column(
        choice(MotionStatus, "status"), default=MotionStatus.DRAFT
    )
    max_score: Mapped[int] = mapped_column(default=5)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set when opened
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)  # votes are refused from then on
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    collaborative: Mapped[Collaborative] = relationship()
    options: Mapped[list[MotionOption]] = relationship(
        back_populates="motion", cascade="all, delete-orphan", order_by="MotionOption.position"
    )
    votes: Mapped[list[Vote]] = relationship(back_populates="motion", cascade="all, delete-orphan")
    conflicts: Mapped[list[ConflictOfInterest]] = relationship(
        back_populates="motion", cascade="all, delete-orphan"
    )
    links: Mapped[list[DecisionLink]] = relationship(
        back_populates="motion", cascade="all, delete-orphan", order_by="DecisionLink.id"
    )
    decision: Mapped[DecisionRecord | None] = relationship(back_populates="motion")

    def __repr__(self) -> str:
        return f"<Motion {self.id} {self.title!r}>"


class MotionOption(Base):
    """One option of a poll (a choice, a candidate, a meeting time)."""

    __tablename__ = "motion_options"
    __table_args__ = (UniqueConstraint("motion_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"))
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))

    motion: Mapped[Motion] = relationship(back_populates="options")


class Vote(Base):
    """The one vote of a member organization on a motion, cast by its representative.

    The unique constraint makes one organization, one vote hold in the database too.
    """

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("motion_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    position: Mapped[Position | None] = mapped_column(choice(Position, "position"))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    motion: Mapped[Motion] = relationship(back_populates="votes")
    organization: Mapped[Organization] = relationship()
    person: Mapped[Person] = relationship()
    marks: Mapped[list[VoteMark]] = relationship(
        back_populates="vote", cascade="all, delete-orphan", order_by="VoteMark.option_id"
    )


class VoteMark(Base):
    """What a vote says about one option: 1 (chosen), a rank (1 first), a score, or a meeting
    time's availability (2 yes, 1 if need be, 0 no)."""

    __tablename__ = "vote_marks"
    __table_args__ = (UniqueConstraint("vote_id", "option_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"))
    option_id: Mapped[int] = mapped_column(
        ForeignKey("motion_options.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int]

    vote: Mapped[Vote] = relationship(back_populates="marks")


class ConflictOfInterest(Base):
    """A member organization's declared conflict of interest: it is recused from the motion."""

    __tablename__ = "conflicts_of_interest"
    __table_args__ = (UniqueConstraint("motion_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    reason: Mapped[str] = mapped_column(String(1000), default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    motion: Mapped[Motion] = relationship(back_populates="conflicts")
    organization: Mapped[Organization] = relationship()


class DecisionRecord(Base):
    """The decision log: a closed motion's outcome with its tally, as counted when it closed."""

    __tablename__ = "decision_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), unique=True)
    collaborative_id: Mapped[int] = mapped_column(ForeignKey("collaboratives.id"), index=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(500))
    passed: Mapped[bool | None]  # proposals: passed or not; polls: None
    winner: Mapped[str | None] = mapped_column(String(200))  # polls: the winning option
    quorum_met: Mapped[bool]
    eligible: Mapped[int]  # voting member organizations, recused ones left out
    voted: Mapped[int]  # of them, how many voted (abstaining counts)
    tally: Mapped[str] = mapped_column(Text)  # canonical JSON of the count

    motion: Mapped[Motion] = relationship(back_populates="decision")


class DecisionLink(Base):
    """What a decision adopted: a plan, a measure set, a new member, a data-use agreement;
    named by kind and the thing's id (as text), or described in words."""

    __tablename__ = "decision_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[LinkKind] = mapped_column(choice(LinkKind, "kind"))
    ref: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    motion: Mapped[Motion] = relationship(back_populates="links")

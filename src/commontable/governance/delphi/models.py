"""Delphi studies in the app DB: a study of a collaborative, its items, its panel drawn from
stakeholder groups, its rounds, and each panelist's ratings with their comments."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commontable.appdb import Base, UTCDateTime, choice, utcnow
from commontable.governance.delphi.rules import Verdict
from commontable.members import Collaborative, Person


class StakeholderGroup(StrEnum):
    """The groups a panel is drawn from, so that consensus can be read within each of them."""

    PATIENTS = "patients"
    EMPLOYERS = "employers"
    HEALTH_PLANS = "health_plans"
    PROVIDERS = "providers"
    CBOS = "cbos"
    PUBLIC_HEALTH = "public_health"

    @property
    def label(self) -> str:
        return _GROUP_LABELS[self]


_GROUP_LABELS = {
    StakeholderGroup.PATIENTS: "patients and consumers",
    StakeholderGroup.EMPLOYERS: "employers and purchasers",
    StakeholderGroup.HEALTH_PLANS: "health plans",
    StakeholderGroup.PROVIDERS: "providers",
    StakeholderGroup.CBOS: "community-based organizations",
    StakeholderGroup.PUBLIC_HEALTH: "public health",
}


class StudyRule(StrEnum):
    """The consensus rule a study is judged by (see `commontable.governance.delphi.rules`)."""

    COS = "cos"
    RAND = "rand"


class DelphiStudy(Base):
    """A consensus study of a collaborative: which measures should it adopt?"""

    __tablename__ = "delphi_studies"
    __table_args__ = (CheckConstraint("max_rounds BETWEEN 1 AND 10", name="max_rounds_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collaborative_id: Mapped[int] = mapped_column(ForeignKey("collaboratives.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(String(1000), default="")  # what panelists rate
    rule: Mapped[StudyRule] = mapped_column(choice(StudyRule, "rule"))
    max_rounds: Mapped[int] = mapped_column(default=3)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stop_reason: Mapped[str] = mapped_column(String(300), default="")

    collaborative: Mapped[Collaborative] = relationship()
    items: Mapped[list[DelphiItem]] = relationship(
        back_populates="study", cascade="all, delete-orphan", order_by="DelphiItem.position"
    )
    panelists: Mapped[list[DelphiPanelist]] = relationship(
        back_populates="study", cascade="all, delete-orphan", order_by="DelphiPanelist.id"
    )
    rounds: Mapped[list[DelphiRound]] = relationship(
        back_populates="study", cascade="all, delete-orphan", order_by="DelphiRound.number"
    )

    def __repr__(self) -> str:
        return f"<DelphiStudy {self.id} {self.title!r}>"


class DelphiItem(Base):
    """A candidate the panel rates: a library measure (by id) or a measure in free text."""

    __tablename__ = "delphi_items"
    __table_args__ = (UniqueConstraint("study_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("delphi_studies.id", ondelete="CASCADE"))
    position: Mapped[int]
    # The measure library's id (e.g. CMS125), kept as text: governance never imports measures.
    measure_id: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(500))
    # Set when the study finishes, by its rule, from the last round.
    verdict: Mapped[Verdict | None] = mapped_column(choice(Verdict, "verdict"))

    study: Mapped[DelphiStudy] = relationship(back_populates="items")

    @property
    def label(self) -> str:
        return f"{self.measure_id}: {self.text}" if self.measure_id else self.text


class DelphiPanelist(Base):
    """A person on a study's panel, for one stakeholder group."""

    __tablename__ = "delphi_panelists"
    __table_args__ = (UniqueConstraint("study_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("delphi_studies.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    group: Mapped[StakeholderGroup] = mapped_column(
        "stakeholder_group", choice(StakeholderGroup, "stakeholder_group")
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    study: Mapped[DelphiStudy] = relationship(back_populates="panelists")
    person: Mapped[Person] = relationship()


class DelphiRound(Base):
    """One round of rating, open from `opened_at` until it is closed (at the latest by
    `closes_at`, after which ratings are refused)."""

    __tablename__ = "delphi_rounds"
    __table_args__ = (
        UniqueConstraint("study_id", "number"),
        CheckConstraint("closes_at > opened_at", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("delphi_studies.id", ondelete="CASCADE"))
    number: Mapped[int]
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    study: Mapped[DelphiStudy] = relationship(back_populates="rounds")
    ratings: Mapped[list[DelphiRating]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )


class DelphiRating(Base):
    """A panelist's rating of an item in a round (1–9), with an optional comment; revised in
    place while the round is open."""

    __tablename__ = "delphi_ratings"
    __table_args__ = (
        UniqueConstraint("round_id", "item_id", "panelist_id"),
        CheckConstraint("rating BETWEEN 1 AND 9", name="rating_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("delphi_rounds.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(
        ForeignKey("delphi_items.id", ondelete="CASCADE"), index=True
    )
    panelist_id: Mapped[int] = mapped_column(
        ForeignKey("delphi_panelists.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(String(2000), default="")
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[DelphiRound] = relationship(back_populates="ratings")
    item: Mapped[DelphiItem] = relationship()
    panelist: Mapped[DelphiPanelist] = relationship()

"""The action plan's tables: plans, action areas, goals (and custom measures' values),
initiatives, member commitments and improvement (PDSA) cycles."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commontable.appdb import Base, UTCDateTime, choice, utcnow
from commontable.members import Collaborative, Organization


class PlanStatus(StrEnum):
    """Where a plan stands: drafted by staff, adopted and running, or finished."""

    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


class CommitmentStatus(StrEnum):
    """How a member organization's commitment is going, as its representative reports it."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OFF_TRACK = "off_track"


class CycleStage(StrEnum):
    """The step a Plan-Do-Study-Act cycle is at."""

    PLAN = "plan"
    DO = "do"
    STUDY = "study"
    ACT = "act"
    DONE = "done"


class CycleDecision(StrEnum):
    """What the Act step decided about the change tested."""

    ADOPT = "adopt"
    ADAPT = "adapt"
    ABANDON = "abandon"


class AdoptedBy(StrEnum):
    """What adopted a goal's measure: a decision of the table or a Delphi study (by its id)."""

    DECISION = "decision"
    DELPHI_STUDY = "delphi_study"


class Plan(Base):
    """A collaborative's action plan for a span of years."""

    __tablename__ = "plans"
    __table_args__ = (CheckConstraint("end_year >= start_year", name="years_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collaborative_id: Mapped[int] = mapped_column(ForeignKey("collaboratives.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")
    start_year: Mapped[int]
    end_year: Mapped[int]
    status: Mapped[PlanStatus] = mapped_column(choice(PlanStatus, "status"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    collaborative: Mapped[Collaborative] = relationship()
    areas: Mapped[list[ActionArea]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="ActionArea.id"
    )
    goals: Mapped[list[Goal]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Goal.id"
    )
    initiatives: Mapped[list[Initiative]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Initiative.id"
    )
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Commitment.due_date"
    )


class ActionArea(Base):
    """A priority of the plan (diabetes, behavioral health access) grouping goals and work."""

    __tablename__ = "plan_action_areas"
    __table_args__ = (UniqueConstraint("plan_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")

    plan: Mapped[Plan] = relationship(back_populates="areas")


class Goal(Base):
    """A target on a measure for a scope: from a baseline period to a target value by a date.

    A library measure's values come from its published results; a custom measure (no
    `measure_id`) has values staff enter per period (`GoalValue`).
    """

    __tablename__ = "plan_goals"
    __table_args__ = (
        CheckConstraint(
            "(adopted_by_kind IS NULL) = (adopted_by_ref IS NULL)", name="adoption_named"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    action_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_action_areas.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    measure_id: Mapped[str | None] = mapped_column(String(40))  # None: a custom measure
    measure_title: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(40))  # a measure type: proportion, rate per 1,000
    higher_is_better: Mapped[bool]
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(100))
    stratum_type: Mapped[str] = mapped_column(String(40))
    stratum: Mapped[str] = mapped_column(String(100))
    baseline_period: Mapped[int]
    # Entered by staff when nothing is published for the baseline period (a figure from before
    # the platform); a published result of that period always wins.
    baseline_value: Mapped[float | None] = mapped_column(Float)
    target_value: Mapped[float] = mapped_column(Float)
    target_date: Mapped[date]
    adopted_by_kind: Mapped[AdoptedBy | None] = mapped_column(choice(AdoptedBy, "adopted_by_kind"))
    adopted_by_ref: Mapped[str | None] = mapped_column(String(100))  # the decision's or study's id
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="goals")
    area: Mapped[ActionArea | None] = relationship()
    values: Mapped[list[GoalValue]] = relationship(
        back_populates="goal", cascade="all, delete-orphan", order_by="GoalValue.period"
    )

    @property
    def custom(self) -> bool:
        return self.measure_id is None


class GoalValue(Base):
    """A custom measure's value for a period, entered by staff."""

    __tablename__ = "plan_goal_values"
    __table_args__ = (UniqueConstraint("goal_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goals.id", ondelete="CASCADE"))
    period: Mapped[int]
    value: Mapped[float] = mapped_column(Float)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    goal: Mapped[Goal] = relationship(back_populates="values")


class Initiative(Base):
    """A piece of work of the plan, owned by one organization, towards a goal or action area."""

    __tablename__ = "plan_initiatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    action_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_action_areas.id", ondelete="SET NULL"), index=True
    )
    goal_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_goals.id", ondelete="SET NULL"), index=True
    )
    owner_organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="initiatives")
    area: Mapped[ActionArea | None] = relationship()
    goal: Mapped[Goal | None] = relationship()
    owner: Mapped[Organization] = relationship()
    cycles: Mapped[list[ImprovementCycle]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan", order_by="ImprovementCycle.id"
    )


class Commitment(Base):
    """What a member organization contributes to the plan, by when, and how it is going."""

    __tablename__ = "plan_commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    goal_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_goals.id", ondelete="SET NULL"), index=True
    )
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_initiatives.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(String(1000))
    due_date: Mapped[date]
    status: Mapped[CommitmentStatus] = mapped_column(choice(CommitmentStatus, "status"))
    status_note: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="commitments")
    organization: Mapped[Organization] = relationship()
    goal: Mapped[Goal | None] = relationship()
    initiative: Mapped[Initiative | None] = relationship()


class ImprovementCycle(Base):
    """A Plan-Do-Study-Act cycle testing a change within an initiative, with what it taught."""

    __tablename__ = "plan_improvement_cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("plan_initiatives.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    change: Mapped[str] = mapped_column(String(2000))  # Plan: the change tried, the prediction
    measure_id: Mapped[str | None] = mapped_column(String(40))  # a library measure, if one
    measures: Mapped[str] = mapped_column(String(1000), default="")  # the cycle's own measures
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    stage: Mapped[CycleStage] = mapped_column(choice(CycleStage, "stage"))
    findings: Mapped[str] = mapped_column(String(4000), default="")  # Study: what happened
    learnings: Mapped[str] = mapped_column(String(4000), default="")
    decision: Mapped[CycleDecision | None] = mapped_column(choice(CycleDecision, "decision"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    initiative: Mapped[Initiative] = relationship(back_populates="cycles")

"""Care coordination's records in the app DB: care teams and their rules, who each team follows
(subscriptions), people's consent, Part 2 programs, the encounter events the live feed has
received, and the notifications they made for each team, with the team's work on each.

Events and notifications are patient-level: people read them only through `care.work_list`,
which narrows them to the reader's own care teams and audits each view; the measures of
coordination read them whole, inside the warehouse (`care.notices`).
"""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commontable.appdb import Base, UTCDateTime, choice, utcnow
from commontable.members import Organization  # at run time: the class CareTeam relates to


class TeamKind(StrEnum):
    """The care teams a collaborative's members run (issue 17's subscribers)."""

    PRIMARY_CARE = "primary_care"  # a clinic's care team: the established primary care practice
    CARE_MANAGEMENT = "care_management"  # a health plan's care managers
    CHW_HUB = "chw_hub"  # community health workers
    POST_ACUTE = "post_acute"  # skilled nursing, home health, rehabilitation
    OTHER = "other"

    @property
    def label(self) -> str:
        return _TEAM_LABELS[self]


_TEAM_LABELS = {
    TeamKind.PRIMARY_CARE: "primary care",
    TeamKind.CARE_MANAGEMENT: "health plan care management",
    TeamKind.CHW_HUB: "community health worker hub",
    TeamKind.POST_ACUTE: "post-acute care",
    TeamKind.OTHER: "other",
}


class EventKind(StrEnum):
    """What happened to the person, as a subscriber chooses what to hear."""

    ED_VISIT = "ed_visit"
    ADMISSION = "admission"
    DISCHARGE = "discharge"
    TRANSFER = "transfer"
    DEATH = "death"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").replace("ed ", "ED ")


class CareSetting(StrEnum):
    """Where it happened: the patient class of the visit (HL7 v2.5.1 Table 0004)."""

    EMERGENCY = "emergency"  # E
    INPATIENT = "inpatient"  # I
    OUTPATIENT = "outpatient"  # O, R (recurring), P (preadmit)
    OBSTETRICS = "obstetrics"  # B
    OTHER = "other"  # C, N, U or none given


class SubscriptionSource(StrEnum):
    """How a team came to follow a person."""

    ROSTER = "roster"  # an uploaded roster (CSV or FHIR Group)
    ATTRIBUTION = "attribution"  # the clinic's attributed patients, the plan's members
    ONE_PERSON = "one_person"  # added by hand


class ConsentTopic(StrEnum):
    SHARING = "sharing"  # notifications and care-team sharing (an HIE's opt-out)
    PART2 = "part2"  # disclosure of a Part 2 program's records (42 CFR 2.31)


class ConsentDecision(StrEnum):
    OPT_OUT = "opt_out"  # SHARING: no notifications, nothing shared with care teams
    OPT_IN = "opt_in"  # SHARING: back to the default (shared)
    GRANTED = "granted"  # PART2: written consent to disclose to the person's care teams
    REVOKED = "revoked"  # PART2: consent withdrawn (42 CFR 2.31(a)(6))


class WorkStatus(StrEnum):
    """Where the team's work on a notification stands."""

    NEW = "new"
    CLAIMED = "claimed"  # someone of the team has it (assigned_to)
    COMPLETED = "completed"  # with an outcome


class Outcome(StrEnum):
    """What came of a notification (issue 17): the team's answer when it completes one."""

    CONTACTED = "contacted"
    FOLLOW_UP_BOOKED = "follow_up_booked"
    UNREACHABLE = "unreachable"
    NOT_OURS = "not_ours"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class CareTeam(Base):
    """A member organization's team that follows people and acts on their events, with its
    rules: which events and settings it hears, only high utilizers or all, its quiet hours."""

    __tablename__ = "care_teams"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[TeamKind] = mapped_column(choice(TeamKind, "kind"))
    events: Mapped[list[str]] = mapped_column(JSON)  # EventKind values it hears
    settings: Mapped[list[str]] = mapped_column(JSON)  # CareSetting values it hears
    only_flagged: Mapped[bool] = mapped_column(Boolean, default=False)  # high utilizers only
    # Email and webhook wait out quiet hours (in `time_zone`); the work list never does.
    quiet_from: Mapped[time | None] = mapped_column(Time)
    quiet_until: Mapped[time | None] = mapped_column(Time)
    time_zone: Mapped[str] = mapped_column(String(64), default="America/Chicago")
    email: Mapped[str | None] = mapped_column(String(320))  # the team's inbox
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    # The key each webhook post is signed with (HMAC-SHA256), sealed with the secrets key.
    webhook_secret: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship("Organization")

    def __repr__(self) -> str:
        return f"<CareTeam {self.id} {self.name!r}>"


class Subscription(Base):
    """A team following one person (a warehouse person_id) from a date, until it ends."""

    __tablename__ = "care_subscriptions"
    __table_args__ = (
        Index("ix_care_subscriptions_person_active", "person_id", "ended_at"),
        UniqueConstraint("team_id", "person_id", "source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(
        ForeignKey("care_teams.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[str] = mapped_column(String(40))
    source: Mapped[SubscriptionSource] = mapped_column(choice(SubscriptionSource, "source"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[CareTeam] = relationship()


class Consent(Base):
    """One consent decision about one person, as a member sent it; the latest per topic holds."""

    __tablename__ = "care_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[str] = mapped_column(String(40), index=True)
    topic: Mapped[ConsentTopic] = mapped_column(choice(ConsentTopic, "topic"))
    decision: Mapped[ConsentDecision] = mapped_column(choice(ConsentDecision, "decision"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class Part2Program(Base):
    """A facility of a member that is a federally assisted substance use disorder program
    (42 CFR 2.11): its encounters are never notified or shown without the person's consent."""

    __tablename__ = "care_part2_programs"
    __table_args__ = (UniqueConstraint("data_source", "facility"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    data_source: Mapped[str] = mapped_column(String(64))  # the member sending its events
    facility: Mapped[str] = mapped_column(String(200))  # as MSH-4 or PV1-3 names it
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CareEvent(Base):
    """An encounter event the live feed received (one ADT message that notifies): who, where,
    when and what, with the minimum a care team needs; retracted by A11 or A13."""

    __tablename__ = "care_events"
    __table_args__ = (
        UniqueConstraint("data_source", "message_control_id"),
        Index("ix_care_events_person_occurred", "person_id", "occurred_at"),
        Index("ix_care_events_visit", "data_source", "visit_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    data_source: Mapped[str] = mapped_column(String(64))
    message_control_id: Mapped[str] = mapped_column(String(200))
    trigger: Mapped[str] = mapped_column(String(3))  # A01, A02, A03, A04
    kind: Mapped[EventKind] = mapped_column(choice(EventKind, "kind"))
    setting: Mapped[CareSetting] = mapped_column(choice(CareSetting, "setting"))
    person_id: Mapped[str] = mapped_column(String(40))
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)  # until the next match
    source_person_id: Mapped[str] = mapped_column(String(200))
    # Who, as the message names them: what a care team needs to know whom to call.
    patient_name: Mapped[str] = mapped_column(String(200), default="")
    birth_date: Mapped[str] = mapped_column(String(10), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    facility: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    visit_number: Mapped[str] = mapped_column(String(200), default="")
    diagnosis_code: Mapped[str] = mapped_column(String(20), default="")
    discharge_disposition: Mapped[str] = mapped_column(String(10), default="")
    part2: Mapped[bool] = mapped_column(Boolean, default=False)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)  # high-utilizer flags
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retracted_by: Mapped[str] = mapped_column(String(200), default="")  # the A11/A13's id
    # Teams whose subscription and rules took the event, and why none was told ("" when they
    # were): what the measures of coordination count (care/notices.py).
    entitled: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    withheld: Mapped[str] = mapped_column(String(60), default="", server_default="")


class Notification(Base):
    """One event for one care team, and the team's work on it."""

    __tablename__ = "care_notifications"
    __table_args__ = (
        UniqueConstraint("team_id", "event_id"),
        Index("ix_care_notifications_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(
        ForeignKey("care_teams.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int] = mapped_column(
        ForeignKey("care_events.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Email and webhook go out at this time (after quiet hours); the work list shows it at once.
    deliver_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # channel -> when
    status: Mapped[WorkStatus] = mapped_column(choice(WorkStatus, "status"), default=WorkStatus.NEW)
    first_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[Outcome | None] = mapped_column(choice(Outcome, "outcome"))
    note: Mapped[str] = mapped_column(Text, default="")

    team: Mapped[CareTeam] = relationship()
    event: Mapped[CareEvent] = relationship()

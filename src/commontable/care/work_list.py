"""A care team's work list: its notifications, newest first, with filters; the unread count;
one notification opened; and the team's work on it (claim, assign, complete with an outcome).

Every function takes the reader's teams (`teams_of`): a person sees the notifications of their
own organization's care teams and no others, and every view and change is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from commontable.appdb import utcnow
from commontable.audit import Actor, AuditAction
from commontable.care.diagnoses import diagnosis_category
from commontable.care.models import (
    CareEvent,
    CareTeam,
    EventKind,
    Notification,
    Outcome,
    WorkStatus,
)
from commontable.errors import NotFound, UserError
from commontable.members import Person, Role, SiteType, organization_for_data_source

PAGE_SIZE = 50
OPEN = "open"  # new or claimed, not retracted: the filter a team starts with
STATUS_FILTERS = (OPEN, *(status.value for status in WorkStatus), "retracted", "all")
# NUBC patient discharge status (UB-04 FL 17), the codes a care team most often sees.
DISPOSITIONS = {
    "01": "home or self care",
    "02": "short-term general hospital",
    "03": "skilled nursing facility",
    "04": "intermediate care facility",
    "05": "another type of institution",
    "06": "home with home health services",
    "07": "left against medical advice",
    "20": "expired",
    "21": "court or law enforcement",
    "43": "federal health care facility",
    "50": "hospice at home",
    "51": "hospice at a medical facility",
    "61": "swing bed",
    "62": "inpatient rehabilitation facility",
    "63": "long-term care hospital",
    "64": "nursing facility (Medicaid certified)",
    "65": "psychiatric hospital or unit",
    "66": "critical access hospital",
    "70": "another type of health care institution",
}


@dataclass(frozen=True)
class Filters:
    """What the reader narrows the list to."""

    status: str = OPEN
    kind: EventKind | None = None
    team_id: int | None = None
    mine: bool = False  # assigned to the reader

    def __post_init__(self) -> None:
        if self.status not in STATUS_FILTERS:
            raise UserError(f"status should be one of: {', '.join(STATUS_FILTERS)}")


@dataclass(frozen=True)
class WorkItem:
    """One notification as the team sees it (page and JSON API): the minimum necessary to act."""

    id: int
    team: str
    event: str
    setting: str
    occurred_at: datetime
    received_at: datetime
    created_at: datetime
    person_id: str
    provisional_person: bool
    patient_name: str
    birth_date: str
    facility: str
    location: str
    diagnosis_category: str
    discharge_disposition: str
    flags: tuple[str, ...]
    status: str
    assigned_to: str
    outcome: str
    note: str
    read: bool
    retracted: bool


def teams_of(session: Session, organization_id: int) -> list[CareTeam]:
    """The care teams of an organization, by name."""
    query = select(CareTeam).where(CareTeam.organization_id == organization_id)
    return list(session.scalars(query.order_by(CareTeam.name)))


def _disposition(code: str) -> str:
    if not code:
        return ""
    label = DISPOSITIONS.get(code.zfill(2))
    return f"{label} ({code})" if label else code


def item(notification: Notification, assignee: Person | None) -> WorkItem:
    event = notification.event
    return WorkItem(
        id=notification.id,
        team=notification.team.name,
        event=event.kind.label,
        setting=event.setting.value,
        occurred_at=event.occurred_at,
        received_at=event.received_at,
        created_at=notification.created_at,
        person_id=event.person_id,
        provisional_person=event.provisional,
        patient_name=event.patient_name,
        birth_date=event.birth_date,
        facility=event.facility,
        location=event.location.replace("^", " "),
        diagnosis_category=diagnosis_category(event.diagnosis_code),
        discharge_disposition=_disposition(event.discharge_disposition),
        flags=tuple(event.flags),
        status="retracted" if event.retracted_at else notification.status.value,
        assigned_to=assignee.name if assignee else "",
        outcome=notification.outcome.label if notification.outcome else "",
        note=notification.note,
        read=notification.first_read_at is not None,
        retracted=event.retracted_at is not None,
    )


def _listed(
    team_ids: Sequence[int], filters: Filters, reader_id: int | None
) -> Select[Notification, Person]:
    query = (
        select(Notification, Person)
        .join(CareEvent, Notification.event_id == CareEvent.id)
        .outerjoin(Person, Notification.assigned_to_id == Person.id)
        .where(Notification.team_id.in_(team_ids))
    )
    if filters.team_id is not None:
        query = query.where(Notification.team_id == filters.team_id)
    if filters.kind is not None:
        query = query.where(CareEvent.kind == filters.kind)
    if filters.mine:
        query = query.where(Notification.assigned_to_id == reader_id)
    if filters.status == "retracted":
        query = query.where(CareEvent.retracted_at.is_not(None))
    elif filters.status != "all":
        query = query.where(CareEvent.retracted_at.is_(None))
        if filters.status == OPEN:
            query = query.where(Notification.status != WorkStatus.COMPLETED)
        else:
            query = query.where(Notification.status == WorkStatus(filters.status))
    return query


def work_list(
    session: Session,
    by: Actor,
    teams: Sequence[CareTeam],
    filters: Filters,
    page: int = 1,
) -> tuple[list[WorkItem], int]:
    """A page of the teams' notifications (newest event first) and how many match; audited."""
    ids = [team.id for team in teams]
    query = _listed(ids, filters, by.person_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(CareEvent.occurred_at.desc(), Notification.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    items = [item(notification, person) for notification, person in rows]
    by.record(
        session,
        AuditAction.VIEW_CARE_WORK_LIST,
        target="care work list",
        teams=ids,
        status=filters.status,
        page=page,
        notifications=[i.id for i in items],
    )
    return items, total


def unread(session: Session, teams: Sequence[CareTeam]) -> int:
    """Notifications of the teams nobody of the team has opened yet (retracted ones aside)."""
    if not teams:
        return 0
    query = (
        select(func.count())
        .select_from(Notification)
        .join(CareEvent, Notification.event_id == CareEvent.id)
        .where(
            Notification.team_id.in_([team.id for team in teams]),
            Notification.first_read_at.is_(None),
            CareEvent.retracted_at.is_(None),
        )
    )
    return session.scalar(query) or 0


def _find(session: Session, teams: Sequence[CareTeam], notification_id: int) -> Notification:
    """The notification, if it belongs to one of the teams; otherwise it is not there."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.team_id not in {team.id for team in teams}:
        raise NotFound(f"no notification {notification_id}")
    return notification


def _assignee(session: Session, notification: Notification) -> Person | None:
    found = notification.assigned_to_id
    return session.get(Person, found) if found is not None else None


def open_notification(
    session: Session, by: Actor, teams: Sequence[CareTeam], notification_id: int
) -> WorkItem:
    """One notification, marked read on its first opening; audited."""
    notification = _find(session, teams, notification_id)
    if notification.first_read_at is None:
        notification.first_read_at = utcnow()
    by.record(
        session,
        AuditAction.VIEW_CARE_NOTIFICATION,
        target=f"care notification {notification.id}",
        team_id=notification.team_id,
    )
    session.flush()
    return item(notification, _assignee(session, notification))


def organization_of_notification(session: Session, notification_id: int) -> int | None:
    """The organization whose team a notification is for (for the access policy)."""
    query = (
        select(CareTeam.organization_id)
        .join(Notification, Notification.team_id == CareTeam.id)
        .where(Notification.id == notification_id)
    )
    return session.scalar(query)


def care_team_people(session: Session, organization_id: int) -> list[Person]:
    """The organization's active people with the care team role: who a notification may go to."""
    query = (
        select(Person)
        .where(Person.organization_id == organization_id, Person.active.is_(True))
        .order_by(Person.name)
    )
    return [p for p in session.scalars(query) if Role.CARE_TEAM in p.roles]


CARE_SITES = (SiteType.HOSPITAL, SiteType.EMERGENCY_DEPARTMENT, SiteType.BEHAVIORAL_HEALTH)


def facility_contact(session: Session, event: CareEvent) -> str:
    """Whom the care team calls about the event: the sending member and its hospital sites."""
    organization = organization_for_data_source(session, event.data_source)
    if organization is None:
        return event.facility or event.data_source
    sites = [
        f"{site.name}, {site.address}, {site.city}, {site.state} {site.zip_code}"
        for site in organization.sites
        if site.type in CARE_SITES
    ]
    return "; ".join([organization.name, *sites])


def claim(session: Session, by: Actor, teams: Sequence[CareTeam], notification_id: int) -> None:
    """The reader takes the notification on."""
    if by.person_id is None:
        raise UserError("only a signed-in person may claim a notification")
    assign(session, by, teams, notification_id, by.person_id)


def assign(
    session: Session,
    by: Actor,
    teams: Sequence[CareTeam],
    notification_id: int,
    person_id: int,
) -> None:
    """Give the notification to someone of the team's organization with the care team role."""
    notification = _find(session, teams, notification_id)
    _still_open(notification)
    organization_id = notification.team.organization_id
    if person_id not in {p.id for p in care_team_people(session, organization_id)}:
        raise UserError(
            "a notification goes to someone of the team's organization who is on a care team"
        )
    notification.assigned_to_id = person_id
    notification.status = WorkStatus.CLAIMED
    notification.claimed_at = utcnow()
    notification.first_read_at = notification.first_read_at or notification.claimed_at
    by.record(
        session,
        AuditAction.ASSIGN_CARE_NOTIFICATION,
        target=f"care notification {notification.id}",
        organization_id=organization_id,
        assigned_to=person_id,
    )
    session.flush()


def complete(
    session: Session,
    by: Actor,
    teams: Sequence[CareTeam],
    notification_id: int,
    outcome: Outcome,
    note: str = "",
) -> None:
    """Close the notification with what came of it."""
    notification = _find(session, teams, notification_id)
    _still_open(notification)
    notification.status = WorkStatus.COMPLETED
    notification.outcome = outcome
    notification.note = note.strip()[:4000]
    notification.completed_at = utcnow()
    notification.assigned_to_id = notification.assigned_to_id or by.person_id
    notification.first_read_at = notification.first_read_at or notification.completed_at
    by.record(
        session,
        AuditAction.COMPLETE_CARE_NOTIFICATION,
        target=f"care notification {notification.id}",
        organization_id=notification.team.organization_id,
        outcome=outcome.value,
    )
    session.flush()


def _still_open(notification: Notification) -> None:
    if notification.status is WorkStatus.COMPLETED:
        raise UserError("this notification is completed already")
    if notification.event.retracted_at is not None:
        raise UserError("this event was cancelled by the hospital (A11/A13): nothing to do")

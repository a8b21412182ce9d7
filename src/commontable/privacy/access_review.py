"""The periodic access review: who can see what, and when they last did.

HIPAA's Security Rule asks for a review of information system activity and of who holds access
(45 CFR 164.308(a)(1)(ii)(D), 164.308(a)(4)); this is the list an admin goes through: every
person with their roles, the patient-level data those roles open, their last sign-in and last
patient-level access (from the audit log), and every API token with its last use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from commontable.audit import AuditAction, AuditEvent
from commontable.members import ApiToken, Person, Role

# Audit actions that show or change patient-level data.
PATIENT_LEVEL = (
    AuditAction.VIEW_SUBMISSION,
    AuditAction.VIEW_QUARANTINE,
    AuditAction.DOWNLOAD_QUARANTINE,
    AuditAction.VIEW_MATCH_REVIEW,
    AuditAction.DECIDE_MATCH,
)


def patient_level_access(roles: frozenset[Role]) -> list[str]:
    """What patient-level data a set of roles opens, in words (the rules of privacy.access)."""
    opens = []
    if {Role.STAFF, Role.DATA_STEWARD} <= roles:
        opens += [
            "match review: every organization's records",
            "quarantined rows: every organization's submissions",
            "suppressed and withheld result figures: every organization",
        ]
    if Role.ANALYST in roles:
        opens.append("match review: own organization's records")
    if Role.DATA_SUBMITTER in roles:
        opens.append("quarantined rows: own organization's submissions")
    return opens


@dataclass(frozen=True)
class PersonAccess:
    """One person as the review lists them."""

    person: Person
    opens: list[str]
    last_sign_in: datetime | None
    last_patient_access: datetime | None


def people_access(session: Session) -> list[PersonAccess]:
    """Every person, those who can reach patient-level data first, then by organization."""
    last_access = dict(
        session.execute(
            select(AuditEvent.actor_person_id, func.max(AuditEvent.at))
            .where(AuditEvent.action.in_([str(a) for a in PATIENT_LEVEL]))
            .where(AuditEvent.actor_person_id.is_not(None))
            .group_by(AuditEvent.actor_person_id)
        ).all()
    )
    people = session.scalars(
        select(Person).options(selectinload(Person.role_grants), selectinload(Person.organization))
    )
    found = [
        PersonAccess(
            person,
            patient_level_access(person.roles),
            person.last_login_at,
            last_access.get(person.id),
        )
        for person in people
    ]
    return sorted(found, key=lambda a: (not a.opens, a.person.organization.name, a.person.name))


def api_tokens(session: Session) -> list[ApiToken]:
    """Every API token, live ones first."""
    query = select(ApiToken).options(selectinload(ApiToken.organization))
    return sorted(
        session.scalars(query),
        key=lambda t: (t.revoked_at is not None, t.organization.name, t.name),
    )

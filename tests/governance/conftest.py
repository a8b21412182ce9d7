"""Governance tests: the pure counting and statistics, and the app DB on SQLite and PostgreSQL
(tests/app_fixtures.py) with a small table of member organizations and their representatives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from commontable.members import (
    Collaborative,
    CollaborativeType,
    MembershipRole,
    Organization,
    OrganizationType,
    Person,
    Role,
    add_collaborative,
    add_membership,
    add_organization,
    add_person,
)
from tests.app_fixtures import app_db, db
from tests.web.conftest import (  # the page tests' app, client and personas
    app,
    client,
    empty_warehouse,
    quick_password_hashes,
    region,
    settings,
)

__all__ = [
    "app",
    "app_db",
    "client",
    "db",
    "empty_warehouse",
    "quick_password_hashes",
    "region",
    "settings",
]

NOW = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)
LATER = datetime(2025, 3, 10, 17, 0, tzinfo=UTC)
SEATED = date(2024, 1, 1)
MEMBERS = {
    "plan": ("Cascade Health Plan", OrganizationType.HEALTH_PLAN),
    "clinic": ("Riverside Community Clinic", OrganizationType.CLINIC),
    "employer": ("Harbor Shipyards", OrganizationType.PURCHASER),
    "cbo": ("Sound Food Bank", OrganizationType.CBO),
}


@dataclass
class Table:
    """A collaborative of four member organizations, each with a member representative; a
    non-member hospital with its own representative; staff."""

    collaborative: Collaborative
    members: dict[str, Organization]
    reps: dict[str, Person]
    outsider: Person  # the member representative of a hospital that is not a member
    staff: Person


@pytest.fixture
def table(db: Session) -> Table:
    collaborative = add_collaborative(db, "Riverbend Health Network", CollaborativeType.NETWORK)
    members, reps = {}, {}
    for key, (name, kind) in MEMBERS.items():
        members[key] = add_organization(db, name, kind)
        add_membership(db, collaborative, members[key], MembershipRole.MEMBER, start=SEATED)
        reps[key] = add_person(
            db,
            f"rep@{key}.example",
            f"{name} rep",
            members[key],
            roles=[Role.MEMBER_REPRESENTATIVE],
        )
    hospital = add_organization(db, "Valley Hospital", OrganizationType.HOSPITAL)
    outsider = add_person(
        db, "rep@valley.example", "Valley rep", hospital, roles=[Role.MEMBER_REPRESENTATIVE]
    )
    staff = add_person(
        db, "director@riverbend.example", "Dana Director", members["plan"], roles=[Role.STAFF]
    )
    return Table(collaborative, members, reps, outsider, staff)

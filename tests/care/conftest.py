"""Care tests on the app DB (SQLite and PostgreSQL, tests/app_fixtures.py), with a hospital that
sends the feed, a clinic and a plan that follow people, and an unrelated clinic."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from commontable.audit import Actor
from commontable.care.models import CareTeam, SubscriptionSource, TeamKind
from commontable.care.teams import create_team, follow
from commontable.members import Organization, OrganizationType, add_organization
from tests.app_fixtures import app_db, db

__all__ = ["app_db", "db"]
SARAH = "P000000001"  # the person the feed's H1001 is, as the last match left it


@dataclass
class CareRegion:
    hospital: Organization
    clinic: Organization
    plan: Organization
    other_clinic: Organization
    clinic_team: CareTeam
    plan_team: CareTeam
    other_team: CareTeam


@pytest.fixture
def care_region(db: Session) -> CareRegion:
    """Sarah (P000000001) is followed by the clinic and the plan, not by the other clinic."""
    staff = Actor()
    made = [
        add_organization(db, name, kind)
        for name, kind in [
            ("Lakeside General Hospital", OrganizationType.HOSPITAL),
            ("Riverside Community Clinic", OrganizationType.CLINIC),
            ("Cascade Health Plan", OrganizationType.HEALTH_PLAN),
            ("Hilltop Family Medicine", OrganizationType.CLINIC),
        ]
    ]
    hospital, clinic, plan, other = made
    teams = [
        create_team(db, staff, clinic, "Riverside care team", TeamKind.PRIMARY_CARE),
        create_team(db, staff, plan, "Cascade care management", TeamKind.CARE_MANAGEMENT),
        create_team(db, staff, other, "Hilltop care team", TeamKind.PRIMARY_CARE),
    ]
    for team in teams[:2]:
        follow(db, staff, team, [SARAH], SubscriptionSource.ROSTER)
    follow(db, staff, teams[2], ["P000000002"], SubscriptionSource.ROSTER)
    db.commit()
    return CareRegion(hospital, clinic, plan, other, *teams)

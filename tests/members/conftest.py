"""Members tests run on SQLite and PostgreSQL (tests/app_fixtures.py), with a few organizations."""

import pytest
from sqlalchemy.orm import Session

from commontable.members import Organization, OrganizationType, add_organization
from tests.app_fixtures import app_db, db
from tests.web.conftest import (  # the page tests' app, client and personas
    app,
    client,
    empty_warehouse,
    region,
    settings,
)

__all__ = [
    "app",
    "app_db",
    "client",
    "clinic",
    "db",
    "empty_warehouse",
    "plan",
    "region",
    "settings",
]

# CMS's own example of a valid NPI, and more with check digits from the CMS Luhn rule.
NPI = "1234567893"
OTHER_NPIS = ("1000000004", "1987654328", "1543219871")


@pytest.fixture
def plan(db: Session) -> Organization:
    """A health plan with an NPI and a TIN."""
    return add_organization(
        db, "Cascade Health Plan", OrganizationType.HEALTH_PLAN, npi=NPI, tin="12-3456789"
    )


@pytest.fixture
def clinic(db: Session) -> Organization:
    """A community clinic."""
    return add_organization(db, "Riverside Community Clinic", OrganizationType.CLINIC)

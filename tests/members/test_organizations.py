"""Organizations: unique names and NPIs, parent organizations, and sites with addresses."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from commontable.errors import Conflict, NotFound, UserError
from commontable.members import (
    Organization,
    OrganizationType,
    SiteType,
    add_organization,
    add_site,
    find_organization,
    list_organizations,
    set_parent_organization,
)
from tests.members.conftest import NPI, OTHER_NPIS


def test_an_organization_keeps_its_type_and_identifiers(plan: Organization) -> None:
    assert plan.type is OrganizationType.HEALTH_PLAN
    assert (plan.npi, plan.tin) == (NPI, "123456789")
    assert plan.created_at.tzinfo is not None


def test_names_are_unique_whatever_their_case(db: Session, plan: Organization) -> None:
    with pytest.raises(Conflict, match="already exists"):
        add_organization(db, "CASCADE health plan", OrganizationType.HOSPITAL)


def test_two_organizations_cannot_share_an_npi(db: Session, plan: Organization) -> None:
    with pytest.raises(Conflict, match=f"NPI {NPI} already belongs to 'Cascade Health Plan'"):
        add_organization(db, "Other", OrganizationType.HOSPITAL, npi=NPI)


def test_an_npi_with_a_wrong_check_digit_is_refused(db: Session) -> None:
    with pytest.raises(UserError, match="NPI '1234567890' is not valid"):
        add_organization(db, "Acme", OrganizationType.HOSPITAL, npi="1234567890")


def test_a_tin_with_eight_digits_is_refused(db: Session) -> None:
    with pytest.raises(UserError, match="9 digits"):
        add_organization(db, "Acme", OrganizationType.HOSPITAL, tin="12-345678")


def test_a_clinic_sits_under_its_medical_group(db: Session) -> None:
    group = add_organization(db, "Valley Medical Group", OrganizationType.CLINIC)
    east = add_organization(db, "Valley East", OrganizationType.CLINIC, parent=group)
    assert east.parent is group
    assert group.children == [east]


def test_an_organization_cannot_sit_under_its_own_part(db: Session) -> None:
    group = add_organization(db, "Valley Medical Group", OrganizationType.CLINIC)
    east = add_organization(db, "Valley East", OrganizationType.CLINIC, parent=group)
    with pytest.raises(UserError, match="which is part of it"):
        set_parent_organization(db, group, east)


def test_found_by_name_in_any_case_or_by_id(db: Session, plan: Organization) -> None:
    assert find_organization(db, "cascade HEALTH plan") is plan
    assert find_organization(db, str(plan.id)) is plan


def test_an_unknown_organization_says_how_to_add_one(db: Session) -> None:
    with pytest.raises(NotFound, match="commontable org add"):
        find_organization(db, "Nobody")


def test_organizations_are_listed_by_name_and_filtered_by_type(
    db: Session, plan: Organization, clinic: Organization
) -> None:
    assert list_organizations(db) == [plan, clinic]
    assert list_organizations(db, OrganizationType.CLINIC) == [clinic]


def test_a_site_has_a_type_and_an_address(db: Session, clinic: Organization) -> None:
    site = add_site(
        db,
        clinic,
        "Eastside",
        SiteType.CLINIC,
        address="12 Pine St",
        city="Tacoma",
        state="wa",
        zip_code="98402",
        npi=OTHER_NPIS[0],
    )
    assert clinic.sites == [site]
    assert (site.type, site.state, site.zip_code, site.npi) == (
        SiteType.CLINIC,
        "WA",
        "98402",
        OTHER_NPIS[0],
    )


def test_site_names_are_unique_within_an_organization(db: Session, clinic: Organization) -> None:
    address = {"address": "1 Main St", "city": "Tacoma", "state": "WA", "zip_code": "98402"}
    add_site(db, clinic, "Main", SiteType.CLINIC, **address)
    with pytest.raises(Conflict, match="already has a site named 'main'"):
        add_site(db, clinic, "main", SiteType.PHARMACY, **address)


@pytest.mark.parametrize(
    ("state", "zip_code", "problem"),
    [("Washington", "98402", "two-letter"), ("WA", "9840", "5 digits")],
)
def test_a_site_address_needs_a_state_code_and_a_zip_code(
    db: Session, clinic: Organization, state: str, zip_code: str, problem: str
) -> None:
    with pytest.raises(UserError, match=problem):
        add_site(
            db,
            clinic,
            "Main",
            SiteType.CLINIC,
            address="1 Main St",
            city="Tacoma",
            state=state,
            zip_code=zip_code,
        )

"""People belong to an organization, sign in by email, and hold one or more roles."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commontable.errors import Conflict, Forbidden, UserError
from commontable.members import (
    Organization,
    Person,
    Role,
    add_person,
    find_person,
    grant_role,
    has_role,
    people_of,
    people_with_role,
    require_role,
    revoke_role,
)


@pytest.fixture
def analyst(db: Session, plan: Organization) -> Person:
    return add_person(
        db, "Grace.Hopper@Cascade.example", "Grace Hopper", plan, roles=[Role.ANALYST]
    )


def test_emails_are_stored_in_lower_case(analyst: Person) -> None:
    assert analyst.email == "grace.hopper@cascade.example"


def test_a_person_is_found_by_email_in_any_case(db: Session, analyst: Person) -> None:
    assert find_person(db, " GRACE.hopper@cascade.EXAMPLE ") is analyst
    assert find_person(db, "nobody@cascade.example") is None


def test_an_email_is_used_by_one_person_only(
    db: Session, analyst: Person, clinic: Organization
) -> None:
    with pytest.raises(Conflict, match="grace.hopper@cascade.example already exists"):
        add_person(db, "GRACE.HOPPER@cascade.example", "Someone Else", clinic)


def test_the_database_refuses_a_mixed_case_email(db: Session, plan: Organization) -> None:
    insert = sa.text(
        "INSERT INTO people (email, name, organization_id, active, created_at) "
        "VALUES ('Ada@Example.org', 'Ada', :org, true, '2025-01-01 00:00:00')"
    )
    with pytest.raises(IntegrityError):
        db.execute(insert, {"org": plan.id})


@pytest.mark.parametrize("email", ["grace", "grace@", "grace@cascade", "grace hopper@x.org"])
def test_a_malformed_email_is_refused(db: Session, plan: Organization, email: str) -> None:
    with pytest.raises(UserError, match="is not an email address"):
        add_person(db, email, "Grace", plan)


def test_a_person_belongs_to_an_organization(
    db: Session, analyst: Person, plan: Organization
) -> None:
    assert analyst.organization is plan
    assert people_of(db, plan) == [analyst]


def test_a_person_without_a_password_cannot_sign_in_yet(analyst: Person) -> None:
    assert analyst.password_hash is None


def test_a_person_may_hold_several_roles(db: Session, analyst: Person) -> None:
    grant_role(db, analyst, Role.DATA_SUBMITTER)
    assert analyst.roles == {Role.ANALYST, Role.DATA_SUBMITTER}


def test_granting_a_role_twice_changes_nothing(db: Session, analyst: Person) -> None:
    grant_role(db, analyst, Role.ANALYST)
    assert len(analyst.role_grants) == 1


def test_a_revoked_role_is_gone(db: Session, analyst: Person) -> None:
    revoke_role(db, analyst, Role.ANALYST)
    db.expire_all()
    assert analyst.roles == frozenset()


def test_people_with_a_role_are_listed_by_email(
    db: Session, analyst: Person, plan: Organization
) -> None:
    other = add_person(db, "ada@cascade.example", "Ada", plan, roles=[Role.ANALYST])
    assert people_with_role(db, Role.ANALYST) == [other, analyst]
    assert people_with_role(db, Role.ADMIN) == []


def test_a_role_check_passes_for_any_of_the_roles_asked_for(analyst: Person) -> None:
    assert has_role(analyst, Role.STAFF, Role.ANALYST)
    assert not has_role(analyst, Role.CARE_TEAM)


def test_an_admin_passes_every_role_check(db: Session, plan: Organization) -> None:
    admin = add_person(db, "admin@cascade.example", "Admin", plan, roles=[Role.ADMIN])
    require_role(admin, Role.CARE_TEAM)


def test_a_missing_role_is_forbidden_and_says_which_is_needed(analyst: Person) -> None:
    with pytest.raises(Forbidden, match="needs the care team or staff role"):
        require_role(analyst, Role.CARE_TEAM, Role.STAFF)

"""The access rules, one by one: admins pass, systems stay on the API, organizations see their
own, and only admins hand out the admin and staff roles."""

from __future__ import annotations

from commontable.members import Role
from commontable.privacy.access import (
    POLICY,
    SIGNED_IN,
    STAFF,
    SUBMITTER_OF_ORGANIZATION,
    Principal,
    may,
    may_grant,
    may_see_people_of,
    may_see_quarantine_of,
)

OWN, OTHER = 1, 2


def person(*roles: Role, organization: int = OWN) -> Principal:
    return Principal(organization, frozenset(roles), "someone", person_id=10)


SYSTEM = Principal(OWN, frozenset({Role.DATA_SUBMITTER}), "API token", token_id=3)


def test_an_admin_passes_every_rule() -> None:
    admin = person(Role.ADMIN, organization=OTHER)
    assert all(rule.allows(admin, OWN) for rule in POLICY.values())


def test_nobody_passes_a_rule_that_is_not_public() -> None:
    assert not SIGNED_IN.allows(None)


def test_an_unknown_route_is_refused_to_an_admin() -> None:
    assert not may("no.such.route", person(Role.ADMIN))


def test_a_data_submitter_passes_for_their_own_organization_only() -> None:
    submitter = person(Role.DATA_SUBMITTER)
    assert SUBMITTER_OF_ORGANIZATION.allows(submitter, OWN)
    assert not SUBMITTER_OF_ORGANIZATION.allows(submitter, OTHER)
    assert not SUBMITTER_OF_ORGANIZATION.allows(submitter, None)


def test_staff_pass_for_every_organization() -> None:
    assert SUBMITTER_OF_ORGANIZATION.allows(person(Role.STAFF), OTHER)


def test_an_api_token_is_kept_to_rules_for_systems() -> None:
    assert not SIGNED_IN.allows(SYSTEM)
    assert SIGNED_IN.for_systems().allows(SYSTEM)
    assert not STAFF.for_systems().allows(SYSTEM)


def test_quarantined_rows_are_for_the_organizations_submitters_and_staff() -> None:
    assert may_see_quarantine_of(person(Role.DATA_SUBMITTER), OWN)
    assert not may_see_quarantine_of(person(Role.ANALYST), OWN)
    assert not may_see_quarantine_of(person(Role.DATA_SUBMITTER), OTHER)
    assert may_see_quarantine_of(person(Role.STAFF), OTHER)


def test_people_are_seen_by_their_own_organization_and_staff() -> None:
    assert may_see_people_of(person(Role.VIEWER), OWN)
    assert not may_see_people_of(person(Role.VIEWER), OTHER)
    assert may_see_people_of(person(Role.STAFF), OTHER)


def test_only_admins_make_admins_and_staff() -> None:
    assert may_grant(person(Role.ADMIN), Role.ADMIN)
    assert not may_grant(person(Role.STAFF), Role.ADMIN)
    assert not may_grant(person(Role.STAFF), Role.STAFF)
    assert may_grant(person(Role.STAFF), Role.DATA_SUBMITTER)
    assert not may_grant(person(Role.MEMBER_REPRESENTATIVE), Role.VIEWER)


def test_the_organization_is_looked_up_only_when_it_decides() -> None:
    assert SUBMITTER_OF_ORGANIZATION.turns_on_organization(person(Role.DATA_SUBMITTER))
    assert not SUBMITTER_OF_ORGANIZATION.turns_on_organization(person(Role.STAFF))
    assert not SUBMITTER_OF_ORGANIZATION.turns_on_organization(person(Role.VIEWER))

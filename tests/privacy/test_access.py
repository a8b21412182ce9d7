"""The access rules, one by one: admins pass all but patient-level rules, systems stay on the
API within their scopes, organizations see their own, the data steward sees patient-level data,
and only admins hand out the admin, staff and data steward roles."""

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


SYSTEM = Principal(
    OWN, frozenset({Role.DATA_SUBMITTER}), "API token", token_id=3, scopes=frozenset({"read"})
)
STEWARD = person(Role.STAFF, Role.DATA_STEWARD, organization=OTHER)


def test_an_admin_passes_every_rule_but_the_patient_level_ones() -> None:
    admin = person(Role.ADMIN, organization=OTHER)
    rules = POLICY.values()
    assert all(rule.allows(admin, OWN) for rule in rules if not rule.patient_level)
    assert not any(rule.allows(admin, OWN) for rule in rules if rule.patient_level)


def test_the_data_steward_passes_every_patient_level_rule_open_to_stewards() -> None:
    rules = [rule for rule in POLICY.values() if rule.patient_level and rule.stewards]
    assert all(rule.allows(STEWARD, OWN) for rule in rules)


def test_the_data_steward_does_not_see_care_teams_notifications_or_gaps() -> None:
    care = [rule for name, rule in POLICY.items() if name.startswith(("care.", "api.care_"))]
    closed = [rule for rule in care if rule.patient_level]
    assert closed
    assert not any(rule.allows(STEWARD, OWN) for rule in closed)


def test_the_data_steward_role_without_staff_is_no_steward() -> None:
    alone = person(Role.DATA_STEWARD, organization=OTHER)
    assert not any(rule.allows(alone, OWN) for rule in POLICY.values() if rule.patient_level)


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


def test_an_api_token_is_kept_to_rules_for_systems_and_its_scopes() -> None:
    assert not SIGNED_IN.allows(SYSTEM)
    assert SIGNED_IN.for_systems("read").allows(SYSTEM)
    assert not SIGNED_IN.for_systems("submit").allows(SYSTEM)
    assert not STAFF.for_systems("read").allows(SYSTEM)


def test_quarantined_rows_are_for_the_organizations_submitters_and_the_data_steward() -> None:
    assert may_see_quarantine_of(person(Role.DATA_SUBMITTER), OWN)
    assert not may_see_quarantine_of(person(Role.ANALYST), OWN)
    assert not may_see_quarantine_of(person(Role.DATA_SUBMITTER), OTHER)
    assert not may_see_quarantine_of(person(Role.STAFF), OTHER)
    assert may_see_quarantine_of(STEWARD, OWN)


def test_people_are_seen_by_their_own_organization_and_staff() -> None:
    assert may_see_people_of(person(Role.VIEWER), OWN)
    assert not may_see_people_of(person(Role.VIEWER), OTHER)
    assert may_see_people_of(person(Role.STAFF), OTHER)


def test_only_admins_make_admins_staff_and_data_stewards() -> None:
    assert may_grant(person(Role.ADMIN), Role.ADMIN)
    assert may_grant(person(Role.ADMIN), Role.DATA_STEWARD)
    assert not may_grant(person(Role.STAFF), Role.ADMIN)
    assert not may_grant(person(Role.STAFF), Role.STAFF)
    assert not may_grant(person(Role.STAFF), Role.DATA_STEWARD)
    assert may_grant(person(Role.STAFF), Role.DATA_SUBMITTER)
    assert not may_grant(person(Role.MEMBER_REPRESENTATIVE), Role.VIEWER)


def test_the_organization_is_looked_up_only_when_it_decides() -> None:
    assert SUBMITTER_OF_ORGANIZATION.turns_on_organization(person(Role.DATA_SUBMITTER))
    assert not SUBMITTER_OF_ORGANIZATION.turns_on_organization(person(Role.STAFF))
    assert not SUBMITTER_OF_ORGANIZATION.turns_on_organization(person(Role.VIEWER))

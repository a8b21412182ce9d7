"""Authority over shared data: the roster from the collaborative, claims from payers, clinical
records from those who give care."""

from __future__ import annotations

import pytest

from commontable.members import Organization, OrganizationType
from commontable.members.authority import SENDERS, own_payers, refused_tables
from commontable.warehouse.contracts import CONTRACTS

T = OrganizationType


def member(kind: OrganizationType) -> Organization:
    return Organization(name=f"A {kind.value}", type=kind)


def test_every_table_has_its_senders() -> None:
    assert set(SENDERS) == set(CONTRACTS)


@pytest.mark.parametrize("kind", [k for k in T if k is not T.COLLABORATIVE])
def test_only_the_collaborative_sends_the_roster(kind: OrganizationType) -> None:
    refused = refused_tables(member(kind))
    assert {"organization", "practitioner", "location"} <= set(refused)
    assert "only it sends organizations" in refused["organization"]


def test_the_collaborative_sends_the_roster() -> None:
    assert "organization" not in refused_tables(member(T.COLLABORATIVE))


@pytest.mark.parametrize("kind", [T.HEALTH_PLAN, T.PURCHASER])
def test_payers_send_claims_and_eligibility(kind: OrganizationType) -> None:
    refused = refused_tables(member(kind))
    assert not {"eligibility", "medical_claim", "pharmacy_claim"} & set(refused)
    assert "encounter" in refused


@pytest.mark.parametrize("kind", [T.CLINIC, T.HOSPITAL, T.CBO, T.PUBLIC_HEALTH])
def test_no_one_but_payers_sends_claims(kind: OrganizationType) -> None:
    refused = refused_tables(member(kind))
    assert {"eligibility", "medical_claim", "pharmacy_claim"} <= set(refused)
    assert refused["eligibility"].startswith(f"A {kind.value} ({kind.value.replace('_', ' ')})")


def test_a_community_organization_sends_its_clients_and_their_screenings() -> None:
    refused = refused_tables(member(T.CBO))
    assert not {"patient", "sdoh_screening"} & set(refused)
    assert "encounter" in refused


def test_a_plan_may_name_itself_and_its_subsidiaries_as_payer() -> None:
    plan = Organization(name="Cascade Health Plan", type=T.HEALTH_PLAN, roster_id="ORG-PLAN-1")
    plan.children = [Organization(name="Cascade Advantage", type=T.HEALTH_PLAN)]
    assert own_payers(plan) == {"cascade health plan", "org-plan-1", "cascade advantage"}


def test_members_that_send_no_claims_name_no_payers() -> None:
    assert own_payers(member(T.CLINIC)) is None

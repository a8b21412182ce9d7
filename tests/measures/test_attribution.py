"""Attribution of patients to clinic, medical group, health plan and county (2025)."""

from __future__ import annotations

import pytest

from commontable.warehouse import Warehouse
from tests.measures.tiny_region import (
    CLINIC_ID,
    CLINIC_NPI,
    CLINICIAN_NPI,
    PLAN_ID,
    Outcome,
    TinyRegion,
    evaluate,
)

ED = "ED-VISITS"  # every covered person has a row: their attribution is read from it


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    region.person("more-visits-at-b", "1980-01-01")
    region.visit("more-visits-at-b", "2025-11-01", "A")
    region.visit("more-visits-at-b", "2025-02-01", "B")
    region.visit("more-visits-at-b", "2025-03-01", "B")
    region.person("tie-latest-at-a", "1980-01-01")
    region.visit("tie-latest-at-a", "2025-02-01", "B")
    region.visit("tie-latest-at-a", "2025-10-01", "A")
    region.person("tie-latest-at-b", "1980-01-01")
    region.visit("tie-latest-at-b", "2025-02-01", "A")
    region.visit("tie-latest-at-b", "2025-10-01", "B")
    region.person("one-visit-in-claim-and-chart", "1980-01-01")
    region.visit("one-visit-in-claim-and-chart", "2025-05-01", "A")
    billed_by_a = {"hcpcs_code": "99213", "billing_npi": CLINIC_NPI["A"]}
    region.claim("one-visit-in-claim-and-chart", "2025-05-01", **billed_by_a)
    region.visit("one-visit-in-claim-and-chart", "2025-01-10", "B")
    region.visit("one-visit-in-claim-and-chart", "2025-01-20", "B")
    region.person("only-last-year", "1980-01-01")
    region.visit("only-last-year", "2024-06-01", "B")
    region.person("this-year-before-last-year", "1980-01-01")
    region.visit("this-year-before-last-year", "2025-04-01", "A")
    for when in ("2024-02-01", "2024-05-01", "2024-09-01"):
        region.visit("this-year-before-last-year", when, "B")
    region.person("seen-by-a-clinic-b-doctor", "1980-01-01")
    elsewhere = {"hcpcs_code": "99214", "billing_npi": "1999999999"}
    region.claim(
        "seen-by-a-clinic-b-doctor", "2025-05-01", rendering_npi=CLINICIAN_NPI["B"], **elsewhere
    )
    region.person("not-seen", "1980-01-01")
    region.person("patient-of-river-clinic", "1980-01-01")
    region.visit("patient-of-river-clinic", "2025-05-01", "C")
    region.person("changed-plan-in-july", "1980-01-01", covered=False)
    region.coverage("changed-plan-in-july", "2024-01-01", "2025-06-30")
    region.coverage("changed-plan-in-july", "2025-07-01", None, "Beta Care", "medicaid")
    region.person("coverage-ended-in-october", "1980-01-01", covered=False)
    region.coverage("coverage-ended-in-october", "2025-01-01", "2025-10-31")
    region.person("county-with-suffix", "1980-01-01", zip_code="14450", county="Monroe County")
    region.person("zip-without-county", "1980-01-01", zip_code="14999", county=None)
    return evaluate(region, deck_warehouse, [ED])


def _clinic(deck: Outcome, name: str) -> str | None:
    return deck.flags(name, ED)["clinic"]


def test_the_clinic_with_most_visits_is_attributed(deck: Outcome) -> None:
    assert _clinic(deck, "more-visits-at-b") == CLINIC_ID["B"]


def test_a_tie_goes_to_the_clinic_seen_most_recently(deck: Outcome) -> None:
    assert _clinic(deck, "tie-latest-at-a") == CLINIC_ID["A"]
    assert _clinic(deck, "tie-latest-at-b") == CLINIC_ID["B"]


def test_a_visit_on_both_the_claim_and_the_chart_counts_once(deck: Outcome) -> None:
    assert _clinic(deck, "one-visit-in-claim-and-chart") == CLINIC_ID["B"]


def test_without_visits_in_the_period_the_prior_year_attributes(deck: Outcome) -> None:
    assert _clinic(deck, "only-last-year") == CLINIC_ID["B"]


def test_visits_in_the_period_come_before_the_prior_year(deck: Outcome) -> None:
    assert _clinic(deck, "this-year-before-last-year") == CLINIC_ID["A"]


def test_a_visit_billed_elsewhere_goes_to_the_clinicians_clinic(deck: Outcome) -> None:
    assert _clinic(deck, "seen-by-a-clinic-b-doctor") == CLINIC_ID["B"]


def test_a_patient_without_visits_has_no_clinic(deck: Outcome) -> None:
    assert _clinic(deck, "not-seen") is None


def test_the_medical_group_is_the_clinics_parent(deck: Outcome) -> None:
    assert deck.flags("patient-of-river-clinic", ED)["medical_group"] == "ORG-GRP-2"
    assert deck.flags("more-visits-at-b", ED)["medical_group"] == "ORG-GRP-1"


def test_the_health_plan_is_the_coverage_on_the_last_day(deck: Outcome) -> None:
    flags = deck.flags("changed-plan-in-july", ED)
    assert (flags["health_plan"], flags["payer_type"]) == ("ORG-PLAN-2", "medicaid")
    assert deck.flags("more-visits-at-b", ED)["health_plan"] == PLAN_ID


def test_coverage_ended_before_the_last_day_has_no_health_plan(deck: Outcome) -> None:
    flags = deck.flags("coverage-ended-in-october", ED)
    assert flags["health_plan"] is None
    assert flags["payer_type"] == "unknown"


def test_the_county_comes_from_the_zip_code_without_its_suffix(deck: Outcome) -> None:
    assert deck.flags("county-with-suffix", ED)["county"] == "Monroe"


def test_a_zip_code_no_member_names_a_county_for_has_no_county(deck: Outcome) -> None:
    assert deck.flags("zip-without-county", ED)["county"] is None
    assert (
        deck.result(ED, "collaborative", "collaborative", "county", "unknown")["denominator"] == 1
    )

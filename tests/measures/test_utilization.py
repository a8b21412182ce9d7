"""ED visits and inpatient admissions per 1,000 member-years, from hand-written claims (2025)."""

from __future__ import annotations

import pytest

from commontable.warehouse import Warehouse
from tests.measures.tiny_region import Outcome, TinyRegion, day, evaluate

ED, ADMISSIONS = "ED-VISITS", "IP-ADMISSIONS"
ER_FACILITY = {
    "claim_type": "institutional",
    "bill_type_code": "131",
    "revenue_center_code": "0450",
}
ER_PHYSICIAN = {"hcpcs_code": "99284", "place_of_service_code": "23"}
INPATIENT = {"claim_type": "institutional", "bill_type_code": "111", "revenue_center_code": "0120"}


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    region.person("facility-and-physician-claims-one-day", "1980-01-01")
    region.claim("facility-and-physician-claims-one-day", "2025-03-01", **ER_FACILITY)
    region.claim("facility-and-physician-claims-one-day", "2025-03-01", **ER_PHYSICIAN)
    region.person("emergency-visits-on-two-days", "1980-01-01")
    region.claim("emergency-visits-on-two-days", "2025-03-01", **ER_FACILITY)
    region.claim("emergency-visits-on-two-days", "2025-09-14", revenue_center_code="0981")
    region.person("emergency-code-in-the-office", "1980-01-01")
    office = {"hcpcs_code": "99284", "place_of_service_code": "11"}
    region.claim("emergency-code-in-the-office", "2025-03-01", **office)
    region.person("visit-before-the-period", "1980-01-01")
    region.claim("visit-before-the-period", "2024-12-31", **ER_FACILITY)
    region.person("one-stay-billed-twice", "1950-01-01")
    for start, end in (("2025-05-01", "2025-05-31"), ("2025-06-01", "2025-06-10")):
        admitted = day("2025-05-01")
        region.claim("one-stay-billed-twice", start, end=end, admission_date=admitted, **INPATIENT)
    region.person("half-year-member", "1980-01-01", covered=False)
    region.coverage("half-year-member", "2025-01-01", "2025-07-01")
    region.claim("half-year-member", "2025-02-01", **ER_FACILITY)
    region.person("two-plans-at-once", "1980-01-01", covered=False)
    region.coverage("two-plans-at-once", "2024-01-01", None)
    region.coverage("two-plans-at-once", "2025-01-01", "2025-12-31", "Beta Care", "medicaid")
    region.person("never-covered", "1980-01-01", covered=False)
    region.claim("never-covered", "2025-03-01", **ER_FACILITY)
    return evaluate(region, deck_warehouse, [ED, ADMISSIONS])


def test_claims_of_one_visit_on_one_day_count_once(deck: Outcome) -> None:
    assert deck.flags("facility-and-physician-claims-one-day", ED)["numerator_count"] == 1


def test_emergency_visits_on_two_days_count_twice(deck: Outcome) -> None:
    assert deck.flags("emergency-visits-on-two-days", ED)["numerator_count"] == 2


def test_an_emergency_code_billed_in_the_office_is_not_an_emergency_visit(deck: Outcome) -> None:
    assert deck.flags("emergency-code-in-the-office", ED)["numerator_count"] == 0


def test_visits_before_the_period_do_not_count(deck: Outcome) -> None:
    assert deck.flags("visit-before-the-period", ED)["numerator_count"] == 0


def test_a_stay_billed_in_two_claims_is_one_admission(deck: Outcome) -> None:
    assert deck.flags("one-stay-billed-twice", ADMISSIONS)["numerator_count"] == 1


def test_member_years_are_the_share_of_the_period_covered(deck: Outcome) -> None:
    covered_days = 182  # 1 January to 1 July 2025
    member_years = deck.flags("half-year-member", ED)["member_years"]
    assert member_years == pytest.approx(covered_days / 365)


def test_overlapping_coverage_is_not_counted_twice(deck: Outcome) -> None:
    assert deck.flags("two-plans-at-once", ED)["member_years"] == pytest.approx(1.0)


def test_people_never_covered_are_not_in_a_rate_per_1000(deck: Outcome) -> None:
    assert deck.flags("never-covered", ED) is None


def test_the_rate_is_events_per_1000_member_years(deck: Outcome) -> None:
    result = deck.result(ED)
    assert result["rate"] == pytest.approx(result["numerator"] / result["member_years"] * 1000)
    assert result["ci_low"] < result["rate"] < result["ci_high"]

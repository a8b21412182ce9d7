"""Total cost of care per member per month: member-months, paid amounts, service categories."""

from __future__ import annotations

import pytest

from commontable.measures.library import cost_of_care
from commontable.warehouse import Warehouse
from tests.measures.tiny_region import Outcome, TinyRegion, evaluate

COSTS = [m.id for m in cost_of_care.MEASURES]
TOTAL = "TCOC-PMPM"
ER_FACILITY = {
    "claim_type": "institutional",
    "bill_type_code": "131",
    "revenue_center_code": "0450",
}
OUTPATIENT = {"claim_type": "institutional", "bill_type_code": "131", "revenue_center_code": "0360"}


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    region.person("covered-15-feb-to-10-apr", "1980-01-01", covered=False)
    region.coverage("covered-15-feb-to-10-apr", "2025-02-15", "2025-04-10")
    region.person("two-plans-in-march", "1980-01-01", covered=False)
    region.coverage("two-plans-in-march", "2025-03-01", "2025-03-31")
    region.coverage("two-plans-in-march", "2025-03-15", "2025-03-31", "Beta Care", "medicaid")
    region.person("one-of-everything", "1960-01-01")
    region.stay("one-of-everything", "2025-02-01", "2025-02-03", paid_amount=6000)
    region.claim("one-of-everything", "2025-02-01", hcpcs_code="99223", place_of_service_code="21")
    region.claim("one-of-everything", "2025-03-01", paid_amount=450, **ER_FACILITY)
    region.claim("one-of-everything", "2025-03-01", hcpcs_code="99284", place_of_service_code="23")
    region.claim("one-of-everything", "2025-04-01", paid_amount=300, **OUTPATIENT)
    region.claim("one-of-everything", "2025-05-01", hcpcs_code="99213", place_of_service_code="11")
    region.claim("one-of-everything", "2025-06-01", hcpcs_code="80053", place_of_service_code="81")
    region.fill("one-of-everything", "2025-07-01", 42.5)
    region.claim("one-of-everything", "2024-12-31", hcpcs_code="99213", place_of_service_code="11")
    region.fill("one-of-everything", "2026-01-02", 99)
    region.person("oxygen-at-home", "1950-01-01")
    region.claim("oxygen-at-home", "2025-03-01", hcpcs_code="E1390", place_of_service_code="12")
    region.person("no-claims", "1990-01-01")
    region.person("never-covered", "1990-01-01", covered=False)
    region.claim("never-covered", "2025-03-01", hcpcs_code="99213", place_of_service_code="11")
    return evaluate(region, deck_warehouse, COSTS)


def _paid(deck: Outcome, name: str, measure: str = TOTAL) -> float:
    row = deck.flags(name, measure)
    assert row is not None
    return float(row["paid_amount"])


def test_a_partly_covered_month_counts_as_a_member_month(deck: Outcome) -> None:
    assert deck.flags("covered-15-feb-to-10-apr", TOTAL)["member_months"] == 3


def test_two_plans_in_one_month_count_one_member_month(deck: Outcome) -> None:
    assert deck.flags("two-plans-in-march", TOTAL)["member_months"] == 1


def test_total_cost_adds_medical_and_pharmacy_paid_in_the_period(deck: Outcome) -> None:
    assert _paid(deck, "one-of-everything") == pytest.approx(
        6000 + 100 + 450 + 100 + 300 + 100 + 100 + 42.5
    )


@pytest.mark.parametrize(
    ("measure", "paid"),
    [
        ("COST-INPATIENT-PMPM", 6000 + 100),
        ("COST-ED-PMPM", 450 + 100),
        ("COST-OUTPATIENT-PMPM", 300),
        ("COST-OFFICE-PMPM", 100),
        ("COST-PHARMACY-PMPM", 42.5),
        ("COST-OTHER-PMPM", 100),
    ],
)
def test_each_claim_falls_in_one_service_category(deck: Outcome, measure: str, paid: float) -> None:
    assert _paid(deck, "one-of-everything", measure) == pytest.approx(paid)


def test_medical_equipment_is_other_cost_wherever_it_is_delivered(deck: Outcome) -> None:
    assert _paid(deck, "oxygen-at-home", "COST-OTHER-PMPM") == pytest.approx(100)
    assert _paid(deck, "oxygen-at-home", "COST-OUTPATIENT-PMPM") == 0


def test_a_member_without_claims_counts_with_nothing_paid(deck: Outcome) -> None:
    row = deck.flags("no-claims", TOTAL)
    assert (row["paid_amount"], row["member_months"], row["numerator"]) == (0.0, 12, False)


def test_people_never_covered_are_not_in_a_cost_measure(deck: Outcome) -> None:
    assert deck.flags("never-covered", TOTAL) is None


def test_the_rate_is_paid_per_member_month_with_an_interval(deck: Outcome) -> None:
    result = deck.result(TOTAL)
    assert result["rate"] == pytest.approx(result["paid_amount"] / result["member_months"])
    assert result["ci_low"] < result["rate"] < result["ci_high"]
    assert result["denominator"] == 5

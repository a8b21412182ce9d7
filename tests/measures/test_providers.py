"""Providers paid behind each cost figure (Statement 6): firms counted, the largest one's share."""

from __future__ import annotations

from typing import Any

import pytest

from commontable.measures.engine import code_lists
from commontable.measures.library import cost_of_care, select
from commontable.measures.period import Period
from commontable.measures.populations import people
from commontable.measures.providers import provider_shares
from commontable.measures.records import read_records
from commontable.warehouse import Warehouse
from tests.measures.tiny_region import (
    CLINIC_ID,
    CLINIC_NPI,
    CLINICIAN_NPI,
    GROUP_ID,
    HOSPITAL_ID,
    PLAN_ID,
    YEAR,
    TinyRegion,
    evaluate,
)

COSTS = [m.id for m in cost_of_care.MEASURES]
OFFICE, INPATIENT, PHARMACY, OTHER = (
    "COST-OFFICE-PMPM",
    "COST-INPATIENT-PMPM",
    "COST-PHARMACY-PMPM",
    "COST-OTHER-PMPM",
)
INDEPENDENT_NPI = "4000000001"  # a practice not on the roster
LAB_NPI = "4000000002"
PHARMACY_NPI = {"X": "5000000001", "Y": "5000000002"}
SYSTEM_TIN = "161234567"  # both hospitals belong to one health system
Shares = dict[tuple[str, str, str, str, str], tuple[int, float | None]]


def office(region: TinyRegion, name: str, billing_npi: str | None, paid: float = 100) -> None:
    region.claim(
        name,
        "2025-05-01",
        hcpcs_code="99213",
        place_of_service_code="11",
        billing_npi=billing_npi,
        paid_amount=paid,
    )


def fill(region: TinyRegion, name: str, pharmacy: str, paid: float) -> None:
    region.fill(name, "2025-06-01", paid)
    region.rows["pharmacy_claim"][-1]["dispensing_provider_npi"] = PHARMACY_NPI[pharmacy]


def _region() -> TinyRegion:
    region = TinyRegion()
    for org in region.rows["organization"]:
        if org["organization_id"] in HOSPITAL_ID.values():
            org["tin"] = SYSTEM_TIN
    region.person("seen-everywhere", "1970-01-01")
    region.visit("seen-everywhere", "2025-02-01", "A")
    office(region, "seen-everywhere", CLINIC_NPI["A"])
    office(region, "seen-everywhere", CLINIC_NPI["B"])  # the same medical group as A
    office(region, "seen-everywhere", CLINICIAN_NPI["A"])  # A's clinician: A's group
    office(region, "seen-everywhere", CLINIC_NPI["C"])
    office(region, "seen-everywhere", INDEPENDENT_NPI)
    region.stay("seen-everywhere", "2025-03-01", "2025-03-03", hospital="L", paid_amount=6000)
    region.stay("seen-everywhere", "2025-08-01", "2025-08-03", hospital="R", paid_amount=4000)
    fill(region, "seen-everywhere", "X", 20)
    fill(region, "seen-everywhere", "X", 30)
    fill(region, "seen-everywhere", "Y", 50)
    for billing_npi in (None, None, LAB_NPI):  # independent laboratory, two lines without NPI
        region.claim(
            "seen-everywhere",
            "2025-07-01",
            hcpcs_code="80053",
            place_of_service_code="81",
            billing_npi=billing_npi,
        )
    region.person("man-at-clinic-c", "1980-01-01", sex="male")
    office(region, "man-at-clinic-c", CLINIC_NPI["C"])
    region.person("nothing-paid", "1990-01-01", zip_code="14513", county="Wayne")
    return region


@pytest.fixture(scope="module")
def shares(deck_warehouse: Warehouse) -> Shares:
    evaluate(_region(), deck_warehouse, COSTS)
    return _shares(deck_warehouse)


def _shares(warehouse: Warehouse) -> Shares:
    measures = select(COSTS)
    records = read_records(warehouse, Period(YEAR), code_lists(measures))
    rows = provider_shares(records, people(records), measures).to_pyarrow().to_pylist()
    return {_key(r): (r["providers"], r["largest_provider_share"]) for r in rows}


def _key(row: dict[str, Any]) -> tuple[str, str, str, str, str]:
    return (
        row["measure_id"],
        row["entity_type"],
        row["entity_id"],
        row["stratum_type"],
        row["stratum"],
    )


def _cell(
    shares: Shares,
    measure: str,
    entity: tuple[str, str] = ("collaborative", "collaborative"),
    stratum: tuple[str, str] = ("all", "all"),
) -> tuple[int, float | None]:
    return shares[(measure, *entity, *stratum)]


def test_clinics_of_one_medical_group_and_its_clinicians_are_one_provider(shares: Shares) -> None:
    assert _cell(shares, OFFICE)[0] == 3  # group 1 (two clinics, a clinician), group 2, independent


def test_the_largest_share_is_the_largest_firms_paid_over_the_figures_total(
    shares: Shares,
) -> None:
    # Group 1 was paid 300 of the 600 paid for office care (group 2: 200, independent: 100).
    assert _cell(shares, OFFICE)[1] == pytest.approx(0.5)


def test_organizations_with_one_tin_are_one_provider(shares: Shares) -> None:
    assert _cell(shares, INPATIENT) == (1, pytest.approx(1.0))


def test_pharmacy_claims_count_the_dispensing_pharmacies(shares: Shares) -> None:
    assert _cell(shares, PHARMACY) == (2, pytest.approx(0.5))


def test_payments_without_an_npi_count_together_as_one_provider(shares: Shares) -> None:
    assert _cell(shares, OTHER) == (2, pytest.approx(2 / 3))


def test_total_cost_counts_each_firm_once_across_service_categories(shares: Shares) -> None:
    # Groups 1 and 2, the independent practice, the health system, two pharmacies, the
    # laboratory and the unknown; the health system was paid 10,000 (its two stays) of 11,000.
    providers, share = _cell(shares, "TCOC-PMPM")
    assert providers == 8
    assert share == pytest.approx(10_000 / 11_000)


def test_a_stratum_counts_only_its_members_providers(shares: Shares) -> None:
    assert _cell(shares, OFFICE, stratum=("sex", "male")) == (1, pytest.approx(1.0))


def test_an_entity_counts_only_its_members_providers(shares: Shares) -> None:
    clinic_a = _cell(shares, OFFICE, entity=("clinic", CLINIC_ID["A"]))
    assert clinic_a == (3, pytest.approx(300 / 500))
    assert _cell(shares, OFFICE, entity=("medical_group", GROUP_ID))[0] == 3
    assert _cell(shares, OFFICE, entity=("health_plan", PLAN_ID))[0] == 3


def test_a_cell_without_payments_has_no_providers_and_no_share(shares: Shares) -> None:
    assert _cell(shares, OFFICE, entity=("county", "Wayne")) == (0, None)


def test_every_cost_result_has_its_providers_and_nothing_else(
    deck_warehouse: Warehouse, shares: Shares
) -> None:
    results = deck_warehouse.table("measure_result").to_pyarrow().to_pylist()
    assert {_key(r) for r in results if r["measure_id"] in COSTS} == set(shares)


def test_measures_other_than_costs_have_no_provider_rows(
    deck_warehouse: Warehouse, shares: Shares
) -> None:
    measures = select(["CMS125"])
    records = read_records(deck_warehouse, Period(YEAR), code_lists(measures))
    found = provider_shares(records, people(records), measures).to_pyarrow()
    assert found.num_rows == 0
    assert found.schema.field("largest_provider_share").type == "double"


def test_provider_shares_are_the_same_on_every_backend(any_warehouse: Warehouse) -> None:
    _region().write(any_warehouse)
    found = _shares(any_warehouse)
    assert _cell(found, OFFICE) == (3, pytest.approx(0.5))
    assert _cell(found, OTHER) == (2, pytest.approx(2 / 3))

"""Follow-up within 7 days after hospital discharge: which discharges count, and which visits."""

from __future__ import annotations

import pytest

from commontable.warehouse import Warehouse
from tests.measures.tiny_region import HOSPITAL_ID, Outcome, TinyRegion, evaluate

FU7 = "FU7-DISCHARGE"
DISCHARGED = "2025-03-10"


def _discharged_home(region: TinyRegion, name: str, disposition: str = "01") -> None:
    region.person(name, "1960-01-01")
    region.stay(name, "2025-03-06", DISCHARGED, disposition=disposition)


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    _discharged_home(region, "office-visit-on-day-7")
    region.claim(
        "office-visit-on-day-7", "2025-03-17", hcpcs_code="99214", place_of_service_code="11"
    )
    _discharged_home(region, "office-visit-on-day-8")
    region.claim(
        "office-visit-on-day-8", "2025-03-18", hcpcs_code="99214", place_of_service_code="11"
    )
    _discharged_home(region, "visit-on-the-day-of-discharge")
    region.claim("visit-on-the-day-of-discharge", DISCHARGED, hcpcs_code="99213")
    _discharged_home(region, "transitional-care-visit")
    region.claim("transitional-care-visit", "2025-03-14", hcpcs_code="99496")
    _discharged_home(region, "seen-in-the-clinic-chart", disposition="06")
    region.visit("seen-in-the-clinic-chart", "2025-03-12", "B")
    _discharged_home(region, "discharged-to-a-nursing-facility", disposition="03")
    _discharged_home(region, "readmitted-on-day-3")
    region.stay("readmitted-on-day-3", "2025-03-13", "2025-03-16")
    region.person("discharged-on-christmas-eve", "1960-01-01")
    region.stay("discharged-on-christmas-eve", "2025-12-20", "2025-12-24")
    region.person("discharged-on-christmas-day", "1960-01-01")
    region.stay("discharged-on-christmas-day", "2025-12-21", "2025-12-25")
    return evaluate(region, deck_warehouse, [FU7])


def _only(deck: Outcome, name: str) -> dict:
    return deck.events(name, FU7)[0]


def test_a_visit_on_day_7_after_discharge_counts(deck: Outcome) -> None:
    assert _only(deck, "office-visit-on-day-7")["numerator"]


def test_a_visit_on_day_8_does_not_count(deck: Outcome) -> None:
    assert not _only(deck, "office-visit-on-day-8")["numerator"]


def test_a_visit_on_the_day_of_discharge_does_not_count(deck: Outcome) -> None:
    assert not _only(deck, "visit-on-the-day-of-discharge")["numerator"]


def test_transitional_care_management_counts(deck: Outcome) -> None:
    assert _only(deck, "transitional-care-visit")["numerator"]


def test_a_visit_in_the_clinics_chart_counts_after_discharge_to_home_health(
    deck: Outcome,
) -> None:
    assert _only(deck, "seen-in-the-clinic-chart")["numerator"]


def test_discharges_to_a_nursing_facility_are_not_in_the_measure(deck: Outcome) -> None:
    assert deck.events("discharged-to-a-nursing-facility", FU7) == []


def test_a_discharge_followed_by_a_readmission_within_7_days_is_excluded(deck: Outcome) -> None:
    first, later = deck.events("readmitted-on-day-3", FU7)
    assert first["denominator_exclusion"]
    assert not later["denominator_exclusion"]


def test_only_discharges_whose_7_days_end_in_the_period_count(deck: Outcome) -> None:
    assert len(deck.events("discharged-on-christmas-eve", FU7)) == 1
    assert deck.events("discharged-on-christmas-day", FU7) == []


def test_results_are_reported_by_discharging_hospital_and_clinic(deck: Outcome) -> None:
    assert deck.result(FU7, "hospital", HOSPITAL_ID["L"])["denominator"] > 0
    types = {r["entity_type"] for r in deck.results if r["measure_id"] == FU7}
    assert {"hospital", "clinic", "health_plan"} <= types

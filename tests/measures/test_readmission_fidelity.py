"""Readmission fidelity (2025): index stays and readmissions only at short-term acute care
hospitals, comorbidities from the year before admission, hospitals profiled by a hierarchical
model (predicted/expected), and a name that says the measure is an approximation."""

from __future__ import annotations

from typing import Any

import pytest

from commontable.measures import MEASURES
from commontable.measures.engine import code_lists
from commontable.measures.library import readmission
from commontable.measures.period import Period
from commontable.measures.records import read_records
from commontable.warehouse import Warehouse
from tests.measures.tiny_region import (
    HOSPITAL_ID,
    HOSPITAL_NPI,
    YEAR,
    Outcome,
    TinyRegion,
    evaluate,
)

HWR = "HWR-30"
PNEUMONIA, HEART_FAILURE = "J18.9", "I50.9"
IRF_PPS, PSYCHIATRIC_ROOM = "0024", "0124"


def _rehabilitation_hospital(region: TinyRegion) -> None:
    region.rows["location"].append(
        {
            "location_id": "LOC-REHAB",
            "npi": HOSPITAL_NPI["V"],
            "name": "Lakeview Rehabilitation Hospital",
            "facility_type": "Inpatient Rehabilitation Hospital",
            "data_source": "collaborative",
        }
    )


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    _rehabilitation_hospital(region)
    # Discharged to an inpatient rehabilitation facility (62), which bills 11x with revenue 0024.
    region.person("to-rehab", "1950-01-01")
    region.stay("to-rehab", "2025-03-01", "2025-03-05", disposition="62")
    region.stay("to-rehab", "2025-03-05", "2025-03-20", hospital="R", revenue=IRF_PPS)
    # The same, then back to an acute hospital on day 20 after the acute discharge.
    region.person("rehab-then-back", "1950-01-01")
    region.stay("rehab-then-back", "2025-03-01", "2025-03-05", disposition="62")
    region.stay("rehab-then-back", "2025-03-06", "2025-03-15", hospital="R", revenue=IRF_PPS)
    region.stay("rehab-then-back", "2025-03-25", "2025-03-28")
    region.person("psychiatric-unit", "1970-01-01")
    region.stay("psychiatric-unit", "2025-05-01", "2025-05-09", revenue=PSYCHIATRIC_ROOM)
    region.person("rehabilitation-hospital", "1950-01-01")
    region.stay("rehabilitation-hospital", "2025-06-01", "2025-06-15", hospital="V")
    # Comorbidity window: heart failure only on the index stay, before it, or too long before.
    region.person("failure-on-the-stay", "1950-01-01")
    region.stay(
        "failure-on-the-stay", "2025-04-01", "2025-04-05", diagnoses=(PNEUMONIA, HEART_FAILURE)
    )
    region.person("failure-before", "1950-01-01")
    region.claim("failure-before", "2025-01-10", diagnoses=(HEART_FAILURE,))
    region.stay("failure-before", "2025-04-01", "2025-04-05")
    region.person("failure-long-before", "1950-01-01")
    region.claim("failure-long-before", "2024-03-15", diagnoses=(HEART_FAILURE,))
    region.stay("failure-long-before", "2025-04-01", "2025-04-05")
    for k in range(60):  # stays at both hospitals, to fit the hierarchical model
        name = f"many-{k}"
        region.person(name, f"19{40 + k % 40}-03-01", sex="male" if k % 2 else "female")
        region.stay(name, "2025-09-01", "2025-09-05", hospital="L" if k % 3 else "R")
        if k % 4 == 0:
            region.stay(name, "2025-09-20", "2025-09-24")
    return evaluate(region, deck_warehouse, [HWR])


def _only(deck: Outcome, name: str) -> list[dict[str, Any]]:
    return deck.events(name, HWR)


def test_a_discharge_to_inpatient_rehabilitation_is_an_index_stay_not_a_transfer(
    deck: Outcome,
) -> None:
    (acute,) = _only(deck, "to-rehab")  # the rehabilitation stay is no event of its own
    assert acute["denominator"]
    assert not acute["numerator"]


def test_a_rehabilitation_stay_is_not_a_readmission_but_the_next_acute_stay_is(
    deck: Outcome,
) -> None:
    first, back = _only(deck, "rehab-then-back")
    assert first["numerator"]
    assert back["event_date"].isoformat() == "2025-03-28"


def test_a_stay_billed_as_psychiatric_room_and_board_is_not_an_acute_stay(deck: Outcome) -> None:
    assert _only(deck, "psychiatric-unit") == []


def test_a_stay_at_a_site_typed_rehabilitation_hospital_is_not_an_acute_stay(
    deck: Outcome,
) -> None:
    assert _only(deck, "rehabilitation-hospital") == []


@pytest.fixture(scope="module")
def factors(deck: Outcome, deck_warehouse: Warehouse) -> dict[str, dict[str, Any]]:
    """The risk factors of each person's index stay, by name."""
    records = read_records(deck_warehouse, Period(YEAR), code_lists([MEASURES[HWR]]))
    rows = readmission.risk_factors(records).to_pyarrow().to_pylist()
    stays = {r["event_id"]: r["person_id"] for r in deck.rows if r["measure_id"] == HWR}
    return {stays[r["event_id"]].removeprefix("P-"): r for r in rows if r["event_id"] in stays}


def test_a_diagnosis_of_the_index_stay_itself_is_not_a_comorbidity(factors: dict) -> None:
    assert factors["failure-on-the-stay"]["cc_heart_failure"] == 0


def test_a_diagnosis_in_the_year_before_admission_is_a_comorbidity(factors: dict) -> None:
    assert factors["failure-before"]["cc_heart_failure"] == 1


def test_a_diagnosis_more_than_a_year_before_admission_is_not(factors: dict) -> None:
    assert factors["failure-long-before"]["cc_heart_failure"] == 0


def test_hospitals_are_reported_predicted_over_expected(deck: Outcome) -> None:
    lake = deck.result(HWR, "hospital", HOSPITAL_ID["L"])
    assert lake["adjustment"] == "hierarchical risk model"
    assert lake["oe_ratio"] == pytest.approx(lake["predicted"] / lake["expected"])
    assert lake["oe_low"] <= lake["oe_ratio"] <= lake["oe_high"]
    assert 0 <= lake["reliability"] <= 1
    whole = deck.result(HWR)
    assert lake["risk_standardised_rate"] == pytest.approx(lake["oe_ratio"] * whole["rate"])


def test_other_entities_keep_observed_over_expected(deck: Outcome) -> None:
    plan = deck.result(HWR, "health_plan", "ORG-PLAN-1")
    assert plan["adjustment"] == "risk model"
    assert plan["predicted"] is None
    assert plan["oe_ratio"] == pytest.approx(plan["numerator"] / plan["expected"])


def test_each_counted_stay_has_a_predicted_probability_at_its_hospital(deck: Outcome) -> None:
    counted = [
        r
        for r in deck.rows
        if r["measure_id"] == HWR and r["denominator"] and not r["denominator_exclusion"]
    ]
    assert all(0 < r["predicted"] < 1 for r in counted)
    assert sum(r["expected"] for r in counted) == pytest.approx(
        sum(r["numerator"] for r in counted), rel=1e-6
    )


def test_the_measure_says_it_is_an_approximation() -> None:
    measure = MEASURES[HWR]
    assert "approximation" in measure.title
    assert "approximation" in measure.version.lower()

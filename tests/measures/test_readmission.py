"""All-cause unplanned 30-day readmission (hospital-wide): index stays, planned readmissions,
transfers, the per-stay unit, results by hospital and risk adjustment (2025)."""

from __future__ import annotations

import pytest

from commontable.warehouse import Warehouse
from tests.measures.tiny_region import HOSPITAL_ID, Outcome, TinyRegion, evaluate

HWR = "HWR-30"
HEART_FAILURE, PNEUMONIA = "I50.9", "J18.9"
CHEMOTHERAPY = "Z51.11"  # PR2: maintenance chemotherapy, always planned
KNEE_ARTHROSIS, KNEE_REPLACEMENT = "M17.11", "0SRC0J9"  # PR3: potentially planned
AMI = "I21.4"  # PR4: acute


def _index_and_return(region: TinyRegion, name: str, back: str, **readmission: object) -> None:
    """An adult's stay discharged 1 March, and an admission on `back`."""
    region.person(name, "1950-01-01")
    region.stay(name, "2025-02-25", "2025-03-01", diagnoses=(HEART_FAILURE,))
    region.stay(name, back, back, **readmission)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    _index_and_return(region, "back-on-day-30", "2025-03-31")
    _index_and_return(region, "back-on-day-31", "2025-04-01")
    _index_and_return(region, "back-for-chemotherapy", "2025-03-10", diagnoses=(CHEMOTHERAPY,))
    _index_and_return(
        region,
        "back-for-elective-knee",
        "2025-03-10",
        diagnoses=(KNEE_ARTHROSIS,),
        procedures=(KNEE_REPLACEMENT,),
    )
    _index_and_return(
        region,
        "back-for-knee-with-infarction",
        "2025-03-10",
        diagnoses=(AMI,),
        procedures=(KNEE_REPLACEMENT,),
    )
    _index_and_return(region, "back-elsewhere", "2025-03-15", hospital="R")
    region.person("planned-then-unplanned", "1950-01-01")
    region.stay("planned-then-unplanned", "2025-02-25", "2025-03-01", diagnoses=(HEART_FAILURE,))
    region.stay("planned-then-unplanned", "2025-03-05", "2025-03-06", diagnoses=(CHEMOTHERAPY,))
    region.stay("planned-then-unplanned", "2025-03-20", "2025-03-22")
    region.person("transferred", "1950-01-01")
    region.stay("transferred", "2025-05-01", "2025-05-03", disposition="02")
    region.stay("transferred", "2025-05-03", "2025-05-09", hospital="R", admit_source_code="4")
    region.person("moved-next-day", "1950-01-01")
    region.stay("moved-next-day", "2025-06-01", "2025-06-04")
    region.stay("moved-next-day", "2025-06-05", "2025-06-09", hospital="R")
    region.person("died", "1950-01-01")
    region.stay("died", "2025-07-01", "2025-07-04", disposition="20")
    region.person("left-against-advice", "1950-01-01")
    region.stay("left-against-advice", "2025-07-01", "2025-07-04", disposition="07")
    region.person("psychiatric", "1980-01-01")
    region.stay("psychiatric", "2025-07-01", "2025-07-04", diagnoses=("F20.9",))
    region.person("discharged-in-december", "1950-01-01")
    region.stay("discharged-in-december", "2025-11-28", "2025-12-02")
    region.person("coverage-ends", "1950-01-01", covered=False)
    region.coverage("coverage-ends", "2024-01-01", "2025-08-15")
    region.stay("coverage-ends", "2025-08-01", "2025-08-03")
    region.person("child", "2015-01-01")
    region.stay("child", "2025-07-01", "2025-07-04")
    for k in range(40):  # enough stays, with and without readmissions, to fit the risk model
        name = f"many-{k}"
        region.person(name, f"19{40 + k}-03-01", sex="male" if k % 2 else "female")
        region.stay(name, "2025-09-01", "2025-09-05", diagnoses=(PNEUMONIA, "E11.9"))
        if k % 4 == 0:
            region.stay(name, "2025-09-20", "2025-09-24")
    return evaluate(region, deck_warehouse, [HWR])


def _first(deck: Outcome, name: str) -> dict:
    return deck.events(name, HWR)[0]


def test_a_readmission_on_day_30_counts(deck: Outcome) -> None:
    assert _first(deck, "back-on-day-30")["numerator"]


def test_a_readmission_on_day_31_does_not_count(deck: Outcome) -> None:
    assert not _first(deck, "back-on-day-31")["numerator"]


def test_a_readmission_for_maintenance_chemotherapy_is_planned(deck: Outcome) -> None:
    assert not _first(deck, "back-for-chemotherapy")["numerator"]


def test_a_potentially_planned_procedure_without_an_acute_diagnosis_is_planned(
    deck: Outcome,
) -> None:
    assert not _first(deck, "back-for-elective-knee")["numerator"]


def test_a_potentially_planned_procedure_with_an_acute_diagnosis_is_unplanned(
    deck: Outcome,
) -> None:
    assert _first(deck, "back-for-knee-with-infarction")["numerator"]


def test_a_readmission_to_another_hospital_counts(deck: Outcome) -> None:
    assert _first(deck, "back-elsewhere")["numerator"]


def test_an_unplanned_return_after_a_planned_one_does_not_count(deck: Outcome) -> None:
    assert not _first(deck, "planned-then-unplanned")["numerator"]


def test_a_transfer_is_not_an_index_stay_but_the_receiving_hospitals_discharge_is(
    deck: Outcome,
) -> None:
    sent, received = deck.events("transferred", HWR)
    assert not sent["denominator"]
    assert received["denominator"]
    assert received["hospital"] == HOSPITAL_ID["R"]


def test_an_admission_elsewhere_the_next_day_makes_a_stay_a_transfer(deck: Outcome) -> None:
    first, _ = deck.events("moved-next-day", HWR)
    assert not first["denominator"]


def test_stays_ending_in_death_or_against_advice_are_not_index_stays(deck: Outcome) -> None:
    assert not _first(deck, "died")["denominator"]
    assert not _first(deck, "left-against-advice")["denominator"]


def test_a_psychiatric_stay_is_excluded(deck: Outcome) -> None:
    assert _first(deck, "psychiatric")["denominator_exclusion"]


def test_discharges_after_1_december_are_not_index_stays(deck: Outcome) -> None:
    assert deck.events("discharged-in-december", HWR) == []


def test_an_index_stay_needs_coverage_for_the_30_days_after(deck: Outcome) -> None:
    assert not _first(deck, "coverage-ends")["denominator"]


def test_children_are_not_in_the_measure(deck: Outcome) -> None:
    assert deck.events("child", HWR) == []


def test_each_stay_is_counted_not_each_person(deck: Outcome) -> None:
    rows = deck.events("back-on-day-30", HWR)
    assert len(rows) == 2
    assert len({r["event_id"] for r in rows}) == 2


def test_results_are_reported_by_discharging_hospital(deck: Outcome) -> None:
    lake = deck.result(HWR, "hospital", HOSPITAL_ID["L"])
    whole = deck.result(HWR)
    assert 0 < lake["denominator"] <= whole["denominator"]
    assert lake["entity_name"] == "Lake Hospital"


def test_expected_readmissions_add_up_to_the_observed_for_the_collaborative(
    deck: Outcome,
) -> None:
    whole = deck.result(HWR)
    assert whole["expected"] == pytest.approx(whole["numerator"], rel=1e-4)
    assert whole["oe_ratio"] == pytest.approx(1.0, rel=1e-4)
    assert whole["risk_standardised_rate"] == pytest.approx(whole["rate"], rel=1e-4)


def test_each_counted_stay_has_an_expected_probability(deck: Outcome) -> None:
    counted = [
        r
        for r in deck.rows
        if r["measure_id"] == HWR and r["denominator"] and not r["denominator_exclusion"]
    ]
    assert counted
    assert all(0 < r["expected"] < 1 for r in counted)

"""CMS122 Diabetes: Glycemic Status > 9% on a deck of hand-written patients (2025)."""

from __future__ import annotations

import pytest

from commontable.warehouse import Warehouse
from tests.measures.tiny_region import Outcome, TinyRegion, evaluate

CMS122 = "CMS122"
HBA1C = "4548-4"  # LOINC Hemoglobin A1c/Hemoglobin.total in Blood


def _diabetic(region: TinyRegion, name: str, birth: str = "1970-06-01") -> None:
    region.person(name, birth, sex="male")
    region.visit(name, "2025-02-10")
    region.condition(name, "E11.9", "2018-04-01")


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    _diabetic(region, "above-9")
    region.lab("above-9", "2025-09-01", HBA1C, 9.4)
    _diabetic(region, "exactly-9")
    region.lab("exactly-9", "2025-09-01", HBA1C, 9.0)
    _diabetic(region, "high-then-controlled")
    region.lab("high-then-controlled", "2025-03-01", HBA1C, 10.2)
    region.lab("high-then-controlled", "2025-10-01", HBA1C, 7.1)
    _diabetic(region, "untested")
    region.lab("untested", "2024-12-30", HBA1C, 6.5)
    _diabetic(region, "result-without-value")
    region.lab("result-without-value", "2025-05-01", HBA1C, None)
    _diabetic(region, "two-readings-on-the-last-day")
    region.lab("two-readings-on-the-last-day", "2025-11-01", HBA1C, 9.6)
    region.lab("two-readings-on-the-last-day", "2025-11-01", HBA1C, 8.2)
    _diabetic(region, "above-9-on-a-claim")
    region.claim("above-9-on-a-claim", "2025-07-01", hcpcs_code="3046F")
    _diabetic(region, "below-7-on-a-claim")
    region.claim("below-7-on-a-claim", "2025-07-01", hcpcs_code="3044F")
    _diabetic(region, "test-billed-and-resulted")
    region.claim("test-billed-and-resulted", "2025-06-01", hcpcs_code="83036")
    region.lab("test-billed-and-resulted", "2025-06-01", HBA1C, 7.0)
    _diabetic(region, "aged-75", "1950-01-01")
    _diabetic(region, "aged-76", "1949-12-31")
    region.person("diabetes-only-on-a-claim", "1970-06-01")
    region.visit("diabetes-only-on-a-claim", "2025-02-10")
    region.claim("diabetes-only-on-a-claim", "2025-02-10", diagnoses=("E11.65",))
    region.person("no-diabetes", "1970-06-01")
    region.visit("no-diabetes", "2025-02-10")
    _diabetic(region, "frail-and-advanced-illness", "1955-01-01")
    region.claim("frail-and-advanced-illness", "2025-03-01", diagnoses=("L89.000",))
    region.condition("frail-and-advanced-illness", "C25.0", "2024-08-01")
    return evaluate(region, deck_warehouse, [CMS122])


def test_latest_hba1c_above_9_is_poor_control(deck: Outcome) -> None:
    assert deck.flags("above-9", CMS122)["numerator"]


def test_hba1c_of_exactly_9_is_not_poor_control(deck: Outcome) -> None:
    assert not deck.flags("exactly-9", CMS122)["numerator"]


def test_the_latest_reading_decides_not_the_highest(deck: Outcome) -> None:
    assert not deck.flags("high-then-controlled", CMS122)["numerator"]


def test_no_hba1c_in_the_period_is_poor_control(deck: Outcome) -> None:
    assert deck.flags("untested", CMS122)["numerator"]


def test_a_result_without_a_value_is_poor_control(deck: Outcome) -> None:
    assert deck.flags("result-without-value", CMS122)["numerator"]


def test_the_lowest_reading_of_the_latest_day_decides(deck: Outcome) -> None:
    assert not deck.flags("two-readings-on-the-last-day", CMS122)["numerator"]


def test_a_cpt_category_ii_code_above_9_on_a_claim_is_poor_control(deck: Outcome) -> None:
    assert deck.flags("above-9-on-a-claim", CMS122)["numerator"]


def test_a_cpt_category_ii_code_below_7_on_a_claim_is_not(deck: Outcome) -> None:
    assert not deck.flags("below-7-on-a-claim", CMS122)["numerator"]


def test_a_claim_for_the_test_itself_does_not_hide_its_result(deck: Outcome) -> None:
    assert not deck.flags("test-billed-and-resulted", CMS122)["numerator"]


def test_age_75_is_in_the_population_and_76_is_not(deck: Outcome) -> None:
    assert deck.flags("aged-75", CMS122) is not None
    assert deck.flags("aged-76", CMS122) is None


def test_diabetes_diagnosed_on_a_claim_qualifies(deck: Outcome) -> None:
    assert deck.flags("diabetes-only-on-a-claim", CMS122) is not None


def test_people_without_diabetes_are_not_in_the_population(deck: Outcome) -> None:
    assert deck.flags("no-diabetes", CMS122) is None


def test_frailty_with_advanced_illness_at_66_or_older_excludes(deck: Outcome) -> None:
    flags = deck.flags("frail-and-advanced-illness", CMS122)
    assert flags["denominator_exclusion"]
    assert not flags["numerator"]

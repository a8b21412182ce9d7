"""CMS165 Controlling High Blood Pressure on a deck of hand-written patients (2025)."""

from __future__ import annotations

import pytest

from commontable.warehouse import Warehouse
from tests.measures.tiny_region import Outcome, TinyRegion, evaluate

CMS165 = "CMS165"
DIALYSIS = "108241001"  # SNOMED CT dialysis procedure, in the Dialysis Services value set


def _hypertensive(region: TinyRegion, name: str, birth: str = "1962-06-01") -> None:
    region.person(name, birth, sex="male")
    region.visit(name, "2025-02-10")
    region.condition(name, "I10", "2019-04-01")


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    _hypertensive(region, "139-over-89")
    region.blood_pressure("139-over-89", "2025-09-01", 139, 89)
    _hypertensive(region, "140-over-80")
    region.blood_pressure("140-over-80", "2025-09-01", 140, 80)
    _hypertensive(region, "130-over-90")
    region.blood_pressure("130-over-90", "2025-09-01", 130, 90)
    _hypertensive(region, "high-then-controlled")
    region.blood_pressure("high-then-controlled", "2025-03-01", 162, 98)
    region.blood_pressure("high-then-controlled", "2025-10-01", 128, 78)
    _hypertensive(region, "lowest-of-the-day")
    region.blood_pressure("lowest-of-the-day", "2025-10-01", 150, 95)
    region.blood_pressure("lowest-of-the-day", "2025-10-01", 135, 85)
    _hypertensive(region, "controlled-then-high-in-the-emergency-room")
    region.blood_pressure("controlled-then-high-in-the-emergency-room", "2025-06-01", 128, 80)
    visit = region.encounter(
        "controlled-then-high-in-the-emergency-room", "2025-11-20", "emergency department"
    )
    region.blood_pressure(
        "controlled-then-high-in-the-emergency-room", "2025-11-20", 170, 100, encounter_id=visit
    )
    _hypertensive(region, "codes-on-a-claim")
    region.claim("codes-on-a-claim", "2025-08-01", hcpcs_code="3074F")
    region.claim("codes-on-a-claim", "2025-08-01", hcpcs_code="3078F")
    _hypertensive(region, "no-reading")
    region.person("hypertension-from-july", "1962-06-01", sex="male")
    region.visit("hypertension-from-july", "2025-08-10")
    region.condition("hypertension-from-july", "I10", "2025-07-01")
    region.person("hypertension-from-june-30", "1962-06-01", sex="male")
    region.visit("hypertension-from-june-30", "2025-08-10")
    region.condition("hypertension-from-june-30", "I10", "2025-06-30")
    _hypertensive(region, "on-dialysis")
    region.procedure("on-dialysis", "2024-05-01", DIALYSIS)
    _hypertensive(region, "aged-81-and-frail", "1944-03-01")
    region.claim("aged-81-and-frail", "2025-04-01", diagnoses=("L89.000",))
    _hypertensive(region, "aged-80-and-frail", "1945-03-01")
    region.claim("aged-80-and-frail", "2025-04-01", diagnoses=("L89.000",))
    return evaluate(region, deck_warehouse, [CMS165])


def test_139_over_89_is_controlled(deck: Outcome) -> None:
    assert deck.flags("139-over-89", CMS165)["numerator"]


def test_a_systolic_of_140_is_not_controlled(deck: Outcome) -> None:
    assert not deck.flags("140-over-80", CMS165)["numerator"]


def test_a_diastolic_of_90_is_not_controlled(deck: Outcome) -> None:
    assert not deck.flags("130-over-90", CMS165)["numerator"]


def test_the_latest_day_decides(deck: Outcome) -> None:
    assert deck.flags("high-then-controlled", CMS165)["numerator"]


def test_the_lowest_readings_of_the_latest_day_decide(deck: Outcome) -> None:
    assert deck.flags("lowest-of-the-day", CMS165)["numerator"]


def test_readings_in_the_emergency_department_do_not_count(deck: Outcome) -> None:
    assert deck.flags("controlled-then-high-in-the-emergency-room", CMS165)["numerator"]


def test_cpt_category_ii_codes_on_a_claim_are_readings(deck: Outcome) -> None:
    assert deck.flags("codes-on-a-claim", CMS165)["numerator"]


def test_no_reading_is_not_controlled(deck: Outcome) -> None:
    assert not deck.flags("no-reading", CMS165)["numerator"]


def test_hypertension_must_be_present_in_the_first_six_months(deck: Outcome) -> None:
    assert deck.flags("hypertension-from-june-30", CMS165) is not None
    assert deck.flags("hypertension-from-july", CMS165) is None


def test_dialysis_excludes(deck: Outcome) -> None:
    assert deck.flags("on-dialysis", CMS165)["denominator_exclusion"]


def test_frailty_alone_excludes_from_81(deck: Outcome) -> None:
    assert deck.flags("aged-81-and-frail", CMS165)["denominator_exclusion"]


def test_frailty_alone_does_not_exclude_at_80(deck: Outcome) -> None:
    assert not deck.flags("aged-80-and-frail", CMS165)["denominator_exclusion"]

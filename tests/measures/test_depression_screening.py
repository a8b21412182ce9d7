"""CMS2 Screening for Depression and Follow-Up Plan on a deck of hand-written patients (2025)."""

from __future__ import annotations

import pytest

from commontable.warehouse import Warehouse
from tests.measures.tiny_region import Outcome, TinyRegion, evaluate

CMS2 = "CMS2"
VISIT = "2025-03-10"  # an office visit (CPT 99213, in Encounter to Screen for Depression)
ADULT, ADOLESCENT = "73832-8", "73831-0"  # LOINC depression screening assessments (CQL codes)
POSITIVE, NEGATIVE = "428181000124104", "428171000124102"  # SNOMED CT screen findings
PSYCHOTHERAPY = "18512000"  # SNOMED CT, in Follow Up for Adult/Adolescent Depression
SERTRALINE = "312941"  # RxNorm sertraline 50 MG, in Adult Depression Medications
DECLINED = "720834000"  # SNOMED CT Depression screening declined (situation)
CONTRAINDICATED = "183932001"  # SNOMED CT Procedure contraindicated, in Medical Reason
BIPOLAR = "F31.9"  # ICD-10-CM bipolar disorder, unspecified


def _patient(region: TinyRegion, name: str, birth: str = "1980-06-01") -> None:
    region.person(name, birth)
    region.visit(name, VISIT)


def _screen(region: TinyRegion, name: str, when: str, finding: str, code: str = ADULT) -> None:
    region.observation(name, when, code, value_code=finding, kind="survey")


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    _patient(region, "12-on-the-first-day", "2013-01-01")
    _patient(region, "12-on-the-second-day", "2013-01-02")
    region.person("no-visit", "1980-06-01")
    _patient(region, "negative")
    _screen(region, "negative", VISIT, NEGATIVE)
    _patient(region, "screened-14-days-before")
    _screen(region, "screened-14-days-before", "2025-02-24", NEGATIVE)
    _patient(region, "screened-15-days-before")
    _screen(region, "screened-15-days-before", "2025-02-23", NEGATIVE)
    _patient(region, "screened-the-day-after")
    _screen(region, "screened-the-day-after", "2025-03-11", NEGATIVE)
    _patient(region, "positive-without-follow-up")
    _screen(region, "positive-without-follow-up", VISIT, POSITIVE)
    _patient(region, "positive-with-psychotherapy")
    _screen(region, "positive-with-psychotherapy", VISIT, POSITIVE)
    region.procedure("positive-with-psychotherapy", VISIT, PSYCHOTHERAPY)
    _patient(region, "positive-with-drug-2-days-later")
    _screen(region, "positive-with-drug-2-days-later", VISIT, POSITIVE)
    region.medication("positive-with-drug-2-days-later", "2025-03-12", SERTRALINE)
    _patient(region, "positive-with-drug-3-days-later")
    _screen(region, "positive-with-drug-3-days-later", VISIT, POSITIVE)
    region.medication("positive-with-drug-3-days-later", "2025-03-13", SERTRALINE)
    _patient(region, "positive-with-drug-planned-only")
    _screen(region, "positive-with-drug-planned-only", VISIT, POSITIVE)
    region.medication("positive-with-drug-planned-only", VISIT, SERTRALINE, intent="plan")
    region.person("negative-then-positive", "1980-06-01")
    region.visit("negative-then-positive", "2025-02-01")
    region.visit("negative-then-positive", "2025-10-01")
    _screen(region, "negative-then-positive", "2025-02-01", NEGATIVE)
    _screen(region, "negative-then-positive", "2025-10-01", POSITIVE)
    _patient(region, "adult-with-adolescent-screen")
    _screen(region, "adult-with-adolescent-screen", VISIT, NEGATIVE, ADOLESCENT)
    _patient(region, "17-with-adult-screen", "2007-06-01")
    _screen(region, "17-with-adult-screen", VISIT, NEGATIVE)
    _patient(region, "16-with-adult-screen", "2008-06-01")
    _screen(region, "16-with-adult-screen", VISIT, NEGATIVE)
    _patient(region, "16-with-adolescent-screen", "2008-06-01")
    _screen(region, "16-with-adolescent-screen", VISIT, NEGATIVE, ADOLESCENT)
    _patient(region, "screen-billed")
    region.claim("screen-billed", VISIT, hcpcs_code="G8510")
    _patient(region, "bipolar-before-the-visit")
    region.condition("bipolar-before-the-visit", BIPOLAR, "2019-01-01")
    _patient(region, "bipolar-after-the-visit")
    region.condition("bipolar-after-the-visit", BIPOLAR, "2025-06-01")
    _patient(region, "declined")
    region.not_done("declined", VISIT, ADULT, DECLINED)
    _patient(region, "contraindicated")
    region.not_done("contraindicated", VISIT, ADULT, CONTRAINDICATED)
    _patient(region, "declined-after-a-screen")
    _screen(region, "declined-after-a-screen", "2025-03-01", POSITIVE)
    region.not_done("declined-after-a-screen", VISIT, ADULT, DECLINED)
    _patient(region, "not-screened-billed")
    region.claim("not-screened-billed", VISIT, hcpcs_code="G8433")
    return evaluate(region, deck_warehouse, [CMS2])


def _met(deck: Outcome, name: str) -> bool:
    return bool(deck.flags(name, CMS2)["numerator"])


def test_a_person_12_on_the_first_day_of_the_period_is_in_the_population(deck: Outcome) -> None:
    assert deck.flags("12-on-the-first-day", CMS2) is not None


def test_a_person_turning_12_the_day_after_is_not(deck: Outcome) -> None:
    assert deck.flags("12-on-the-second-day", CMS2) is None


def test_a_person_without_a_qualifying_visit_is_not_in_the_population(deck: Outcome) -> None:
    assert deck.flags("no-visit", CMS2) is None


def test_a_negative_screen_on_the_visit_day_meets_the_numerator(deck: Outcome) -> None:
    assert _met(deck, "negative")


def test_a_screen_14_days_before_the_visit_counts_and_15_days_does_not(deck: Outcome) -> None:
    assert _met(deck, "screened-14-days-before")
    assert not _met(deck, "screened-15-days-before")


def test_a_screen_after_the_visit_does_not_count(deck: Outcome) -> None:
    assert not _met(deck, "screened-the-day-after")


def test_a_positive_screen_needs_a_follow_up(deck: Outcome) -> None:
    assert not _met(deck, "positive-without-follow-up")


def test_a_follow_up_procedure_during_the_visit_meets_the_numerator(deck: Outcome) -> None:
    assert _met(deck, "positive-with-psychotherapy")


def test_an_antidepressant_ordered_two_days_after_the_visit_counts_and_three_does_not(
    deck: Outcome,
) -> None:
    assert _met(deck, "positive-with-drug-2-days-later")
    assert not _met(deck, "positive-with-drug-3-days-later")


def test_a_medication_planned_but_not_ordered_is_no_follow_up(deck: Outcome) -> None:
    assert not _met(deck, "positive-with-drug-planned-only")


def test_the_most_recent_screen_decides(deck: Outcome) -> None:
    assert not _met(deck, "negative-then-positive")


def test_an_adult_screened_with_the_adolescent_tool_does_not_meet_it(deck: Outcome) -> None:
    assert not _met(deck, "adult-with-adolescent-screen")


def test_at_17_the_adult_screen_counts_and_at_16_only_the_adolescent_one(deck: Outcome) -> None:
    assert _met(deck, "17-with-adult-screen")
    assert not _met(deck, "16-with-adult-screen")
    assert _met(deck, "16-with-adolescent-screen")


def test_a_screening_result_billed_on_a_claim_meets_the_numerator(deck: Outcome) -> None:
    assert _met(deck, "screen-billed")


def test_bipolar_disorder_diagnosed_before_the_visit_excludes(deck: Outcome) -> None:
    assert deck.flags("bipolar-before-the-visit", CMS2)["denominator_exclusion"]


def test_bipolar_disorder_diagnosed_after_the_visit_does_not(deck: Outcome) -> None:
    assert not deck.flags("bipolar-after-the-visit", CMS2)["denominator_exclusion"]


def test_a_declined_screen_is_an_exception(deck: Outcome) -> None:
    assert deck.flags("declined", CMS2)["denominator_exception"]


def test_a_screen_not_done_for_a_medical_reason_is_an_exception(deck: Outcome) -> None:
    assert deck.flags("contraindicated", CMS2)["denominator_exception"]


def test_a_declined_screen_is_no_exception_for_someone_screened(deck: Outcome) -> None:
    flags = deck.flags("declined-after-a-screen", CMS2)
    assert not flags["numerator"]
    assert not flags["denominator_exception"]


def test_a_screen_not_done_billed_on_a_claim_is_an_exception(deck: Outcome) -> None:
    assert deck.flags("not-screened-billed", CMS2)["denominator_exception"]

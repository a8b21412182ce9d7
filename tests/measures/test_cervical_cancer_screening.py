"""CMS124 Cervical Cancer Screening on a deck of hand-written patients (measurement year 2025).

Windows from CervicalCancerScreeningFHIR 0.0.001: cervical cytology from 1 January 2023 (3 years),
an HPV test from 1 January 2021 (5 years) when the woman was 30 or older on the day of the test;
each to 31 December 2025. The initial population is women 24-64 at the period's end.
"""

from __future__ import annotations

import pytest

from commontable.warehouse import Warehouse
from tests.measures.tiny_region import Outcome, TinyRegion, evaluate

CMS124 = "CMS124"
PAP_TEST = "10524-7"  # LOINC, in the Pap Test value set
HPV_TEST = "21440-3"  # LOINC, in the HPV Test value set
HYSTERECTOMY = "58150"  # CPT total abdominal hysterectomy, in Hysterectomy with No Residual Cervix
NO_CERVIX = "Z90.710"  # ICD-10-CM, in Congenital or Acquired Absence of Cervix
ANNUAL_WELLNESS = "444971000124105"  # SNOMED CT, Annual Wellness Visit only: not one of ours


def _woman(region: TinyRegion, name: str, birth: str = "1980-06-01") -> None:
    region.person(name, birth)
    region.visit(name, "2025-03-10")


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    _woman(region, "turns-24-on-the-last-day", "2001-12-31")
    _woman(region, "turns-24-next-year", "2002-01-01")
    _woman(region, "aged-64", "1961-01-01")
    _woman(region, "aged-65", "1960-12-31")
    region.person("man", "1980-06-01", sex="male")
    region.visit("man", "2025-03-10")
    region.person("annual-wellness-visit-only", "1980-06-01")
    region.visit("annual-wellness-visit-only", "2025-03-10", code=ANNUAL_WELLNESS)
    region.rows["encounter"][-1]["encounter_code_type"] = "snomed-ct"
    _woman(region, "cytology-first-day")
    region.lab("cytology-first-day", "2023-01-01", PAP_TEST, 1.0)
    _woman(region, "cytology-day-before")
    region.lab("cytology-day-before", "2022-12-31", PAP_TEST, 1.0)
    _woman(region, "cytology-observation-without-value")
    region.observation("cytology-observation-without-value", "2025-02-01", PAP_TEST, kind="exam")
    _woman(region, "hpv-first-day")
    region.lab("hpv-first-day", "2021-01-01", HPV_TEST, 1.0)
    _woman(region, "hpv-day-before")
    region.lab("hpv-day-before", "2020-12-31", HPV_TEST, 1.0)
    _woman(region, "hpv-on-30th-birthday", "1993-05-01")
    region.lab("hpv-on-30th-birthday", "2023-05-01", HPV_TEST, 1.0)
    _woman(region, "hpv-the-day-before-30", "1993-05-01")
    region.lab("hpv-the-day-before-30", "2023-04-30", HPV_TEST, 1.0)
    _woman(region, "hysterectomy")
    region.procedure("hysterectomy", "2010-02-01", HYSTERECTOMY, system="cpt")
    region.lab("hysterectomy", "2025-05-01", PAP_TEST, 1.0)
    _woman(region, "hysterectomy-after-the-period")
    region.procedure("hysterectomy-after-the-period", "2026-01-05", HYSTERECTOMY, system="cpt")
    _woman(region, "absent-cervix")
    region.condition("absent-cervix", NO_CERVIX, "2015-01-01")
    _woman(region, "absent-cervix-on-a-claim")
    region.claim("absent-cervix-on-a-claim", "2025-08-01", diagnoses=(NO_CERVIX,))
    _woman(region, "palliative-care-on-a-claim")
    region.claim("palliative-care-on-a-claim", "2025-08-01", diagnoses=("Z51.5",))
    return evaluate(region, deck_warehouse, [CMS124])


def test_a_woman_turning_24_on_the_last_day_of_the_period_is_in_the_population(
    deck: Outcome,
) -> None:
    assert deck.flags("turns-24-on-the-last-day", CMS124) is not None


def test_a_woman_turning_24_after_the_period_is_not(deck: Outcome) -> None:
    assert deck.flags("turns-24-next-year", CMS124) is None


def test_aged_64_is_in_the_population_and_65_is_not(deck: Outcome) -> None:
    assert deck.flags("aged-64", CMS124) is not None
    assert deck.flags("aged-65", CMS124) is None


def test_men_are_not_in_the_population(deck: Outcome) -> None:
    assert deck.flags("man", CMS124) is None


def test_an_annual_wellness_visit_is_not_a_qualifying_encounter(deck: Outcome) -> None:
    assert deck.flags("annual-wellness-visit-only", CMS124) is None


def test_cytology_on_the_first_day_of_its_three_years_counts(deck: Outcome) -> None:
    assert deck.flags("cytology-first-day", CMS124)["numerator"]


def test_cytology_the_day_before_does_not(deck: Outcome) -> None:
    assert not deck.flags("cytology-day-before", CMS124)["numerator"]


def test_a_cytology_observation_without_a_value_does_not_count(deck: Outcome) -> None:
    assert not deck.flags("cytology-observation-without-value", CMS124)["numerator"]


def test_an_hpv_test_on_the_first_day_of_its_five_years_counts(deck: Outcome) -> None:
    assert deck.flags("hpv-first-day", CMS124)["numerator"]


def test_an_hpv_test_the_day_before_does_not(deck: Outcome) -> None:
    assert not deck.flags("hpv-day-before", CMS124)["numerator"]


def test_an_hpv_test_on_the_30th_birthday_counts_and_the_day_before_does_not(
    deck: Outcome,
) -> None:
    assert deck.flags("hpv-on-30th-birthday", CMS124)["numerator"]
    assert not deck.flags("hpv-the-day-before-30", CMS124)["numerator"]


def test_hysterectomy_with_no_residual_cervix_excludes(deck: Outcome) -> None:
    flags = deck.flags("hysterectomy", CMS124)
    assert flags["denominator_exclusion"]
    assert not flags["numerator"]


def test_a_hysterectomy_after_the_period_does_not_exclude(deck: Outcome) -> None:
    assert not deck.flags("hysterectomy-after-the-period", CMS124)["denominator_exclusion"]


def test_absence_of_cervix_excludes_from_the_chart_or_a_claim(deck: Outcome) -> None:
    assert deck.flags("absent-cervix", CMS124)["denominator_exclusion"]
    assert deck.flags("absent-cervix-on-a-claim", CMS124)["denominator_exclusion"]


def test_palliative_care_diagnosis_on_a_claim_excludes(deck: Outcome) -> None:
    assert deck.flags("palliative-care-on-a-claim", CMS124)["denominator_exclusion"]


def test_the_rate_leaves_out_excluded_patients(deck: Outcome) -> None:
    result = deck.result(CMS124)
    excluded = result["denominator_exclusion"]
    assert result["denominator"] == result["initial_population"] - excluded
    assert result["rate"] == pytest.approx(result["numerator"] / result["denominator"])

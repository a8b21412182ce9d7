"""CMS130 Colorectal Cancer Screening on a deck of hand-written patients (measurement year 2025).

Windows from ColonCancerScreeningFHIR 0.1.000: colonoscopy from 1 January 2016 (10 years),
flexible sigmoidoscopy and CT colonography from 1 January 2021 (5 years), stool DNA with FIT from
1 January 2023 (3 years), FOBT in 2025; each to 31 December 2025.
"""

from __future__ import annotations

import pytest

from commontable.warehouse import Warehouse
from tests.measures.tiny_region import Outcome, TinyRegion, evaluate

CMS130 = "CMS130"
COLONOSCOPY = "45378"  # CPT, in the Colonoscopy value set
COLONOSCOPY_BILLED = "G0121"  # HCPCS screening colonoscopy, in the Colonoscopy value set
SIGMOIDOSCOPY = "45330"  # CPT, in the Flexible Sigmoidoscopy value set
CT_COLONOGRAPHY = "60515-4"  # LOINC, in the CT Colonography value set
SDNA_FIT = "77354-9"  # LOINC, in the sDNA FIT Test value set
FOBT = "2335-8"  # LOINC, in the Fecal Occult Blood Test (FOBT) value set
COLECTOMY = "44150"  # CPT, in the Total Colectomy value set
ANNUAL_WELLNESS = "444971000124105"  # SNOMED CT, in the Annual Wellness Visit value set
COLON_CANCER = "C18.0"  # ICD-10-CM, in the Malignant Neoplasm of Colon value set
WINDOW_CASES = {
    # name: (first day that counts, the day before it)
    "colonoscopy": ("2016-01-01", "2015-12-31"),
    "sigmoidoscopy": ("2021-01-01", "2020-12-31"),
    "colonography": ("2021-01-01", "2020-12-31"),
    "sdna-fit": ("2023-01-01", "2022-12-31"),
    "fobt": ("2025-01-01", "2024-12-31"),
}


def _adult(region: TinyRegion, name: str, birth: str = "1965-06-01", sex: str = "female") -> None:
    region.person(name, birth, sex)
    region.visit(name, "2025-03-10")


def _screen(region: TinyRegion, test: str, name: str, when: str) -> None:
    if test == "colonoscopy":
        region.procedure(name, when, COLONOSCOPY, system="cpt")
    elif test == "sigmoidoscopy":
        region.procedure(name, when, SIGMOIDOSCOPY, system="cpt")
    elif test == "colonography":
        region.observation(name, when, CT_COLONOGRAPHY, kind="imaging")
    elif test == "sdna-fit":
        region.lab(name, when, SDNA_FIT, 1.0)
    else:
        region.lab(name, when, FOBT, 1.0)


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    _adult(region, "turns-46-on-the-last-day", "1979-12-31")
    _adult(region, "turns-46-next-year", "1980-01-01")
    _adult(region, "aged-75", "1950-01-01")
    _adult(region, "aged-76", "1949-12-31")
    _adult(region, "man", sex="male")
    region.person("no-visit", "1965-06-01")
    region.person("annual-wellness-visit-only", "1965-06-01")
    region.visit("annual-wellness-visit-only", "2025-03-10", code=ANNUAL_WELLNESS)
    region.rows["encounter"][-1]["encounter_code_type"] = "snomed-ct"
    for test, (first, before) in WINDOW_CASES.items():
        _adult(region, f"{test}-first-day")
        _screen(region, test, f"{test}-first-day", first)
        _adult(region, f"{test}-day-before")
        _screen(region, test, f"{test}-day-before", before)
    _adult(region, "colonoscopy-claim")
    region.claim("colonoscopy-claim", "2018-05-01", hcpcs_code=COLONOSCOPY_BILLED)
    _adult(region, "fit-claim")
    region.claim("fit-claim", "2025-02-01", hcpcs_code="G0328")
    _adult(region, "fit-claim-last-year")
    region.claim("fit-claim-last-year", "2024-12-01", hcpcs_code="G0328")
    _adult(region, "stool-dna-claim")
    region.claim("stool-dna-claim", "2023-06-01", hcpcs_code="81528")
    _adult(region, "fobt-observation-without-value")
    region.observation("fobt-observation-without-value", "2025-04-01", FOBT, kind="exam")
    _adult(region, "fobt-lab-with-a-coded-value")  # e.g. "positive": records keep no coded value
    region.lab("fobt-lab-with-a-coded-value", "2025-04-01", FOBT, None)
    _adult(region, "total-colectomy")
    region.procedure("total-colectomy", "2020-02-01", COLECTOMY, system="cpt")
    region.lab("total-colectomy", "2025-05-01", FOBT, 1.0)
    _adult(region, "colectomy-after-the-period")
    region.procedure("colectomy-after-the-period", "2026-01-05", COLECTOMY, system="cpt")
    _adult(region, "colon-cancer")
    region.condition("colon-cancer", COLON_CANCER, "2019-01-01")
    _adult(region, "colon-cancer-on-a-claim")
    region.claim("colon-cancer-on-a-claim", "2025-08-01", diagnoses=(COLON_CANCER,))
    _adult(region, "colon-cancer-next-year")
    region.condition("colon-cancer-next-year", COLON_CANCER, "2026-02-01")
    _adult(region, "palliative-care-on-a-claim")
    region.claim("palliative-care-on-a-claim", "2025-08-01", diagnoses=("Z51.5",))
    return evaluate(region, deck_warehouse, [CMS130])


def test_an_adult_turning_46_on_the_last_day_of_the_period_is_in_the_population(
    deck: Outcome,
) -> None:
    assert deck.flags("turns-46-on-the-last-day", CMS130) is not None


def test_an_adult_turning_46_after_the_period_is_not(deck: Outcome) -> None:
    assert deck.flags("turns-46-next-year", CMS130) is None


def test_aged_75_is_in_the_population_and_76_is_not(deck: Outcome) -> None:
    assert deck.flags("aged-75", CMS130) is not None
    assert deck.flags("aged-76", CMS130) is None


def test_men_are_in_the_population(deck: Outcome) -> None:
    assert deck.flags("man", CMS130) is not None


def test_an_adult_without_a_qualifying_visit_is_not_in_the_population(deck: Outcome) -> None:
    assert deck.flags("no-visit", CMS130) is None


def test_an_annual_wellness_visit_qualifies(deck: Outcome) -> None:
    assert deck.flags("annual-wellness-visit-only", CMS130) is not None


@pytest.mark.parametrize("test", list(WINDOW_CASES))
def test_a_screening_on_the_first_day_of_its_window_counts(deck: Outcome, test: str) -> None:
    assert deck.flags(f"{test}-first-day", CMS130)["numerator"]


@pytest.mark.parametrize("test", list(WINDOW_CASES))
def test_a_screening_the_day_before_its_window_does_not(deck: Outcome, test: str) -> None:
    assert not deck.flags(f"{test}-day-before", CMS130)["numerator"]


def test_a_colonoscopy_billed_with_hcpcs_counts_through_the_crosswalk(deck: Outcome) -> None:
    assert deck.flags("colonoscopy-claim", CMS130)["numerator"]


def test_a_fit_billed_in_the_period_counts_and_one_billed_the_year_before_does_not(
    deck: Outcome,
) -> None:
    assert deck.flags("fit-claim", CMS130)["numerator"]
    assert not deck.flags("fit-claim-last-year", CMS130)["numerator"]


def test_a_stool_dna_test_billed_within_three_years_counts(deck: Outcome) -> None:
    assert deck.flags("stool-dna-claim", CMS130)["numerator"]


def test_an_fobt_observation_without_a_value_does_not_count(deck: Outcome) -> None:
    assert not deck.flags("fobt-observation-without-value", CMS130)["numerator"]


def test_an_fobt_laboratory_result_counts_without_a_numeric_value(deck: Outcome) -> None:
    assert deck.flags("fobt-lab-with-a-coded-value", CMS130)["numerator"]


def test_total_colectomy_excludes_and_the_numerator_is_not_counted(deck: Outcome) -> None:
    flags = deck.flags("total-colectomy", CMS130)
    assert flags["denominator_exclusion"]
    assert not flags["numerator"]


def test_a_colectomy_after_the_period_does_not_exclude(deck: Outcome) -> None:
    assert not deck.flags("colectomy-after-the-period", CMS130)["denominator_exclusion"]


def test_colorectal_cancer_excludes_from_the_chart_or_a_claim(deck: Outcome) -> None:
    assert deck.flags("colon-cancer", CMS130)["denominator_exclusion"]
    assert deck.flags("colon-cancer-on-a-claim", CMS130)["denominator_exclusion"]


def test_colorectal_cancer_starting_after_the_period_does_not_exclude(deck: Outcome) -> None:
    assert not deck.flags("colon-cancer-next-year", CMS130)["denominator_exclusion"]


def test_palliative_care_diagnosis_on_a_claim_excludes(deck: Outcome) -> None:
    assert deck.flags("palliative-care-on-a-claim", CMS130)["denominator_exclusion"]


def test_the_rate_leaves_out_excluded_patients(deck: Outcome) -> None:
    result = deck.result(CMS130)
    excluded = result["denominator_exclusion"]
    assert result["denominator"] == result["initial_population"] - excluded
    assert result["rate"] == pytest.approx(result["numerator"] / result["denominator"])

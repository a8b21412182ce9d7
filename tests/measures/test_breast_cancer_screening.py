"""CMS125 Breast Cancer Screening on a deck of hand-written patients (measurement year 2025)."""

from __future__ import annotations

import pytest

from commontable.warehouse import Warehouse
from tests.measures.tiny_region import Outcome, TinyRegion, evaluate

CMS125 = "CMS125"
MAMMOGRAM = "24606-6"  # LOINC MG Breast Screening, in the Mammography value set
BILATERAL_MASTECTOMY = "17086001"  # SNOMED CT modified radical mastectomy, bilateral


def _woman(region: TinyRegion, name: str, birth: str = "1965-06-01") -> None:
    region.person(name, birth)
    region.visit(name, "2025-03-10")


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    _woman(region, "turns-52-on-the-last-day", "1973-12-31")
    _woman(region, "turns-52-next-year", "1974-01-01")
    _woman(region, "aged-74", "1951-01-01")
    _woman(region, "aged-75", "1950-12-31")
    _woman(region, "sex-as-a-code")
    region.people[-1]["sex"] = "F"  # identity may keep the administrative code
    region.person("man", "1965-06-01", sex="male")
    region.visit("man", "2025-03-10")
    region.person("no-visit", "1965-06-01")
    region.person("visit-on-a-claim", "1965-06-01")
    region.claim("visit-on-a-claim", "2025-04-01", hcpcs_code="99214")
    _woman(region, "mammogram-result")
    region.observation("mammogram-result", "2025-05-01", MAMMOGRAM, kind="imaging")
    _woman(region, "mammogram-claim")
    region.claim("mammogram-claim", "2024-11-15", hcpcs_code="77067")
    _woman(region, "mammogram-on-1-october-2023")
    region.observation("mammogram-on-1-october-2023", "2023-10-01", MAMMOGRAM, kind="imaging")
    _woman(region, "mammogram-on-30-september-2023")
    region.observation("mammogram-on-30-september-2023", "2023-09-30", MAMMOGRAM, kind="imaging")
    _woman(region, "bilateral-mastectomy")
    region.procedure("bilateral-mastectomy", "2012-02-01", BILATERAL_MASTECTOMY)
    region.observation("bilateral-mastectomy", "2025-05-01", MAMMOGRAM, kind="imaging")
    _woman(region, "left-and-right-mastectomy")
    region.condition("left-and-right-mastectomy", "Z90.12", "2015-01-01")
    region.condition("left-and-right-mastectomy", "Z90.11", "2019-01-01")
    _woman(region, "left-mastectomy-only")
    region.condition("left-mastectomy-only", "Z90.12", "2015-01-01")
    _woman(region, "discharged-to-hospice")
    region.claim(
        "discharged-to-hospice",
        "2025-06-01",
        end="2025-06-05",
        claim_type="institutional",
        bill_type_code="111",
        discharge_disposition_code="51",
    )
    _woman(region, "palliative-care-on-a-claim")
    region.claim("palliative-care-on-a-claim", "2025-08-01", diagnoses=("Z51.5",))
    return evaluate(region, deck_warehouse, [CMS125])


def test_woman_turning_52_on_the_last_day_of_the_period_is_in_the_population(
    deck: Outcome,
) -> None:
    assert deck.flags("turns-52-on-the-last-day", CMS125) is not None


def test_woman_turning_52_after_the_period_is_not(deck: Outcome) -> None:
    assert deck.flags("turns-52-next-year", CMS125) is None


def test_woman_aged_74_is_in_the_population_and_75_is_not(deck: Outcome) -> None:
    assert deck.flags("aged-74", CMS125) is not None
    assert deck.flags("aged-75", CMS125) is None


def test_a_woman_recorded_with_the_code_f_is_in_the_population(deck: Outcome) -> None:
    assert deck.flags("sex-as-a-code", CMS125) is not None


def test_men_are_not_in_the_population(deck: Outcome) -> None:
    assert deck.flags("man", CMS125) is None


def test_a_woman_without_a_qualifying_visit_is_not_in_the_population(deck: Outcome) -> None:
    assert deck.flags("no-visit", CMS125) is None


def test_a_visit_billed_on_a_claim_qualifies(deck: Outcome) -> None:
    assert deck.flags("visit-on-a-claim", CMS125) is not None


def test_a_mammogram_result_meets_the_numerator(deck: Outcome) -> None:
    assert deck.flags("mammogram-result", CMS125)["numerator"]


def test_a_mammogram_claim_meets_the_numerator_through_the_crosswalk(deck: Outcome) -> None:
    """The visit is in the clinic's chart, the mammogram on the plan's claim: one person."""
    assert deck.flags("mammogram-claim", CMS125)["numerator"]


def test_a_mammogram_on_1_october_two_years_before_counts(deck: Outcome) -> None:
    assert deck.flags("mammogram-on-1-october-2023", CMS125)["numerator"]


def test_a_mammogram_the_day_before_that_does_not(deck: Outcome) -> None:
    assert not deck.flags("mammogram-on-30-september-2023", CMS125)["numerator"]


def test_bilateral_mastectomy_excludes_and_the_numerator_is_not_counted(deck: Outcome) -> None:
    flags = deck.flags("bilateral-mastectomy", CMS125)
    assert flags["denominator_exclusion"]
    assert not flags["numerator"]


def test_left_and_right_mastectomies_together_exclude(deck: Outcome) -> None:
    assert deck.flags("left-and-right-mastectomy", CMS125)["denominator_exclusion"]


def test_one_mastectomy_alone_does_not_exclude(deck: Outcome) -> None:
    assert not deck.flags("left-mastectomy-only", CMS125)["denominator_exclusion"]


def test_inpatient_discharge_to_hospice_on_a_claim_excludes(deck: Outcome) -> None:
    assert deck.flags("discharged-to-hospice", CMS125)["denominator_exclusion"]


def test_palliative_care_diagnosis_on_a_claim_excludes(deck: Outcome) -> None:
    assert deck.flags("palliative-care-on-a-claim", CMS125)["denominator_exclusion"]


def test_the_rate_leaves_out_excluded_patients(deck: Outcome) -> None:
    result = deck.result(CMS125)
    excluded = result["denominator_exclusion"]
    assert result["denominator"] == result["initial_population"] - excluded
    assert result["rate"] == pytest.approx(result["numerator"] / result["denominator"])

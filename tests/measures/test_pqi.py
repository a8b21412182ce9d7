"""AHRQ Prevention Quality Indicators per 100,000 adult member-years: principal diagnoses, age
boundaries, exclusions and the overall composite (2025)."""

from __future__ import annotations

import pytest

from commontable.measures.library import pqi
from commontable.warehouse import Warehouse
from tests.measures.tiny_region import Outcome, TinyRegion, evaluate

PQIS = [m.id for m in pqi.MEASURES]

HEART_FAILURE, COPD, ASTHMA = "I50.9", "J44.1", "J45.901"
HYPERTENSION, KIDNEY_DISEASE_STAGE_3 = "I16.0", "N18.30"
KETOACIDOSIS, HYPERGLYCEMIA = "E11.10", "E11.65"
PTCA = "02703DZ"  # dilation of a coronary artery: a cardiac procedure (AHRQ PQI Appendix B)
AV_FISTULA = "031B0ZF"  # radial artery to lower arm vein: dialysis access
ANTEPARTUM_DRG = "831"  # MDC 14


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    region.person("heart-failure", "1950-01-01")
    region.stay("heart-failure", "2025-03-01", "2025-03-04", diagnoses=(HEART_FAILURE,))
    region.person("heart-failure-with-angioplasty", "1950-01-01")
    region.stay(
        "heart-failure-with-angioplasty",
        "2025-03-01",
        "2025-03-04",
        diagnoses=(HEART_FAILURE,),
        procedures=(PTCA,),
    )
    region.person("heart-failure-transferred-in", "1950-01-01")
    region.stay(
        "heart-failure-transferred-in",
        "2025-03-01",
        "2025-03-04",
        diagnoses=(HEART_FAILURE,),
        admit_source_code="4",
    )
    # Born 10 May 1985: 39 until 9 May 2025, 40 from 10 May.
    region.person("copd-at-39", "1985-05-10")
    region.stay("copd-at-39", "2025-05-09", "2025-05-12", diagnoses=(COPD,))
    region.person("copd-at-40", "1985-05-10")
    region.stay("copd-at-40", "2025-05-10", "2025-05-12", diagnoses=(COPD,))
    region.person("asthma-at-39", "1985-05-10")
    region.stay("asthma-at-39", "2025-05-09", "2025-05-12", diagnoses=(ASTHMA,))
    region.person("asthma-at-40", "1985-05-10")
    region.stay("asthma-at-40", "2025-05-10", "2025-05-12", diagnoses=(ASTHMA,))
    region.person("asthma-with-cystic-fibrosis", "1995-01-01")
    region.stay(
        "asthma-with-cystic-fibrosis", "2025-05-10", "2025-05-12", diagnoses=(ASTHMA, "E84.0")
    )
    region.person("asthma-at-17", "2008-01-01")
    region.stay("asthma-at-17", "2025-05-10", "2025-05-12", diagnoses=(ASTHMA,))
    region.person("hypertension", "1960-01-01")
    region.stay("hypertension", "2025-04-01", "2025-04-02", diagnoses=(HYPERTENSION,))
    region.person("hypertension-with-dialysis-access", "1960-01-01")
    region.stay(
        "hypertension-with-dialysis-access",
        "2025-04-01",
        "2025-04-02",
        diagnoses=(HYPERTENSION, KIDNEY_DISEASE_STAGE_3),
        procedures=(AV_FISTULA,),
    )
    region.person("hypertension-in-pregnancy", "1995-01-01")
    region.stay(
        "hypertension-in-pregnancy",
        "2025-04-01",
        "2025-04-02",
        diagnoses=(HYPERTENSION,),
        drg_code=ANTEPARTUM_DRG,
    )
    region.person("ketoacidosis", "1970-01-01")
    region.stay("ketoacidosis", "2025-06-01", "2025-06-03", diagnoses=(KETOACIDOSIS,))
    region.person("uncontrolled-diabetes", "1970-01-01")
    region.stay("uncontrolled-diabetes", "2025-06-01", "2025-06-03", diagnoses=(HYPERGLYCEMIA,))
    region.stay("uncontrolled-diabetes", "2025-08-01", "2025-08-03", diagnoses=(HYPERGLYCEMIA,))
    region.person("discharged-in-2026", "1970-01-01")
    region.stay("discharged-in-2026", "2025-12-30", "2026-01-02", diagnoses=(HEART_FAILURE,))
    region.person("pneumonia", "1970-01-01")
    region.stay("pneumonia", "2025-02-01", "2025-02-04", diagnoses=("J18.9",))
    region.person("sepsis", "1970-01-01")
    region.stay("sepsis", "2025-02-01", "2025-02-04", diagnoses=("A41.9",))
    # Born 1 July 2007: an adult from 1 July 2025, half of the period.
    region.person("turns-18-in-july", "2007-07-01")
    return evaluate(region, deck_warehouse, PQIS)


def _count(deck: Outcome, name: str, measure: str) -> int:
    row = deck.flags(name, measure)
    return 0 if row is None else int(row["numerator_count"])


def test_a_heart_failure_admission_counts_in_pqi_08(deck: Outcome) -> None:
    assert _count(deck, "heart-failure", "PQI-08") == 1


def test_a_cardiac_procedure_excludes_a_heart_failure_admission(deck: Outcome) -> None:
    assert _count(deck, "heart-failure-with-angioplasty", "PQI-08") == 0


def test_a_transfer_from_another_hospital_is_not_counted(deck: Outcome) -> None:
    assert _count(deck, "heart-failure-transferred-in", "PQI-08") == 0


def test_copd_counts_from_age_40_at_admission(deck: Outcome) -> None:
    assert _count(deck, "copd-at-39", "PQI-05") == 0
    assert _count(deck, "copd-at-40", "PQI-05") == 1


def test_asthma_at_39_is_pqi_15_and_at_40_pqi_05(deck: Outcome) -> None:
    assert (_count(deck, "asthma-at-39", "PQI-15"), _count(deck, "asthma-at-39", "PQI-05")) == (
        1,
        0,
    )
    assert (_count(deck, "asthma-at-40", "PQI-15"), _count(deck, "asthma-at-40", "PQI-05")) == (
        0,
        1,
    )


def test_cystic_fibrosis_excludes_an_asthma_admission(deck: Outcome) -> None:
    assert _count(deck, "asthma-with-cystic-fibrosis", "PQI-15") == 0


def test_admissions_before_18_are_not_counted(deck: Outcome) -> None:
    assert _count(deck, "asthma-at-17", "PQI-15") == 0
    assert _count(deck, "asthma-at-17", "PQI-90") == 0


def test_a_hypertension_admission_counts_in_pqi_07(deck: Outcome) -> None:
    assert _count(deck, "hypertension", "PQI-07") == 1


def test_kidney_disease_with_dialysis_access_excludes_a_hypertension_admission(
    deck: Outcome,
) -> None:
    assert _count(deck, "hypertension-with-dialysis-access", "PQI-07") == 0


def test_an_obstetric_stay_mdc_14_is_not_counted(deck: Outcome) -> None:
    assert _count(deck, "hypertension-in-pregnancy", "PQI-07") == 0


def test_ketoacidosis_is_pqi_01_and_hyperglycemia_pqi_14(deck: Outcome) -> None:
    assert (_count(deck, "ketoacidosis", "PQI-01"), _count(deck, "ketoacidosis", "PQI-14")) == (
        1,
        0,
    )
    assert _count(deck, "uncontrolled-diabetes", "PQI-14") == 2


def test_admissions_discharged_after_the_period_are_not_counted(deck: Outcome) -> None:
    assert _count(deck, "discharged-in-2026", "PQI-08") == 0


def test_the_overall_composite_counts_every_indicator_and_community_pneumonia(
    deck: Outcome,
) -> None:
    assert _count(deck, "heart-failure", "PQI-90") == 1
    assert _count(deck, "uncontrolled-diabetes", "PQI-90") == 2
    assert _count(deck, "pneumonia", "PQI-90") == 1
    assert _count(deck, "sepsis", "PQI-90") == 0


def test_exposure_counts_only_member_days_at_the_indicators_ages(deck: Outcome) -> None:
    adult = deck.flags("turns-18-in-july", "PQI-90")
    assert adult is not None
    assert adult["member_years"] == pytest.approx(184 / 365)
    assert deck.flags("turns-18-in-july", "PQI-05") is None
    assert deck.flags("asthma-at-17", "PQI-90") is None


def test_the_rate_is_admissions_per_100000_member_years(deck: Outcome) -> None:
    result = deck.result("PQI-08")
    assert result["rate"] == pytest.approx(result["numerator"] / result["member_years"] * 1e5)
    assert result["ci_low"] < result["rate"] < result["ci_high"]


def test_pqis_are_reported_for_areas_and_plans_not_clinics(deck: Outcome) -> None:
    types = {r["entity_type"] for r in deck.results if r["measure_id"] == "PQI-08"}
    assert types == {"collaborative", "health_plan", "county"}


def test_pqi_rates_are_standardised_by_age_and_sex(deck: Outcome) -> None:
    result = deck.result("PQI-90")
    assert result["adjustment"] == "age and sex"
    assert result["expected"] == pytest.approx(result["numerator"])

"""CMS347 Statin Therapy for Cardiovascular Disease on a deck of hand-written patients (2025)."""

from __future__ import annotations

import pytest

from commontable.measures.library import cms347
from commontable.measures.period import Period
from commontable.measures.records import read_records
from commontable.warehouse import Warehouse
from tests.measures.tiny_region import YEAR, Outcome, TinyRegion, evaluate

CMS347 = "CMS347"
VISIT = "2025-03-10"  # an office visit (CPT 99213)
STROKE, MI = "I63.9", "I21.9"  # ICD-10-CM, in Cerebrovascular Disease / Myocardial Infarction
CABG = "33510"  # CPT coronary artery bypass, in CABG or PCI Procedure
LDL = "2089-1"  # LOINC LDL cholesterol
FAMILIAL_HYPERCHOLESTEROLEMIA, DIABETES = "E78.01", "E11.9"
TEN_YEAR_RISK = "99055-6"  # LOINC cardiovascular disease 10Y risk (CQL code)
ATORVASTATIN = "617311"  # RxNorm atorvastatin 40 MG, in High Intensity Statin Therapy
RHABDOMYOLYSIS, LIVER_DISEASE = "M62.82", "K70.30"
CONTRAINDICATED = "183932001"  # SNOMED CT, in Medical Reason
REFUSED = "105480006"  # SNOMED CT Refusal of treatment by patient: not a medical reason


def _patient(region: TinyRegion, name: str, birth: str = "1960-06-01") -> None:
    region.person(name, birth)
    region.visit(name, VISIT)


def _with_ascvd(region: TinyRegion, name: str) -> None:
    _patient(region, name)
    region.condition(name, STROKE, "2020-01-01")


@pytest.fixture(scope="module")
def deck_and_groups(deck_warehouse: Warehouse) -> tuple[Outcome, dict[str, int]]:
    region = TinyRegion()
    _patient(region, "stroke-at-18", "2006-06-01")
    region.condition("stroke-at-18", STROKE, "2024-05-01")
    _patient(region, "infarction-next-year")
    region.condition("infarction-next-year", MI, "2026-01-02")
    _patient(region, "bypass-on-a-claim")
    region.claim("bypass-on-a-claim", "2022-04-01", hcpcs_code=CABG)
    region.person("stroke-without-visit", "1960-06-01")
    region.condition("stroke-without-visit", STROKE, "2020-01-01")
    _patient(region, "ldl-190-at-20", "2004-06-01")
    region.lab("ldl-190-at-20", "2019-05-01", LDL, 190)
    _patient(region, "ldl-190-at-19", "2005-06-01")
    region.lab("ldl-190-at-19", "2019-05-01", LDL, 190)
    _patient(region, "ldl-189")
    region.lab("ldl-189", "2025-05-01", LDL, 189)
    _patient(region, "familial-hypercholesterolemia")
    region.condition("familial-hypercholesterolemia", FAMILIAL_HYPERCHOLESTEROLEMIA, "2010-01-01")
    _patient(region, "diabetic-at-40", "1985-01-01")
    region.condition("diabetic-at-40", DIABETES, "2015-01-01")
    _patient(region, "diabetic-at-39", "1985-01-02")
    region.condition("diabetic-at-39", DIABETES, "2015-01-01")
    _patient(region, "diabetic-with-ldl-190")
    region.condition("diabetic-with-ldl-190", DIABETES, "2015-01-01")
    region.lab("diabetic-with-ldl-190", "2025-05-01", LDL, 195)
    _patient(region, "risk-20")
    region.observation("risk-20", "2025-05-01", TEN_YEAR_RISK, 20, kind="exam")
    _patient(region, "risk-19")
    region.observation("risk-19", "2025-05-01", TEN_YEAR_RISK, 19.9, kind="exam")
    _with_ascvd(region, "statin-ordered")
    region.medication("statin-ordered", VISIT, ATORVASTATIN)
    _with_ascvd(region, "statin-running-into-the-period")
    region.medication("statin-running-into-the-period", "2024-11-01", ATORVASTATIN, days_supply=90)
    _with_ascvd(region, "statin-ended-last-year")
    region.medication("statin-ended-last-year", "2024-06-01", ATORVASTATIN, days_supply=30)
    _with_ascvd(region, "statin-planned")
    region.medication("statin-planned", VISIT, ATORVASTATIN, intent="plan")
    _with_ascvd(region, "statin-contraindicated")
    region.medication(
        "statin-contraindicated", VISIT, ATORVASTATIN, status="not-done", reason=CONTRAINDICATED
    )
    _with_ascvd(region, "statin-refused")
    region.medication("statin-refused", VISIT, ATORVASTATIN, status="not-done", reason=REFUSED)
    _with_ascvd(region, "rhabdomyolysis")
    region.condition("rhabdomyolysis", RHABDOMYOLYSIS, "2025-02-01")
    _with_ascvd(region, "liver-disease")
    region.condition("liver-disease", LIVER_DISEASE, "2018-01-01")
    _with_ascvd(region, "palliative-care-on-a-claim")
    region.claim("palliative-care-on-a-claim", "2025-08-01", diagnoses=("Z51.5",))
    outcome = evaluate(region, deck_warehouse, [CMS347])
    records = read_records(deck_warehouse, Period(YEAR), cms347.MEASURE.codes)
    rows = cms347.population_groups(records).to_pyarrow().to_pylist()
    deck_warehouse.release()
    groups = {r["person_id"].removeprefix("P-"): r["population"] for r in rows}
    return outcome, groups


@pytest.fixture(scope="module")
def deck(deck_and_groups: tuple[Outcome, dict[str, int]]) -> Outcome:
    return deck_and_groups[0]


@pytest.fixture(scope="module")
def groups(deck_and_groups: tuple[Outcome, dict[str, int]]) -> dict[str, int]:
    return deck_and_groups[1]


def test_ascvd_puts_a_patient_of_any_age_in_population_1(groups: dict[str, int]) -> None:
    assert groups["stroke-at-18"] == 1


def test_ascvd_diagnosed_after_the_period_does_not(groups: dict[str, int]) -> None:
    assert "infarction-next-year" not in groups


def test_a_bypass_billed_on_a_claim_is_ascvd(groups: dict[str, int]) -> None:
    assert groups["bypass-on-a-claim"] == 1


def test_ascvd_without_a_qualifying_visit_is_not_in_the_population(deck: Outcome) -> None:
    assert deck.flags("stroke-without-visit", CMS347) is None


def test_an_ldl_of_190_from_20_years_old_is_population_2(groups: dict[str, int]) -> None:
    assert groups["ldl-190-at-20"] == 2
    assert "ldl-190-at-19" not in groups


def test_an_ldl_of_189_is_not_high(groups: dict[str, int]) -> None:
    assert "ldl-189" not in groups


def test_familial_hypercholesterolemia_is_population_2(groups: dict[str, int]) -> None:
    assert groups["familial-hypercholesterolemia"] == 2


def test_diabetes_from_40_years_old_is_population_3(groups: dict[str, int]) -> None:
    assert groups["diabetic-at-40"] == 3
    assert "diabetic-at-39" not in groups


def test_a_patient_falls_in_the_first_group_that_fits_only(groups: dict[str, int]) -> None:
    assert groups["diabetic-with-ldl-190"] == 2


def test_a_10_year_risk_of_20_percent_is_population_4(groups: dict[str, int]) -> None:
    assert groups["risk-20"] == 4
    assert "risk-19" not in groups


def test_a_statin_ordered_in_the_period_meets_the_numerator(deck: Outcome) -> None:
    assert deck.flags("statin-ordered", CMS347)["numerator"]


def test_a_statin_supply_running_into_the_period_counts(deck: Outcome) -> None:
    assert deck.flags("statin-running-into-the-period", CMS347)["numerator"]


def test_a_statin_supply_ended_before_the_period_does_not(deck: Outcome) -> None:
    assert not deck.flags("statin-ended-last-year", CMS347)["numerator"]


def test_a_statin_planned_but_not_ordered_does_not(deck: Outcome) -> None:
    assert not deck.flags("statin-planned", CMS347)["numerator"]


def test_a_statin_not_ordered_for_a_medical_reason_is_an_exception(deck: Outcome) -> None:
    flags = deck.flags("statin-contraindicated", CMS347)
    assert not flags["numerator"]
    assert flags["denominator_exception"]


def test_a_statin_refused_by_the_patient_is_no_exception(deck: Outcome) -> None:
    assert not deck.flags("statin-refused", CMS347)["denominator_exception"]


def test_rhabdomyolysis_in_the_period_excludes(deck: Outcome) -> None:
    assert deck.flags("rhabdomyolysis", CMS347)["denominator_exclusion"]


def test_liver_disease_is_an_exception(deck: Outcome) -> None:
    assert deck.flags("liver-disease", CMS347)["denominator_exception"]


def test_palliative_care_on_a_claim_is_an_exception(deck: Outcome) -> None:
    assert deck.flags("palliative-care-on-a-claim", CMS347)["denominator_exception"]


def test_the_rate_is_one_proportion_over_the_four_populations(deck: Outcome) -> None:
    result = deck.result(CMS347)
    removed = result["denominator_exclusion"] + result["denominator_exception"]
    assert result["denominator"] == result["initial_population"] - removed
    assert result["numerator"] == 2  # statin-ordered and statin-running-into-the-period

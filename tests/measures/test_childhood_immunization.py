"""CMS117 Childhood Immunization Status on a deck of hand-written children (2025)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from commontable.warehouse import Warehouse
from tests.measures.tiny_region import Outcome, TinyRegion, evaluate

CMS117 = "CMS117"
BIRTH = "2023-06-01"  # turns 2 in the period
SECOND_BIRTHDAY = "2025-06-01"
VISIT = "2025-03-10"  # an office visit (CPT 99213)
# The ten series on the CDC schedule: CVX in each vaccine value set, age in days at each dose.
SCHEDULE = {
    "DTaP": ("20", (61, 122, 183, 456)),
    "polio": ("10", (61, 122, 183)),
    "MMR": ("03", (380,)),
    "Hib": ("49", (61, 122, 380)),  # PedvaxHIB, Hib Vaccine (3 dose schedule)
    "hepatitis B": ("08", (0, 35, 183)),
    "varicella": ("21", (380,)),
    "pneumococcal": ("133", (61, 122, 183, 400)),
    "hepatitis A": ("83", (395,)),
    "rotavirus": ("116", (61, 122, 183)),  # RotaTeq, Rotavirus Vaccine (3 dose schedule)
    "influenza": ("150", (190, 220)),
}
DTAP, MMR, HIB_4_DOSE, ROTAVIRUS_2_DOSE, LAIV = "20", "03", "48", "119", "111"  # CVX
DTAP_BILLED = "90700"  # CPT, in DTaP Vaccine Administered
NEWBORN_INJECTION = "3E0234Z"  # ICD-10-PCS, the CQL's newborn hepatitis B requirement
DTAP_ANAPHYLAXIS = "428281000124107"  # SNOMED CT, in Anaphylactic Reaction to DTaP Vaccine
MEASLES, MUMPS, RUBELLA, HIV = "B05.9", "B26.9", "B06.9", "B20"  # ICD-10-CM


def aged(days: int, birth: str = BIRTH) -> str:
    """The date a child born on `birth` is `days` days old."""
    return (date.fromisoformat(birth) + timedelta(days=days)).isoformat()


def _child(
    region: TinyRegion, name: str, birth: str = BIRTH, *, skip: tuple[str, ...] = ()
) -> None:
    """A child with a qualifying visit and every series on schedule but those skipped."""
    region.person(name, birth)
    region.visit(name, VISIT)
    for series, (cvx, ages) in SCHEDULE.items():
        if series not in skip:
            for days in ages:
                region.immunization(name, aged(days, birth), cvx)


def _shots(region: TinyRegion, name: str, cvx: str, *ages: int, status: str = "completed") -> None:
    for days in ages:
        region.immunization(name, aged(days), cvx, status)


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    _child(region, "vaccinated")
    _child(region, "born-31-december-2023", "2023-12-31")
    _child(region, "born-1-january-2024", "2024-01-01")
    _child(region, "born-31-december-2022", "2022-12-31")
    region.person("no-visit", BIRTH)
    _child(region, "three-dtap", skip=("DTaP",))
    _shots(region, "three-dtap", DTAP, 61, 122, 183)
    _child(region, "two-dtap-on-one-day", skip=("DTaP",))
    _shots(region, "two-dtap-on-one-day", DTAP, 61, 122, 183, 183)
    _child(region, "first-dtap-at-41-days", skip=("DTaP",))
    _shots(region, "first-dtap-at-41-days", DTAP, 41, 122, 183, 456)
    _child(region, "first-dtap-at-42-days", skip=("DTaP",))
    _shots(region, "first-dtap-at-42-days", DTAP, 42, 122, 183, 456)
    _child(region, "dtap-not-given", skip=("DTaP",))
    _shots(region, "dtap-not-given", DTAP, 61, 122, 183, 456, status="not-done")
    _child(region, "dtap-billed", skip=("DTaP",))
    for days in (61, 122, 183, 456):
        region.claim("dtap-billed", aged(days), hcpcs_code=DTAP_BILLED)
    _child(region, "anaphylaxis-to-dtap", skip=("DTaP",))
    region.condition("anaphylaxis-to-dtap", DTAP_ANAPHYLAXIS, aged(70), system="snomed-ct")
    _child(region, "mmr-before-first-birthday", skip=("MMR",))
    _shots(region, "mmr-before-first-birthday", MMR, 364)
    _child(region, "had-measles-mumps-and-rubella", skip=("MMR",))
    for code in (MEASLES, MUMPS, RUBELLA):
        region.condition("had-measles-mumps-and-rubella", code, aged(300))
    _child(region, "hib-4-dose-schedule-3-doses", skip=("Hib",))
    _shots(region, "hib-4-dose-schedule-3-doses", HIB_4_DOSE, 61, 122, 380)
    _child(region, "hib-4-dose-schedule-4-doses", skip=("Hib",))
    _shots(region, "hib-4-dose-schedule-4-doses", HIB_4_DOSE, 61, 122, 183, 380)
    _child(region, "rotavirus-2-dose-schedule", skip=("rotavirus",))
    _shots(region, "rotavirus-2-dose-schedule", ROTAVIRUS_2_DOSE, 61, 122)
    _child(region, "rotavirus-2-doses-of-mixed-schedules", skip=("rotavirus",))
    _shots(region, "rotavirus-2-doses-of-mixed-schedules", ROTAVIRUS_2_DOSE, 61)
    _shots(region, "rotavirus-2-doses-of-mixed-schedules", SCHEDULE["rotavirus"][0], 122)
    _child(region, "newborn-injection-and-2-hepatitis-b", skip=("hepatitis B",))
    region.procedure("newborn-injection-and-2-hepatitis-b", BIRTH, NEWBORN_INJECTION, "icd-10-pcs")
    _shots(region, "newborn-injection-and-2-hepatitis-b", SCHEDULE["hepatitis B"][0], 35, 183)
    _child(region, "live-influenza-on-second-birthday", skip=("influenza",))
    _shots(region, "live-influenza-on-second-birthday", SCHEDULE["influenza"][0], 190)
    region.immunization("live-influenza-on-second-birthday", SECOND_BIRTHDAY, LAIV)
    _child(region, "hiv")
    region.condition("hiv", HIV, aged(200))
    return evaluate(region, deck_warehouse, [CMS117])


def _met(deck: Outcome, name: str) -> bool:
    return bool(deck.flags(name, CMS117)["numerator"])


def test_a_child_with_every_series_meets_the_numerator(deck: Outcome) -> None:
    assert _met(deck, "vaccinated")


def test_a_child_turning_2_on_the_last_day_of_the_period_is_in_the_population(
    deck: Outcome,
) -> None:
    assert deck.flags("born-31-december-2023", CMS117) is not None


def test_children_turning_2_the_next_day_or_3_in_the_period_are_not(deck: Outcome) -> None:
    assert deck.flags("born-1-january-2024", CMS117) is None
    assert deck.flags("born-31-december-2022", CMS117) is None


def test_a_child_without_a_qualifying_visit_is_not_in_the_population(deck: Outcome) -> None:
    assert deck.flags("no-visit", CMS117) is None


def test_three_dtap_doses_are_not_enough(deck: Outcome) -> None:
    assert not _met(deck, "three-dtap")


def test_two_doses_on_one_day_count_once(deck: Outcome) -> None:
    assert not _met(deck, "two-dtap-on-one-day")


def test_a_dtap_dose_counts_from_42_days_old(deck: Outcome) -> None:
    assert not _met(deck, "first-dtap-at-41-days")
    assert _met(deck, "first-dtap-at-42-days")


def test_a_vaccine_recorded_as_not_given_does_not_count(deck: Outcome) -> None:
    assert not _met(deck, "dtap-not-given")


def test_vaccines_billed_on_claims_count(deck: Outcome) -> None:
    assert _met(deck, "dtap-billed")


def test_anaphylaxis_to_a_vaccine_meets_its_series(deck: Outcome) -> None:
    assert _met(deck, "anaphylaxis-to-dtap")


def test_mmr_before_the_first_birthday_does_not_count(deck: Outcome) -> None:
    assert not _met(deck, "mmr-before-first-birthday")


def test_measles_mumps_and_rubella_diagnosed_meet_mmr(deck: Outcome) -> None:
    assert _met(deck, "had-measles-mumps-and-rubella")


def test_a_hib_dose_of_the_4_dose_schedule_makes_4_doses_needed(deck: Outcome) -> None:
    assert not _met(deck, "hib-4-dose-schedule-3-doses")
    assert _met(deck, "hib-4-dose-schedule-4-doses")


def test_two_doses_of_the_2_dose_rotavirus_vaccine_are_enough(deck: Outcome) -> None:
    assert _met(deck, "rotavirus-2-dose-schedule")


def test_a_3_dose_rotavirus_dose_makes_3_doses_needed(deck: Outcome) -> None:
    assert not _met(deck, "rotavirus-2-doses-of-mixed-schedules")


def test_a_newborn_injection_and_two_later_hepatitis_b_doses_meet_it(deck: Outcome) -> None:
    assert _met(deck, "newborn-injection-and-2-hepatitis-b")


def test_live_influenza_on_the_second_birthday_and_one_other_dose_meet_it(
    deck: Outcome,
) -> None:
    assert _met(deck, "live-influenza-on-second-birthday")


def test_hiv_in_the_first_two_years_excludes(deck: Outcome) -> None:
    assert deck.flags("hiv", CMS117)["denominator_exclusion"]

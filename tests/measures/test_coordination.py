"""Measures of coordination: discharges told in time, follow-up after notified and not notified
discharges, ED revisits after a notified visit, and what came of each notification."""

from __future__ import annotations

import pytest

from commontable.care.gaps import gap_measures
from commontable.measures.library.coordination import MEASURES
from commontable.warehouse import Warehouse
from tests.measures.tiny_region import HOSPITAL_ID, Outcome, TinyRegion, evaluate

NOTIFIED_1H, FU2, FU2_NOT, FU7, FU7_NOT = (
    "CARE-NOTIFIED-1H", "FU2-NOTIFIED", "FU2-NOT-NOTIFIED", "FU7-NOTIFIED", "FU7-NOT-NOTIFIED",
)  # fmt: skip
REVISIT, REACHED = "ED-REVISIT-NOTIFIED", "CARE-REACHED"
DISCHARGED = "2025-03-10T14:00"


def _discharge(region: TinyRegion, name: str, told: tuple[str, ...] = (), **notice: object) -> str:
    """An adult admitted on 6 March and discharged home on 10 March at 14:00, on the live feed."""
    region.person(name, "1960-01-01")
    region.adt(name, "A01", "2025-03-06T09:00")
    control_id = region.adt(name, "A03", DISCHARGED, disposition="01")
    region.notice(control_id, DISCHARGED, told=told, **notice)  # type: ignore[arg-type]
    return control_id


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    _discharge(region, "told-in-20-minutes", told=("2025-03-10T14:20",))
    region.claim("told-in-20-minutes", "2025-03-12", hcpcs_code="99214")
    _discharge(region, "told-after-2-hours", told=("2025-03-10T16:00",))
    region.claim("told-after-2-hours", "2025-03-16", hcpcs_code="99214")
    _discharge(region, "followed-but-opted-out", entitled=2, withheld="the person opted out")
    _discharge(region, "nobody-follows", entitled=0)
    region.claim("nobody-follows", "2025-03-13", hcpcs_code="99214")
    region.person("discharged-by-file", "1960-01-01")
    region.adt("discharged-by-file", "A03", DISCHARGED, disposition="01")
    region.person("discharge-cancelled", "1960-01-01")
    cancelled = region.adt("discharge-cancelled", "A03", DISCHARGED, disposition="01")
    region.notice(cancelled, DISCHARGED, told=("2025-03-10T14:05",))
    region.adt("discharge-cancelled", "A13", "2025-03-10T15:00")
    region.person("ed-twice", "1980-01-01")
    first = region.adt("ed-twice", "A04", "2025-05-01T22:00", patient_class="E", visit="V7")
    region.notice(first, "2025-05-01T22:00", told=("2025-05-01T22:01",))
    region.adt("ed-twice", "A04", "2025-05-20T10:00", patient_class="E", visit="V8")
    region.person("ed-once", "1980-01-01")
    once = region.adt("ed-once", "A04", "2025-05-01T22:00", patient_class="E", visit="V9")
    region.notice(
        once,
        "2025-05-01T22:00",
        told=("2025-05-01T22:01", "2025-05-01T22:01", "2025-05-01T22:01"),
        outcomes=("contacted", "not_ours", None),
    )
    return evaluate(region, deck_warehouse, [m.id for m in MEASURES])


def _only(deck: Outcome, name: str, measure: str) -> dict:
    (row,) = deck.events(name, measure)
    return row


def test_a_discharge_told_within_the_hour_is_on_time(deck: Outcome) -> None:
    assert _only(deck, "told-in-20-minutes", NOTIFIED_1H)["numerator"]


def test_a_discharge_told_two_hours_later_is_late(deck: Outcome) -> None:
    row = _only(deck, "told-after-2-hours", NOTIFIED_1H)
    assert row["denominator"]
    assert not row["numerator"]


def test_a_discharge_consent_withheld_is_excluded_from_timeliness(deck: Outcome) -> None:
    assert _only(deck, "followed-but-opted-out", NOTIFIED_1H)["denominator_exclusion"]


def test_a_discharge_nobody_follows_is_not_a_late_notification(deck: Outcome) -> None:
    assert deck.events("nobody-follows", NOTIFIED_1H) == []


def test_timeliness_is_reported_for_the_discharging_hospital(deck: Outcome) -> None:
    row = deck.result(NOTIFIED_1H, "hospital", HOSPITAL_ID["L"])
    assert (row["denominator"], row["numerator"]) == (2, 1)


def test_a_cancelled_discharge_is_in_no_measure(deck: Outcome) -> None:
    assert all(deck.events("discharge-cancelled", m.id) == [] for m in MEASURES)


def test_follow_up_is_counted_among_notified_discharges(deck: Outcome) -> None:
    assert _only(deck, "told-in-20-minutes", FU2)["numerator"]
    assert not _only(deck, "told-after-2-hours", FU2)["numerator"]
    assert _only(deck, "told-after-2-hours", FU7)["numerator"]


def test_discharges_nobody_was_told_of_are_the_comparison_group(deck: Outcome) -> None:
    assert _only(deck, "nobody-follows", FU7_NOT)["numerator"]
    assert not _only(deck, "followed-but-opted-out", FU7_NOT)["numerator"]
    assert deck.events("nobody-follows", FU7) == []


def test_a_discharge_loaded_from_a_file_was_not_notified(deck: Outcome) -> None:
    assert _only(deck, "discharged-by-file", FU2_NOT)["denominator"]


def test_the_admission_before_a_discharge_does_not_exclude_it_as_a_readmission(
    deck: Outcome,
) -> None:
    assert not _only(deck, "told-in-20-minutes", FU7)["denominator_exclusion"]


def test_an_ed_visit_after_a_notified_one_is_a_revisit(deck: Outcome) -> None:
    assert _only(deck, "ed-twice", REVISIT)["numerator"]
    assert not _only(deck, "ed-once", REVISIT)["numerator"]


def test_notification_outcomes_count_reached_and_leave_out_not_ours(deck: Outcome) -> None:
    rows = deck.events("ed-once", REACHED) + deck.events("told-in-20-minutes", REACHED)
    assert sorted((r["numerator"], r["denominator_exclusion"]) for r in rows) == [
        (False, False),
        (False, False),
        (False, True),
        (True, False),
    ]


def test_measures_of_coordination_make_no_care_gaps() -> None:
    assert not {m.id for m in MEASURES} & {m.id for m in gap_measures()}

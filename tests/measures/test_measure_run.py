"""A measure run: what it writes, what it keeps, and what it refuses."""

from __future__ import annotations

import dataclasses

import ibis.expr.types as ir
import pytest

from commontable.errors import UserError
from commontable.measures import MEASURES, run_measures
from commontable.measures.entities import STRATA
from commontable.measures.records import MeasureStepError, Records
from commontable.warehouse import Warehouse
from tests.measures.tiny_region import Outcome, TinyRegion, evaluate

CMS125 = "CMS125"


def _screened_women(region: TinyRegion, count: int, clinic: str = "A") -> None:
    for k in range(count):
        name = f"woman-{clinic}-{k}"
        region.person(name, "1965-06-01", zip_code="14604" if k % 2 else "14450")
        region.visit(name, "2025-03-10", clinic)
        if k % 3:
            region.claim(name, "2025-04-01", hcpcs_code="77067")


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    _screened_women(region, 36, "A")
    _screened_women(region, 4, "B")
    region.person("man", "1950-01-01", sex="male")
    return evaluate(region, deck_warehouse, [])


def test_every_measure_has_a_collaborative_result(deck: Outcome) -> None:
    for measure in MEASURES:
        assert deck.result(measure)["entity_name"] == "Whole collaborative"


def test_a_measure_without_patients_still_has_its_collaborative_result(deck: Outcome) -> None:
    empty = deck.result("CMS122")
    assert (empty["denominator"], empty["rate"], empty["status"]) == (0, None, "too few")


def test_a_denominator_below_30_is_too_few_and_not_compared(deck: Outcome) -> None:
    small = deck.result(CMS125, "clinic", "ORG-CLIN-B")
    assert small["denominator"] == 4
    assert small["status"] == "too few"
    assert small["comparison"] is None


def test_a_denominator_of_30_or_more_is_reported(deck: Outcome) -> None:
    large = deck.result(CMS125, "clinic", "ORG-CLIN-A")
    assert large["denominator"] == 36
    assert (large["status"], large["comparison"]) == ("reported", "average")


def test_results_exist_for_each_entity_type_a_measure_reports(deck: Outcome) -> None:
    found = {r["entity_type"] for r in deck.results if r["measure_id"] == CMS125}
    assert found == {"collaborative", "clinic", "medical_group", "health_plan", "county"}


def test_strata_add_up_to_the_whole(deck: Outcome) -> None:
    whole = deck.result(CMS125)["denominator"]
    for stratum_type in STRATA:
        parts = [
            r["denominator"]
            for r in deck.results
            if (r["measure_id"], r["entity_type"], r["stratum_type"])
            == (CMS125, "collaborative", stratum_type)
        ]
        assert sum(parts) == whole, stratum_type


def test_patient_rows_carry_commontable_person_ids_not_source_ids(deck: Outcome) -> None:
    assert {name for name, _ in deck.patients} >= {"woman-A-0", "man"}
    assert all(row["person_id"].startswith("P-") for row in deck.patients.values())


def test_a_run_of_other_measures_keeps_the_first_measures_rows(
    deck: Outcome, deck_warehouse: Warehouse
) -> None:
    results = deck_warehouse.table("measure_result")
    before = results.filter(results.measure_id == CMS125).count().execute()
    run_measures(deck_warehouse, 2025, ["CMS130"])
    assert results.filter(results.measure_id == CMS125).count().execute() == before


def test_a_run_for_a_period_nobody_is_in_is_refused_and_writes_nothing(
    deck: Outcome, deck_warehouse: Warehouse
) -> None:
    results = deck_warehouse.table("measure_result")
    before = results.count().execute()
    with pytest.raises(UserError, match="nobody is in any measure's population for 2024"):
        run_measures(deck_warehouse, 2024, [CMS125])
    assert results.count().execute() == before


def test_a_rerun_of_a_period_replaces_its_rows(deck: Outcome, deck_warehouse: Warehouse) -> None:
    patients = deck_warehouse.table("measure_patient")
    before = patients.filter(patients.period == 2025).count().execute()
    run_measures(deck_warehouse, 2025, [CMS125])
    assert patients.filter(patients.period == 2025).count().execute() == before


def test_a_lower_minimum_denominator_reports_small_results(
    deck: Outcome, deck_warehouse: Warehouse
) -> None:
    run_measures(deck_warehouse, 2025, [CMS125], min_denominator=4)
    results = deck_warehouse.table("measure_result")
    small = results.filter(
        (results.measure_id == CMS125)
        & (results.period == 2025)
        & (results.entity_id == "ORG-CLIN-B")
        & (results.stratum_type == "all")
    ).status.execute()
    assert list(small) == ["reported"]


def test_a_run_before_matching_asks_for_match(warehouse: Warehouse) -> None:
    with pytest.raises(UserError, match="commontable match"):
        run_measures(warehouse, 2025)


def test_an_unknown_measure_is_refused_with_the_library_listed(warehouse: Warehouse) -> None:
    with pytest.raises(UserError, match="CMS125"):
        run_measures(warehouse, 2025, ["CMS999"])


def _unreadable_sex(records: Records) -> ir.Table:
    persons = records.persons
    return persons.filter(persons.sex.cast("int64") > 0)


def test_a_failing_step_names_its_measure_and_shows_its_sql(
    deck: Outcome, deck_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = dataclasses.replace(MEASURES[CMS125], id="BROKEN", numerator=_unreadable_sex)
    monkeypatch.setitem(MEASURES, "BROKEN", broken)
    with pytest.raises(MeasureStepError, match="step 'BROKEN'") as failure:
        run_measures(deck_warehouse, 2025, ["BROKEN"])
    assert "SELECT" in str(failure.value)

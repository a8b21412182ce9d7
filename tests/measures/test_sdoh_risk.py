"""SDOH risk strata: social needs found by the screenings of the period and the year before."""

from __future__ import annotations

import pytest

from commontable.warehouse import Warehouse
from tests.measures.tiny_region import Outcome, TinyRegion, evaluate

CMS125 = "CMS125"


def _woman(region: TinyRegion, name: str) -> None:
    region.person(name, "1965-06-01")
    region.visit(name, "2025-03-10")


@pytest.fixture(scope="module")
def deck(deck_warehouse: Warehouse) -> Outcome:
    region = TinyRegion()
    _woman(region, "never-screened")
    _woman(region, "no-needs")
    region.screening("no-needs", "2025-02-01", "food insecurity", positive=False)
    _woman(region, "one-need")
    region.screening("one-need", "2025-02-01", "food insecurity", positive=True)
    region.screening("one-need", "2025-08-01", "food insecurity", positive=True)
    _woman(region, "two-needs")
    region.screening("two-needs", "2024-05-01", "housing instability", positive=True)
    region.screening("two-needs", "2025-05-01", "transportation", positive=True)
    _woman(region, "screened-too-long-ago")
    region.screening("screened-too-long-ago", "2023-12-31", "utilities", positive=True)
    _woman(region, "screened-after-the-period")
    region.screening("screened-after-the-period", "2026-01-02", "utilities", positive=True)
    return evaluate(region, deck_warehouse, [CMS125])


@pytest.mark.parametrize(
    ("name", "risk"),
    [
        ("never-screened", "not screened"),
        ("no-needs", "no social needs"),
        ("one-need", "1 social need"),
        ("two-needs", "2+ social needs"),
        ("screened-too-long-ago", "not screened"),
        ("screened-after-the-period", "not screened"),
    ],
)
def test_a_patient_falls_in_the_band_of_the_needs_screened_positive(
    deck: Outcome, name: str, risk: str
) -> None:
    row = deck.flags(name, CMS125)
    assert row is not None
    assert row["sdoh_risk"] == risk


def test_results_are_broken_down_by_sdoh_risk_and_add_up_to_the_whole(deck: Outcome) -> None:
    parts = {
        r["stratum"]: r["initial_population"]
        for r in deck.results
        if (r["measure_id"], r["entity_type"], r["stratum_type"])
        == (CMS125, "collaborative", "sdoh_risk")
    }
    expected = {"not screened": 3, "no social needs": 1, "1 social need": 1, "2+ social needs": 1}
    assert parts == expected
    assert sum(parts.values()) == deck.result(CMS125)["initial_population"]

"""From counts per entity to measure results: rates, intervals, flags, reliability."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from commontable.measures import MEASURES
from commontable.measures.results import result_table

COLLABORATIVE = ("collaborative", "collaborative")


def _counts(measure: str, rows: list[tuple[str, str, int, int]], years: bool = False) -> pa.Table:
    """(entity_type, entity_id, denominator, numerator) rows of the whole population."""
    return pa.Table.from_pylist(
        [
            {
                "measure_id": measure,
                "entity_type": kind,
                "entity_id": entity,
                "stratum_type": "all",
                "stratum": "all",
                "initial_population": n,
                "denominator_exclusion": 0,
                "denominator_exception": 0,
                "denominator": n,
                "numerator": x,
                "member_years": float(n) if years else None,
            }
            for kind, entity, n, x in rows
        ]
    )


def _results(measure: str, rows: list[tuple[str, str, int, int]], **options: Any) -> dict:
    table = result_table(
        _counts(measure, rows, MEASURES[measure].is_rate), [MEASURES[measure]], 2025, {}, **options
    )
    return {(r["entity_type"], r["entity_id"]): r for r in table.to_pylist()}


CLINICS = [
    ("collaborative", "collaborative", 1000, 600),
    ("clinic", "high", 200, 170),
    ("clinic", "low", 200, 80),
    ("clinic", "middle", 200, 121),
    ("clinic", "tiny", 10, 1),
]


def test_a_clinic_significantly_above_the_rest_of_the_collaborative_is_better() -> None:
    results = _results("CMS125", CLINICS)
    assert results[("clinic", "high")]["comparison"] == "better"
    assert results[("clinic", "low")]["comparison"] == "worse"
    assert results[("clinic", "middle")]["comparison"] == "average"


def test_when_lower_is_better_a_low_rate_is_better() -> None:
    results = _results("CMS122", CLINICS)
    assert results[("clinic", "low")]["comparison"] == "better"
    assert results[("clinic", "high")]["comparison"] == "worse"


def test_a_result_with_too_few_patients_is_not_compared() -> None:
    tiny = _results("CMS125", CLINICS)[("clinic", "tiny")]
    assert (tiny["status"], tiny["comparison"]) == ("too few", None)


def test_the_minimum_denominator_can_be_lowered() -> None:
    tiny = _results("CMS125", CLINICS, min_denominator=10)[("clinic", "tiny")]
    assert (tiny["status"], tiny["comparison"]) == ("reported", "worse")


def test_the_collaborative_result_is_not_compared_with_itself() -> None:
    whole = _results("CMS125", CLINICS)[COLLABORATIVE]
    assert (whole["comparison"], whole["reliability"]) == (None, None)


def test_proportions_have_a_wilson_interval() -> None:
    whole = _results("CMS125", CLINICS)[COLLABORATIVE]
    assert whole["rate"] == pytest.approx(0.6)
    assert (whole["ci_low"], whole["ci_high"]) == pytest.approx((0.5693, 0.6299), abs=1e-4)


def test_entities_get_a_reliability_between_0_and_1() -> None:
    results = _results("CMS125", CLINICS)
    reliabilities = [results[("clinic", c)]["reliability"] for c in ("high", "low", "middle")]
    assert all(0 < r <= 1 for r in reliabilities)
    assert results[("clinic", "tiny")]["reliability"] < min(reliabilities)


def test_rates_are_per_1000_member_years_with_an_exact_poisson_interval() -> None:
    rows = [("collaborative", "collaborative", 2000, 900), ("clinic", "a", 400, 300)]
    clinic = _results("ED-VISITS", rows)[("clinic", "a")]
    assert clinic["rate"] == pytest.approx(750.0)
    assert clinic["ci_low"] < 750.0 < clinic["ci_high"]


def test_a_standardised_rate_without_expected_events_is_not_compared() -> None:
    rows = [("collaborative", "collaborative", 2000, 900), ("clinic", "a", 400, 300)]
    assert _results("ED-VISITS", rows)[("clinic", "a")]["comparison"] is None

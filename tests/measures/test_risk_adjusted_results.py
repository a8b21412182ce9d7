"""Results of a risk-adjusted measure: O/E, its exact interval, the risk-standardised rate and
the comparison against the collaborative by O/E."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest
from scipy import stats

from commontable.measures import MEASURES
from commontable.measures.results import result_table

HWR = "HWR-30"


def _results(rows: list[tuple[str, str, int, int, float]]) -> dict[tuple[str, str], Any]:
    """(entity_type, entity_id, index stays, readmissions, expected readmissions) rows."""
    counted = pa.Table.from_pylist(
        [
            {
                "measure_id": HWR,
                "entity_type": kind,
                "entity_id": entity,
                "stratum_type": "all",
                "stratum": "all",
                "initial_population": n,
                "denominator_exclusion": 0,
                "denominator_exception": 0,
                "denominator": n,
                "numerator": x,
                "expected": expected,
            }
            for kind, entity, n, x, expected in rows
        ]
    )
    table = result_table(counted, [MEASURES[HWR]], 2025, {})
    return {(r["entity_type"], r["entity_id"]): r for r in table.to_pylist()}


HOSPITALS = [
    ("collaborative", "collaborative", 2000, 300, 300.0),
    ("hospital", "sicker-patients", 1000, 200, 200.0),
    ("hospital", "more-readmissions", 1000, 100, 60.0),
]


def test_observed_over_expected_and_its_exact_interval() -> None:
    more = _results(HOSPITALS)[("hospital", "more-readmissions")]
    assert more["oe_ratio"] == pytest.approx(100 / 60)
    assert more["oe_low"] == pytest.approx(stats.chi2.ppf(0.025, 200) / 2 / 60)
    assert more["oe_high"] == pytest.approx(stats.chi2.ppf(0.975, 202) / 2 / 60)


def test_the_risk_standardised_rate_is_oe_times_the_collaborative_rate() -> None:
    results = _results(HOSPITALS)
    assert results[("hospital", "more-readmissions")]["risk_standardised_rate"] == pytest.approx(
        100 / 60 * 300 / 2000
    )


def test_a_hospital_is_compared_by_its_oe_not_its_crude_rate() -> None:
    results = _results(HOSPITALS)
    # Its crude rate (20%) is above the collaborative's (15%), but its patients' risk explains it.
    assert results[("hospital", "sicker-patients")]["comparison"] == "average"
    assert results[("hospital", "more-readmissions")]["comparison"] == "worse"

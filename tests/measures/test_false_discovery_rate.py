"""Null simulations: when no entity differs from the rest, better/worse flags stay within the
false discovery rate (5%), where flagging every cell significant at 95% flags about 5% of them.

Under the complete null every flag is false, so the false discovery rate is the chance that a
region gets any flag at all: Benjamini–Hochberg keeps it at or under 5%. Each simulation runs
many regions (seeded: the same every run) through `result_table`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from commontable.measures import MEASURES
from commontable.measures.results import result_table
from commontable.measures.statistics import FDR

REGIONS = 60
# With 60 regions and a true rate of 5%, more than 6 flagged regions has a chance of about 8%:
# the test allows 10% of regions, and 5% of cells.
MAX_REGIONS_FLAGGED = 0.10


def _results(measure: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    base = {
        "measure_id": measure,
        "stratum_type": "all",
        "stratum": "all",
        "denominator_exclusion": 0,
        "denominator_exception": 0,
    }
    counted = pa.Table.from_pylist([{**base, **r} for r in rows])
    table = result_table(counted, [MEASURES[measure]], 2025, {})
    return [r for r in table.to_pylist() if r["entity_type"] != "collaborative"]


def _row(kind: str, entity: str, n: int, **numbers: Any) -> dict[str, Any]:
    return {"entity_type": kind, "entity_id": entity, "initial_population": n, "denominator": n}


def _null_rates(rng: np.random.Generator, clinics: int = 300) -> list[dict[str, Any]]:
    """ED visits O/E: every clinic's true O/E is 1 (expected 20 to 400 events)."""
    expected = rng.uniform(20, 400, clinics)
    observed = rng.poisson(expected)
    rows = [
        {
            **_row("clinic", f"c{k}", 1000),
            "numerator": int(o),
            "member_years": 1000.0,
            "expected": float(e),
        }
        for k, (o, e) in enumerate(zip(observed, expected, strict=True))
    ]
    whole = {
        "numerator": int(observed.sum()),
        "member_years": 1000.0 * clinics,
        "expected": float(expected.sum()),
    }
    return [{**_row("collaborative", "collaborative", 1000 * clinics), **whole}, *rows]


def _null_proportions(rng: np.random.Generator, clinics: int = 200) -> list[dict[str, Any]]:
    """Breast cancer screening: every clinic's true rate is 60%."""
    sizes = rng.integers(30, 500, clinics)
    met = rng.binomial(sizes, 0.6)
    rows = [
        {**_row("clinic", f"c{k}", int(n)), "numerator": int(x)}
        for k, (n, x) in enumerate(zip(sizes, met, strict=True))
    ]
    whole = {
        **_row("collaborative", "collaborative", int(sizes.sum())),
        "numerator": int(met.sum()),
    }
    return [whole, *rows]


def _null_overdispersed(rng: np.random.Generator, clinics: int = 100) -> list[dict[str, Any]]:
    """ED visits of members with their own propensity (gamma, shape 0.5): counts per member
    twice as variable as Poisson, the same expected for every clinic's members."""
    members = rng.integers(100, 400, clinics)
    clinic = np.repeat(np.arange(clinics), members)
    expected = np.full(clinic.size, 0.6)
    visits = rng.poisson(expected * rng.gamma(0.5, 2.0, clinic.size))

    def sums(keep: np.ndarray) -> dict[str, Any]:
        o, e = visits[keep], expected[keep]
        return {
            "numerator": int(o.sum()),
            "member_years": float(keep.sum()),
            "expected": float(e.sum()),
            "observed_squares": float((o * o).sum()),
            "observed_by_expected": float((o * e).sum()),
            "expected_squares": float((e * e).sum()),
        }

    rows = [
        {**_row("clinic", f"c{k}", int(members[k])), **sums(clinic == k)} for k in range(clinics)
    ]
    everyone = np.ones(clinic.size, dtype=bool)
    return [{**_row("collaborative", "collaborative", int(clinic.size)), **sums(everyone)}, *rows]


def _simulate(measure: str, draw: Any) -> tuple[float, float, float]:
    """Share of regions with any flag, share of flagged cells, share of cells with p <= 0.05."""
    rng = np.random.default_rng(2025)
    regions_flagged, flagged, significant, cells = 0, 0, 0, 0
    for _ in range(REGIONS):
        results = _results(measure, draw(rng))
        flags = [r["comparison"] in ("better", "worse") for r in results]
        p = [r["p_value"] for r in results if r["p_value"] is not None]
        regions_flagged += any(flags)
        flagged += sum(flags)
        significant += sum(v <= 0.05 for v in p)
        cells += len(p)
    return regions_flagged / REGIONS, flagged / cells, significant / cells


@pytest.mark.parametrize(
    ("measure", "draw"),
    [("ED-VISITS", _null_rates), ("CMS125", _null_proportions)],
    ids=["standardised rates", "proportions"],
)
def test_without_true_differences_false_flags_stay_under_the_fdr(measure: str, draw: Any) -> None:
    regions, cells, unadjusted = _simulate(measure, draw)
    assert regions <= MAX_REGIONS_FLAGGED
    assert cells <= FDR
    assert unadjusted > 0.03  # what flagging each cell at 95% would have done


def test_overdispersed_visits_do_not_raise_false_flags() -> None:
    regions, cells, _ = _simulate("ED-VISITS", _null_overdispersed)
    assert regions <= MAX_REGIONS_FLAGGED
    assert cells <= FDR

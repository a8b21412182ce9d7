"""Indirectly standardised results per entity: observed/expected and a risk-standardised rate."""

from __future__ import annotations

import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from commontable.errors import UserError
from commontable.measures.statistics.intervals import poisson_ratio_interval


def observed_expected(
    table: ir.Table,
    entity_column: str,
    outcome: str,
    expected: str | ir.NumericValue,
    *,
    confidence: float = 0.95,
) -> pa.Table:
    """Per entity: patients, observed events, expected events, O/E with its exact interval, rates.

    `expected` is a column of `table` or an expression over it (see `expected_probability`). The
    sums run in the engine; only one row per entity comes back. Patients without an outcome or an
    expected probability are left out; patients with no entity count towards the overall rate.

    Columns: the entity column; `patients`; `observed` (events); `expected` (sum of expected
    probabilities); `oe_ratio`, `oe_low`, `oe_high` (O/E and its exact Poisson interval);
    `observed_rate` (observed / patients); `risk_standardised_rate` ((O/E) × the overall rate).
    """
    for name in (entity_column, outcome):
        if name not in table.columns:
            raise UserError(f"the patient table has no column '{name}'")
    if isinstance(expected, str):
        if expected not in table.columns:
            raise UserError(f"the patient table has no column '{expected}'")
        expected = table[expected]
    rows = table.select(
        entity=table[entity_column],
        event=table[outcome].cast("int64"),
        probability=expected.cast("float64"),
    )
    rows = rows.filter(rows.event.notnull() & rows.probability.notnull())
    grouped = (
        rows.group_by("entity")
        .aggregate(
            patients=rows.count(), observed=rows.event.sum(), expected=rows.probability.sum()
        )
        .order_by("entity")
        .to_pyarrow()
    )
    patients = grouped["patients"].to_numpy().astype(np.float64)
    observed = grouped["observed"].to_numpy().astype(np.float64)
    expected_sum = grouped["expected"].to_numpy().astype(np.float64)
    overall_rate = observed.sum() / patients.sum() if patients.sum() else np.nan
    named = grouped["entity"].is_valid().to_numpy(zero_copy_only=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = observed / expected_sum
    low, high = poisson_ratio_interval(observed, expected_sum, confidence=confidence)
    columns = {
        entity_column: grouped["entity"],
        "patients": patients.astype(np.int64),
        "observed": observed.astype(np.int64),
        "expected": expected_sum,
        "oe_ratio": ratio,
        "oe_low": low,
        "oe_high": high,
        "observed_rate": observed / patients,
        # Indirect standardisation: risk-standardised rate = (O/E) × the overall (reference) rate,
        # as in the AHRQ Quality Indicators' risk-adjusted rate (AHRQ QI Empirical Methods) and
        # the CMS/Yale hospital-wide readmission measure's RSRR (which uses predicted/expected).
        "risk_standardised_rate": ratio * overall_rate,
    }
    return pa.table(columns).filter(pa.array(named))

"""Everything a measure result needs per entity, from its numerator and denominator, in one call."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa

from commontable.errors import UserError
from commontable.measures.statistics._arrays import counts
from commontable.measures.statistics.comparison import compare_interval
from commontable.measures.statistics.intervals import wilson_interval
from commontable.measures.statistics.reliability import reliability
from commontable.measures.statistics.status import MIN_DENOMINATOR, TOO_FEW, reporting_status

Entities = TypeVar("Entities", pa.Table, pd.DataFrame)
NEEDED = ("entity_id", "numerator", "denominator")


def entity_rates(
    entities: Entities,
    *,
    confidence: float = 0.95,
    min_denominator: int = MIN_DENOMINATOR,
    higher_is_better: bool = True,
    overall_rate: float | None = None,
) -> Entities:
    """The entities' table (entity_id, numerator, denominator) with their rate statistics added.

    Returns the same kind of table it was given, with these columns added:

    * `rate`: numerator / denominator (null when the denominator is 0).
    * `ci_low`, `ci_high`: the Wilson score interval of the rate at `confidence`.
    * `reliability`: share of the spread in rates that is true difference between entities, not
      chance (0 to 1; Adams 2009), from a beta-binomial fit across all the given entities.
    * `status`: "reported", or "too few" when the denominator is below `min_denominator`.
    * `comparison`: "better" / "worse" when the whole interval lies on the good / bad side of the
      overall rate (the pooled rate of all entities unless `overall_rate` is given), "average"
      otherwise; null for "too few" entities, which are not compared.

    Example:
        >>> table = pa.table({"entity_id": ["a"], "numerator": [81], "denominator": [263]})
        >>> entity_rates(table)["status"].to_pylist()
        ['reported']
    """
    names = list(entities.columns) if isinstance(entities, pd.DataFrame) else entities.column_names
    missing = [c for c in NEEDED if c not in names]
    if missing:
        raise UserError(f"the entities table needs columns {missing}; it has {names}")
    x, n = counts(entities["numerator"], entities["denominator"])
    if np.isnan(x).any() or np.isnan(n).any():
        raise UserError("every entity needs a numerator and a denominator (0 when there are none)")
    if overall_rate is None:
        overall_rate = x.sum() / n.sum() if n.sum() else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n > 0, x / n, np.nan)
    low, high = wilson_interval(x, n, confidence=confidence)
    status = reporting_status(n, min_denominator=min_denominator)
    comparison = compare_interval(low, high, overall_rate, higher_is_better=higher_is_better)
    comparison[status == TOO_FEW] = None
    added = {
        "rate": rate,
        "ci_low": low,
        "ci_high": high,
        "reliability": reliability(x, n),
        "status": status,
        "comparison": comparison,
    }
    if isinstance(entities, pd.DataFrame):
        return entities.assign(**added)
    table = entities
    for name, values in added.items():
        column = pa.array(
            values, type=pa.string() if values.dtype == object else pa.float64(), from_pandas=True
        )
        table = table.append_column(name, column)
    return table

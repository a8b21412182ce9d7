"""From patient rows to `measure_result`: counts per entity and stratum, then their statistics.

Counting runs in the engine, in one pass over the patient rows; only the small table of counts
comes back, and the statistics (measures.statistics) run on it:

* proportions: Wilson score interval; reliability from a beta-binomial fit across the entities
  of one type (fitted on their whole-population results, applied to their strata too);
* rates per 1,000 or 100,000: exact Poisson interval of events over member-years (no
  reliability yet: the beta-binomial model is for proportions);
* costs: paid per member-month, with a normal-approximation interval of the ratio across
  members (statistics.ratio_interval);
* risk-adjusted proportions: expected events (sum of modelled probabilities), O/E with its exact
  Poisson interval, and the risk-standardised rate (O/E x the collaborative's observed rate);
* every result: "too few" below the minimum denominator; "better" / "worse" when its interval
  lies wholly on one side of the collaborative's rate for the same stratum (for the
  collaborative's own strata: of its overall rate); for a risk-adjusted result, when its O/E
  interval lies wholly above or below 1. Too-few results are not compared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

from commontable.measures.definition import COLLABORATIVE, ENTITY_TYPES, Measure
from commontable.measures.statistics import (
    MIN_DENOMINATOR,
    TOO_FEW,
    compare_interval,
    compare_observed_expected,
    fit_beta_binomial,
    poisson_ratio_interval,
    ratio_interval,
    reliability,
    reporting_status,
    wilson_interval,
)
from commontable.measures.strata import ALL, STRATA, UNKNOWN
from commontable.warehouse.schema import MEASURE_RESULT

COLLABORATIVE_NAME = "Whole collaborative"
COUNTS = (
    "initial_population",
    "denominator_exclusion",
    "denominator_exception",
    "denominator",
    "numerator",
)
# Sums of the amounts of rate, cost and risk-adjusted measures (null where a measure has none);
# the squares and cross products are what the cost interval needs.
SUMS = (
    "member_years",
    "expected",
    "member_months",
    "paid_amount",
    "paid_squares",
    "paid_by_months",
    "months_squares",
)


def _pairs() -> list[tuple[str, str]]:
    """(entity type, stratum type) of every result: each entity type by each stratum type."""
    return [
        (entity_type, stratum_type)
        for entity_type in ENTITY_TYPES
        for stratum_type in (ALL, *STRATA)
        if stratum_type != entity_type
    ]


def counts(patients: ir.Table) -> ir.Table:
    """Counts per measure, entity and stratum, for every entity type and stratum type.

    Patients are first summed into cells (one per combination of entities and strata), then
    each cell is counted once per (entity type, stratum type): one pass over the patients.
    """
    performance = (
        patients.denominator & ~patients.denominator_exclusion & ~patients.denominator_exception
    )
    dimensions = [*ENTITY_TYPES[1:], *(s for s in STRATA if s not in ENTITY_TYPES)]
    paid, months = patients.paid_amount, patients.member_months
    cells = patients.group_by(["measure_id", *dimensions]).aggregate(
        initial_population=patients.initial_population.cast("int64").sum(),
        denominator_exclusion=patients.denominator_exclusion.cast("int64").sum(),
        denominator_exception=patients.denominator_exception.cast("int64").sum(),
        denominator=performance.cast("int64").sum(),
        numerator=ibis.ifelse(performance, patients.numerator_count, 0).sum(),
        member_years=patients.member_years.sum(),
        expected=patients.expected.sum(),
        member_months=months.sum(),
        paid_amount=paid.sum(),
        paid_squares=(paid * paid).sum(),
        paid_by_months=(paid * months).sum(),
        months_squares=(months * months).sum(),
    )
    pairs = ibis.memtable(
        pa.table(
            {
                "entity_type": [e for e, _ in _pairs()],
                "stratum_type": [s for _, s in _pairs()],
            }
        )
    )
    both = cells.cross_join(pairs)
    entity = ibis.cases(
        (both.entity_type == COLLABORATIVE, ibis.literal(COLLABORATIVE)),
        *((both.entity_type == e, both[e]) for e in ENTITY_TYPES[1:]),
    )
    stratum = ibis.cases(
        (both.stratum_type == ALL, ibis.literal(ALL)),
        *((both.stratum_type == s, both[s].fill_null(UNKNOWN)) for s in STRATA),
    )
    rows = both.mutate(entity_id=entity, stratum=stratum)
    rows = rows.filter(rows.entity_id.notnull())
    return rows.group_by(
        ["measure_id", "entity_type", "entity_id", "stratum_type", "stratum"]
    ).aggregate(
        initial_population=rows.initial_population.sum(),
        denominator_exclusion=rows.denominator_exclusion.sum(),
        denominator_exception=rows.denominator_exception.sum(),
        denominator=rows.denominator.sum(),
        numerator=rows.numerator.sum(),
        **{name: rows[name].sum() for name in SUMS},
    )


def _complete(frame: pd.DataFrame, measures: Sequence[Measure]) -> pd.DataFrame:
    """Keep each measure's reported entity types, and its collaborative row even when empty."""
    keep = pd.Series(False, index=frame.index)
    for measure in measures:
        types = (COLLABORATIVE, *measure.reports)
        keep |= (frame.measure_id == measure.id) & frame.entity_type.isin(types)
    frame = frame[keep]
    have = set(
        frame.loc[(frame.entity_type == COLLABORATIVE) & (frame.stratum_type == ALL), "measure_id"]
    )
    empty = [
        {
            "measure_id": m.id,
            "entity_type": COLLABORATIVE,
            "entity_id": COLLABORATIVE,
            "stratum_type": ALL,
            "stratum": ALL,
            **dict.fromkeys(COUNTS, 0),
            **dict.fromkeys(SUMS, np.nan),
            "member_years": 0.0 if m.is_rate else np.nan,
            "member_months": 0.0 if m.is_cost else np.nan,
            "paid_amount": 0.0 if m.is_cost else np.nan,
        }
        for m in measures
        if m.id not in have
    ]
    if empty:
        frame = pd.concat([frame, pd.DataFrame(empty)], ignore_index=True)
    return frame.reset_index(drop=True)


def _reference(frame: pd.DataFrame) -> np.ndarray:
    """The collaborative's rate each result is compared with (NaN for the collaborative total)."""
    collaborative = frame[frame.entity_type == COLLABORATIVE]
    same = collaborative.set_index(["measure_id", "stratum_type", "stratum"]).rate
    overall = collaborative[collaborative.stratum_type == ALL].set_index("measure_id").rate
    keys = pd.MultiIndex.from_frame(frame[["measure_id", "stratum_type", "stratum"]])
    reference = same.reindex(keys).to_numpy(dtype="float64")
    own = (frame.entity_type == COLLABORATIVE).to_numpy()
    reference[own] = overall.reindex(frame.measure_id[own]).to_numpy(dtype="float64")
    reference[own & (frame.stratum_type == ALL).to_numpy()] = np.nan
    return reference


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    return frame[name].to_numpy(dtype="float64", na_value=np.nan)


def _cost(frame: pd.DataFrame, n: np.ndarray) -> pd.DataFrame:
    """Paid per member-month and its interval across members (one member, one observation)."""
    paid, months = _column(frame, "paid_amount"), _column(frame, "member_months")
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(months > 0, paid / months, np.nan)
    low, high = ratio_interval(
        paid,
        months,
        _column(frame, "paid_squares"),
        _column(frame, "paid_by_months"),
        _column(frame, "months_squares"),
        n,
    )
    return frame.assign(rate=rate, ci_low=low, ci_high=high, reliability=np.nan)


def _risk_adjusted(frame: pd.DataFrame) -> pd.DataFrame:
    """O/E, its exact interval, and the risk-standardised rate (indirect standardisation)."""
    x = _column(frame, "numerator")
    expected = _column(frame, "expected")
    whole = (frame.entity_type == COLLABORATIVE) & (frame.stratum_type == ALL)
    overall = frame.rate[whole].iloc[0] if whole.any() else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, x / expected, np.nan)
    low, high = poisson_ratio_interval(x, np.nan_to_num(expected, nan=0.0))
    return frame.assign(
        oe_ratio=ratio, oe_low=low, oe_high=high, risk_standardised_rate=ratio * overall
    )


def _statistics(frame: pd.DataFrame, measure: Measure, min_denominator: int) -> pd.DataFrame:
    x = frame.numerator.to_numpy(dtype="float64")
    n = frame.denominator.to_numpy(dtype="float64")
    if measure.is_rate:
        per = measure.per
        years = frame.member_years.to_numpy(dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(years > 0, x / years * per, np.nan)
        low, high = poisson_ratio_interval(x, years)
        frame = frame.assign(rate=rate, ci_low=low * per, ci_high=high * per)
        frame["reliability"] = np.nan
    elif measure.is_cost:
        frame = _cost(frame, n)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(n > 0, x / n, np.nan)
        low, high = wilson_interval(x, n)
        frame = frame.assign(rate=rate, ci_low=low, ci_high=high)
        frame["reliability"] = np.nan
        for entity_type in measure.reports:
            mine = (frame.entity_type == entity_type).to_numpy()
            whole = mine & (frame.stratum_type == ALL).to_numpy()
            fit = fit_beta_binomial(x[whole], n[whole])
            if mine.any():
                frame.loc[mine, "reliability"] = reliability(
                    x[mine], n[mine], var_between=fit.var_between
                )
    if measure.risk_adjustment is not None:
        frame = _risk_adjusted(frame)
    else:
        frame = frame.assign(
            oe_ratio=np.nan, oe_low=np.nan, oe_high=np.nan, risk_standardised_rate=np.nan
        )
    frame["status"] = reporting_status(n, min_denominator=min_denominator)
    return frame


def _comparison(frame: pd.DataFrame, measures: Sequence[Measure]) -> np.ndarray:
    """better / worse / average per result (see the module docstring); null when too few."""
    better = frame.measure_id.map({m.id: m.higher_is_better for m in measures}).to_numpy(bool)
    reference = _reference(frame)
    comparison = np.empty(len(frame), dtype=object)
    for flag in (True, False):
        rows = better == flag
        comparison[rows] = compare_interval(
            frame.ci_low.to_numpy()[rows],
            frame.ci_high.to_numpy()[rows],
            reference[rows],
            higher_is_better=flag,
        )
    adjusted = frame.measure_id.isin([m.id for m in measures if m.risk_adjustment]).to_numpy()
    expected = _column(frame, "expected")
    own = (frame.entity_type == COLLABORATIVE).to_numpy() & (frame.stratum_type == ALL).to_numpy()
    by_ratio = adjusted & (expected > 0) & ~own
    for flag in (True, False):
        rows = by_ratio & (better == flag)
        comparison[rows] = compare_observed_expected(
            frame.numerator.to_numpy(dtype="float64")[rows],
            expected[rows],
            higher_is_better=flag,
        )
    comparison[(frame.status == TOO_FEW).to_numpy()] = None
    return comparison


def result_table(
    counted: pa.Table,
    measures: Sequence[Measure],
    period: int,
    names: Mapping[str, str],
    *,
    min_denominator: int = MIN_DENOMINATOR,
) -> pa.Table:
    """The `measure_result` rows of a run, from the engine's counts (see `counts`)."""
    frame = counted.to_pandas()
    frame = frame.assign(**{name: np.nan for name in SUMS if name not in frame.columns})
    frame = _complete(frame, measures)
    parts = [
        _statistics(frame[frame.measure_id == m.id].copy(), m, min_denominator) for m in measures
    ]
    frame = pd.concat(parts, ignore_index=True)
    frame["comparison"] = _comparison(frame, measures)
    frame["period"] = period
    frame["entity_name"] = [
        COLLABORATIVE_NAME if t == COLLABORATIVE else names.get(i, i)
        for t, i in zip(frame.entity_type, frame.entity_id, strict=True)
    ]
    order = {m.id: k for k, m in enumerate(measures)}
    frame = frame.assign(
        _m=frame.measure_id.map(order),
        _e=frame.entity_type.map({t: k for k, t in enumerate(ENTITY_TYPES)}),
        _s=frame.stratum_type.map({t: k for k, t in enumerate((ALL, *STRATA))}),
    ).sort_values(["_m", "_e", "entity_id", "_s", "stratum"])
    schema = MEASURE_RESULT.to_pyarrow()
    columns = {
        name: pa.array(frame[name].tolist(), type=schema.field(name).type, from_pandas=True)
        for name in schema.names
    }
    return pa.table(columns, schema=schema)

"""From patient rows to `measure_result`: counts per entity and stratum, then their statistics.

Counting runs in the engine, in one pass over the patient rows; only the small table of counts
comes back, and the statistics (measures.statistics) run on it:

* proportions: Wilson score interval; reliability from a beta-binomial fit across the entities
  of one type (fitted on their whole-population results, applied to their strata too);
* rates per 1,000 or 100,000: exact Poisson interval of events over member-years;
* costs: paid per member-month, with a normal-approximation interval of the ratio across
  members (statistics.ratio_interval);
* standardised rates and costs (adjustment.py: expected amounts by age and sex, for health
  plans by age, sex and payer type): expected, O/E (rates: exact Poisson interval, widened by
  the measure's overdispersion; costs: the ratio estimator's interval of paid over expected paid
  across members, Cochran 1977, 6.3, the members' residuals y_i − R e_i giving the variance),
  and the risk-standardised rate, O/E × the collaborative's rate in the same stratum (indirect
  standardisation; for a collaborative stratum, its overall rate);
* risk-adjusted proportions: expected events (sum of modelled probabilities), O/E with its exact
  Poisson interval, the risk-standardised rate; hospitals of a hierarchical model (HWR-30):
  predicted/expected (P/E, shrunk), its interval from the posterior of the hospital's intercept,
  and P/E × the collaborative's observed rate, as CMS reports hospitals;
* reliability of every entity result: beta-binomial for proportions; for rates, costs and
  adjusted results the signal-to-noise τ² / (τ² + v) on the compared scale (statistics:
  `between_variance`, DerSimonian-Laird across the entities of one type); for hospitals of a
  hierarchical model, the model's own τ² d / (1 + τ² d). The collaborative's strata have none;
* every result: "too few" below the minimum denominator; `p_value`, `q_value` and `comparison`
  against the rest of the collaborative with the false discovery rate controlled
  (comparisons.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

from commontable.measures.comparisons import (
    Scale,
    comparable,
    dispersion,
    events_scale,
    flags,
    hierarchical_scale,
    numbers,
    proportion_scale,
    ratio_scale,
    reference_positions,
    reference_rows,
    rest_of_collaborative,
)
from commontable.measures.definition import Measure
from commontable.measures.entities import ALL, COLLABORATIVE, ENTITY_TYPES, HEALTH_PLAN, STRATA
from commontable.measures.statistics import (
    MIN_DENOMINATOR,
    REPORTED,
    between_variance,
    fit_beta_binomial,
    poisson_ratio_interval,
    ratio_interval,
    reliability,
    reporting_status,
    signal_to_noise,
    wilson_interval,
    z_score,
)
from commontable.measures.strata import UNKNOWN
from commontable.warehouse import MEASURE_RESULT

COLLABORATIVE_NAME = "Whole collaborative"
COUNTS = (
    "initial_population",
    "denominator_exclusion",
    "denominator_exception",
    "denominator",
    "numerator",
)
# Sums of the amounts of rate, cost and adjusted measures (null where a measure has none): the
# squares and cross products are what the cost intervals need (o: a member's observed amount,
# events or paid; e: expected; e_pm: expected by age, sex and payer type), and p(1 - p) of a
# hierarchical model's predicted probabilities what the hospitals' intervals need.
SUMS = (
    "member_years",
    "expected",
    "member_months",
    "paid_amount",
    "paid_squares",
    "paid_by_months",
    "months_squares",
    "expected_payer_mix",
    "predicted",
    "predicted_information",
    "observed_squares",
    "observed_by_expected",
    "expected_squares",
    "observed_by_expected_payer_mix",
    "expected_payer_mix_squares",
)
# What `expected` adjusts for, in `measure_result.adjustment` (null: crude).
AGE_SEX, AGE_SEX_PAYER = "age and sex", "age, sex and payer type"
RISK_MODEL, HIERARCHICAL = "risk model", "hierarchical risk model"
# Health plans' standardised results are compared on the payer-mix expected (adjustment.py).
PAYER_MIX = {
    "expected": "expected_payer_mix",
    "observed_by_expected": "observed_by_expected_payer_mix",
    "expected_squares": "expected_payer_mix_squares",
}


def cell_pairs() -> list[tuple[str, str]]:
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
    observed = paid.fill_null(patients.numerator_count.cast("float64"))
    expected, payer_mix = patients.expected, patients.expected_payer_mix
    predicted = patients.predicted
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
        expected_payer_mix=payer_mix.sum(),
        predicted=predicted.sum(),
        predicted_information=(predicted * (1 - predicted)).sum(),
        observed_squares=(observed * observed).sum(where=expected.notnull()),
        observed_by_expected=(observed * expected).sum(),
        expected_squares=(expected * expected).sum(),
        observed_by_expected_payer_mix=(observed * payer_mix).sum(),
        expected_payer_mix_squares=(payer_mix * payer_mix).sum(),
    )
    pairs = ibis.memtable(
        pa.table(
            {
                "entity_type": [e for e, _ in cell_pairs()],
                "stratum_type": [s for _, s in cell_pairs()],
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


def _rates(frame: pd.DataFrame, measure: Measure, min_denominator: int) -> pd.DataFrame:
    """rate, ci_low, ci_high and status of every result, on the measure's own scale."""
    x, n = numbers(frame, "numerator"), numbers(frame, "denominator")
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure.is_rate:
            years = numbers(frame, "member_years")
            rate = np.where(years > 0, x / years * measure.per, np.nan)
            low, high = poisson_ratio_interval(x, np.nan_to_num(years, nan=0.0))
            low, high = low * measure.per, high * measure.per
        elif measure.is_cost:
            paid, months = numbers(frame, "paid_amount"), numbers(frame, "member_months")
            rate = np.where(months > 0, paid / months, np.nan)
            low, high = ratio_interval(
                paid,
                months,
                numbers(frame, "paid_squares"),
                numbers(frame, "paid_by_months"),
                numbers(frame, "months_squares"),
                n,
            )
        else:
            rate = np.where(n > 0, x / n, np.nan)
            low, high = wilson_interval(x, n)
    status = reporting_status(n, min_denominator=min_denominator)
    return frame.assign(rate=rate, ci_low=low, ci_high=high, status=status)


def _payer_mix(frame: pd.DataFrame, rest: pd.DataFrame, measure: Measure) -> None:
    """Health plans' standardised results take the age, sex and payer type expected (in place)."""
    if not measure.is_standardised:
        return
    plans = (frame.entity_type == HEALTH_PLAN).to_numpy()
    for target, source in PAYER_MIX.items():
        frame.loc[plans, target] = frame.loc[plans, source]
        rest.loc[plans, target] = rest.loc[plans, source]


def _hierarchical_rows(frame: pd.DataFrame, measure: Measure) -> np.ndarray:
    """The whole-population results of a hierarchical model's entities (hospitals of HWR-30)."""
    risk = measure.risk_adjustment
    if risk is None or risk.random_intercept is None:
        return np.zeros(len(frame), dtype=bool)
    entity = (frame.entity_type == risk.random_intercept).to_numpy()
    return entity & (frame.stratum_type == ALL).to_numpy() & (numbers(frame, "predicted") > 0)


def _adjusted(measure: Measure, frame: pd.DataFrame) -> bool:
    """A result set compared on O/E: standardised, or risk-adjusted with a fitted model."""
    if measure.is_standardised:
        return True
    return measure.risk_adjustment is not None and bool((numbers(frame, "expected") > 0).any())


def _scale(frame: pd.DataFrame, rest: pd.DataFrame, measure: Measure, phi: float) -> Scale:
    """The scale each result is compared on (comparisons.py): O/E for adjusted results, else the
    measure's own (a crude rate per member-year, paid per member-month, a proportion)."""
    if measure.is_cost and measure.is_standardised:
        return ratio_scale(frame, rest, "expected", "observed_by_expected", "expected_squares")
    if measure.is_cost:
        return ratio_scale(frame, rest, "member_months", "paid_by_months", "months_squares")
    x, rx = numbers(frame, "numerator"), numbers(rest, "numerator")
    if _adjusted(measure, frame):
        expected, rest_expected = numbers(frame, "expected"), numbers(rest, "expected")
        return events_scale(x, expected, rx, rest_expected, np.ones(len(frame)), phi)
    if measure.is_rate:
        reference = reference_rows(frame, ["numerator", "member_years"])
        with np.errstate(divide="ignore", invalid="ignore"):
            per_year = numbers(reference, "numerator") / numbers(reference, "member_years")
        years, rest_years = numbers(frame, "member_years"), numbers(rest, "member_years")
        return events_scale(x, years, rx, rest_years, per_year, 1.0)
    return proportion_scale(frame, rest, (frame.status == REPORTED).to_numpy())


def _observed_expected(
    frame: pd.DataFrame, measure: Measure, phi: float, standard: np.ndarray
) -> pd.DataFrame:
    """expected, O/E with its interval, and the risk-standardised rate (O/E x `standard`)."""
    blank = np.full(len(frame), np.nan)
    if not _adjusted(measure, frame):
        return frame.assign(
            expected=blank,
            oe_ratio=blank,
            oe_low=blank,
            oe_high=blank,
            risk_standardised_rate=blank,
        )
    expected = numbers(frame, "expected")
    if measure.is_cost:
        observed = numbers(frame, "paid_amount")
        low, high = ratio_interval(
            observed,
            expected,
            numbers(frame, "observed_squares"),
            numbers(frame, "observed_by_expected"),
            numbers(frame, "expected_squares"),
            numbers(frame, "denominator"),
        )
    else:
        observed = numbers(frame, "numerator")
        low, high = poisson_ratio_interval(
            observed, np.nan_to_num(expected, nan=0.0), dispersion=phi
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / expected, np.nan)
    return frame.assign(
        oe_ratio=ratio, oe_low=low, oe_high=high, risk_standardised_rate=ratio * standard
    )


def _hierarchical(
    frame: pd.DataFrame, scale: Scale, rows: np.ndarray, variance: float, standard: np.ndarray
) -> tuple[pd.DataFrame, Scale]:
    """Hospitals' whole results of a hierarchical model: P/E, its interval, its own test."""
    found = hierarchical_scale(frame[rows], variance)
    z = z_score()
    error = np.sqrt(found.variance) / found.estimate  # the standard error of log(P/E)
    frame.loc[rows, "oe_ratio"] = found.estimate
    frame.loc[rows, "oe_low"] = found.estimate * np.exp(-z * error)
    frame.loc[rows, "oe_high"] = found.estimate * np.exp(z * error)
    frame.loc[rows, "risk_standardised_rate"] = found.estimate * standard[rows]
    merged = [np.array(part, dtype="float64", copy=True) for part in scale]
    for k, part in enumerate(found):
        merged[k][rows] = part
    return frame, Scale(*merged)


def _reliability(
    frame: pd.DataFrame, scale: Scale, measure: Measure, rows: np.ndarray, variance: float | None
) -> np.ndarray:
    """Reliability of each entity result (module docstring); NaN for the collaborative's.

    `scale` is the O/E (or crude) scale of every result, hospitals' too: their strata are O/E,
    and their whole results take the hierarchical model's reliability (`rows`).
    """
    found = np.full(len(frame), np.nan)
    crude_proportion = not measure.is_rate and not measure.is_cost and not _adjusted(measure, frame)
    x, n = numbers(frame, "numerator"), numbers(frame, "denominator")
    for entity_type in measure.reports:
        mine = (frame.entity_type == entity_type).to_numpy()
        whole = mine & (frame.stratum_type == ALL).to_numpy()
        if not mine.any():
            continue
        if crude_proportion:
            fit = fit_beta_binomial(x[whole], n[whole])
            found[mine] = reliability(x[mine], n[mine], var_between=fit.var_between)
        else:
            tau2 = between_variance(scale.estimate[whole], scale.variance[whole])
            found[mine] = signal_to_noise(scale.variance[mine], tau2)
    if rows.any() and variance is not None:
        information = numbers(frame, "predicted_information")[rows]
        found[rows] = variance * information / (1 + variance * information)
    return found


def _adjustment_labels(
    frame: pd.DataFrame, measure: Measure, rows: np.ndarray, by_payer: np.ndarray
) -> np.ndarray:
    labels = np.full(len(frame), None, dtype=object)
    if measure.is_standardised:
        plans = (frame.entity_type == HEALTH_PLAN).to_numpy()
        labels[:] = AGE_SEX
        labels[plans & by_payer] = AGE_SEX_PAYER
    elif _adjusted(measure, frame):
        labels[:] = RISK_MODEL
        labels[rows] = HIERARCHICAL
    return labels


def _measure_results(
    frame: pd.DataFrame, measure: Measure, min_denominator: int, variance: float | None
) -> pd.DataFrame:
    """Every statistic of one measure's results (see the module docstring)."""
    frame = frame.reset_index(drop=True)
    positions = reference_positions(frame)
    rest = rest_of_collaborative(frame, [*COUNTS, *SUMS], positions)
    # A plan alone in its payer types has the age/sex expected only (adjustment.py).
    by_payer = ~np.isclose(
        numbers(frame, "expected_payer_mix"), numbers(frame, "expected"), rtol=1e-9, atol=0
    )
    _payer_mix(frame, rest, measure)
    frame = _rates(frame, measure, min_denominator)
    standard = numbers(reference_rows(frame, ["rate"], positions), "rate")
    whole = ((frame.entity_type == COLLABORATIVE) & (frame.stratum_type == ALL)).to_numpy()
    standard[whole] = numbers(frame, "rate")[whole]
    phi = dispersion(frame) if measure.is_rate and measure.is_standardised else 1.0
    frame = _observed_expected(frame, measure, phi, standard)
    scale = _scale(frame, rest, measure, phi)
    observed_scale = scale
    rows = _hierarchical_rows(frame, measure)
    if rows.any() and variance is not None:
        frame, scale = _hierarchical(frame, scale, rows, variance, standard)
    else:
        rows = np.zeros(len(frame), dtype=bool)
    # The rest's rate on the measure's scale: for O/E, the rest's risk-standardised rate.
    reference_rate = scale.rest * (standard if _adjusted(measure, frame) else measure.per)
    reference_rate[rows] = standard[rows]
    allowed = comparable(frame, rest, measure)
    p, q, comparison = flags(frame, scale, allowed, measure.higher_is_better)
    return frame.assign(
        reliability=_reliability(frame, observed_scale, measure, rows, variance),
        predicted=np.where(rows, numbers(frame, "predicted"), np.nan),
        p_value=p,
        q_value=q,
        comparison=comparison,
        reference_rate=np.where(whole, np.nan, reference_rate),
        adjustment=_adjustment_labels(frame, measure, rows, by_payer),
    )


def _with_providers(
    frame: pd.DataFrame, measures: Sequence[Measure], providers: pa.Table | None
) -> pd.DataFrame:
    """Each cost cell's providers paid and the largest one's share (0 and null without
    payments); null for other measures."""
    keys = ["measure_id", "entity_type", "entity_id", "stratum_type", "stratum"]
    if providers is None or providers.num_rows == 0:
        shares = pd.DataFrame(columns=[*keys, "providers", "largest_provider_share"])
    else:
        shares = providers.select([*keys, "providers", "largest_provider_share"]).to_pandas()
    frame = frame.merge(shares, on=keys, how="left")
    cost = frame.measure_id.isin([m.id for m in measures if m.is_cost]).to_numpy()
    counted = frame["providers"].astype("float64").fillna(0.0)
    frame["providers"] = np.where(cost, counted, np.nan)
    return frame


def result_table(
    counted: pa.Table,
    measures: Sequence[Measure],
    period: int,
    names: Mapping[str, str],
    *,
    min_denominator: int = MIN_DENOMINATOR,
    cluster_variances: Mapping[str, float] | None = None,
    providers: pa.Table | None = None,
) -> pa.Table:
    """The `measure_result` rows of a run, from the engine's counts (see `counts`).

    `cluster_variances` gives, by measure id, the τ² of a hierarchical risk model's random
    intercepts (adjustment.Adjusted), which its hospitals' intervals and reliability need;
    `providers`, per cost cell, the providers paid and the largest one's share
    (providers.provider_shares): a cost cell without a row there had no payments.
    """
    variances = cluster_variances or {}
    frame = counted.to_pandas()
    frame = frame.assign(**{name: np.nan for name in SUMS if name not in frame.columns})
    frame = _complete(frame, measures)
    parts = [
        _measure_results(
            frame[frame.measure_id == m.id].copy(), m, min_denominator, variances.get(m.id)
        )
        for m in measures
    ]
    frame = pd.concat(parts, ignore_index=True)
    frame = _with_providers(frame, measures, providers)
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

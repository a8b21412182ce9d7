"""Expected amounts for indirect standardisation, computed in the engine for each patient row.

* Rates and costs (`with_standardised_expected`): the collaborative's own rates in the period by
  5-year age group and sex (AHRQ's area-level adjustment cells, strata.age_group): a member's
  expected events are their member-years times the collaborative's events per member-year in
  their age-sex group; a member's expected paid, their member-months times the collaborative's
  paid per member-month in the group. `expected_payer_mix` does the same by age, sex and payer
  type (commercial, Medicare, Medicaid...), for comparing health plans, whose members' coverage
  type is theirs by design; a payer type only one plan covers has no other plan to be compared
  with, and its members keep the age/sex expected. Summed over the collaborative, expected
  equals observed.
* Risk-adjusted proportions (`with_expected`): a logistic model (statistics.fit_risk_model: age,
  sex and condition categories) fitted on the collaborative's own performance-denominator rows,
  so each entity's O/E says how it does against the collaborative's average patient mix. With a
  random intercept (HWR-30 by hospital) the model is hierarchical: `expected` is a stay's
  probability at the average hospital, `predicted` at its own hospital's shrunk intercept (the
  CMS predicted/expected), both calibrated by one shift of the intercept so that expected adds up
  to observed over the collaborative, as for every other measure.

Rows are sorted by key before fitting, so every engine (DuckDB, Spark) fits the same model;
scoring runs in the engine. With too little to fit (one outcome only, no rows) `expected` stays
null and the measure is reported unadjusted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import ibis
import ibis.expr.types as ir
import numpy as np
from scipy import special

from commontable.errors import UserError
from commontable.measures.definition import Measure
from commontable.measures.records import Records
from commontable.measures.statistics import RiskModel, expected_probability, fit_risk_model

OUTCOME = "_outcome"
STANDARD = ("age_group", "sex")  # the cells of age/sex standardisation
PAYER_MIX = (*STANDARD, "payer_type")  # and, for health plans, payer type
MIN_PLANS = 2  # a payer type is adjusted for only where at least two plans cover it
INTERCEPT = "Intercept"


@dataclass(frozen=True)
class Adjusted:
    """A measure's patient rows with their expected amounts, and the model's τ² if hierarchical."""

    rows: ir.Table
    cluster_variance: float | None = None


def _performance(rows: ir.Table) -> ir.BooleanValue:
    return rows.denominator & ~rows.denominator_exclusion & ~rows.denominator_exception


def _group_expected(rows: ir.Table, amount: str, exposure: str, cells: tuple[str, ...]) -> ir.Table:
    """Per cell: the collaborative's amount per unit of exposure (events per member-year...)."""
    grouped = rows.group_by(list(cells)).aggregate(
        _amount=rows[amount].cast("float64").sum(), _exposure=rows[exposure].sum()
    )
    per = ibis.ifelse(grouped._exposure > 0, grouped._amount / grouped._exposure, 0.0)
    return grouped.select(*[grouped[c].name(f"_{c}") for c in cells], _per=per)


def with_standardised_expected(rows: ir.Table, measure: Measure) -> ir.Table:
    """A rate's or cost's patient rows with `expected` (age, sex) and `expected_payer_mix`."""
    if not measure.is_standardised:
        return rows
    amount, exposure = (
        ("numerator_count", "member_years") if measure.is_rate else ("paid_amount", "member_months")
    )
    by_sex = _group_expected(rows, amount, exposure, STANDARD)
    by_payer = _group_expected(rows, amount, exposure, PAYER_MIX).rename(_payer_per="_per")
    planned = rows.filter(rows.health_plan.notnull())
    plans = planned.group_by(_type=planned.payer_type).aggregate(
        _plans=planned.health_plan.nunique()
    )
    joined = rows.left_join(by_sex, [(c, f"_{c}") for c in STANDARD])
    joined = joined.left_join(by_payer, [(c, f"_{c}") for c in PAYER_MIX])
    joined = joined.left_join(plans, joined.payer_type == plans._type)
    compared = joined._plans.fill_null(0) >= MIN_PLANS
    changed = {
        "expected": joined[exposure] * joined._per,
        "expected_payer_mix": joined[exposure]
        * ibis.ifelse(compared, joined._payer_per, joined._per),
    }
    return joined.select(*[changed[c].name(c) if c in changed else c for c in rows.columns])


def _calibrated(scoring: ir.Table, model: RiskModel, observed: float) -> RiskModel:
    """The model with its intercept shifted so that Σ expected = observed over the rows scored.

    Calibration in the large (Cox 1958, Biometrika 45:562): a hierarchical model's probability at
    the average hospital sums to a little less than what was observed (the average of logistic
    curves is not the logistic of the average intercept); one shift, found by Newton's method,
    closes the gap for expected and predicted alike, so an average hospital keeps P/E = 1.
    """
    found = scoring.select(_p=expected_probability(scoring, model)).to_pyarrow()
    p = np.clip(found["_p"].to_numpy(zero_copy_only=False).astype(np.float64), 1e-12, 1 - 1e-12)
    linear, shift = special.logit(p), 0.0
    for _ in range(50):
        q = special.expit(linear + shift)
        step = (observed - q.sum()) / max(float(np.sum(q * (1 - q))), 1e-12)
        shift += step
        if abs(step) < 1e-10:
            break
    coefficients = {**model.coefficients, INTERCEPT: model.coefficients[INTERCEPT] + shift}
    return replace(model, coefficients=coefficients)


def with_expected(rows: ir.Table, measure: Measure, records: Records) -> Adjusted:
    """A measure's patient rows with `expected`, each counted row's modelled probability (and,
    for a hierarchical model, `predicted`)."""
    risk = measure.risk_adjustment
    if risk is None:
        return Adjusted(rows)
    key = "event_id" if measure.per_event else "person_id"
    cluster = risk.random_intercept
    predictors = [*risk.numeric, *risk.categorical]
    counted = rows.filter(_performance(rows)).select(
        key, *([cluster] if cluster else []), **{OUTCOME: rows.numerator.cast("int64")}
    )
    factors = risk.factors(records).select(key, *predictors)
    scoring = counted.join(factors, key)
    frame = scoring.order_by(key).to_pandas()
    try:
        model = fit_risk_model(
            frame, OUTCOME, predictors, categorical=risk.categorical, cluster=cluster
        )
    except UserError:
        return Adjusted(rows)
    if cluster is not None:
        model = _calibrated(scoring, model, float(frame[OUTCOME].sum()))
    scored = scoring.select(
        _key=scoring[key],
        _expected=expected_probability(scoring, model),
        _predicted=expected_probability(scoring, model, own_cluster=True)
        if cluster
        else ibis.null("float64"),
    )
    joined = rows.left_join(scored, rows[key] == scored._key)
    counts = _performance(joined)
    changed = {
        "expected": ibis.ifelse(counts, joined._expected, ibis.null("float64")),
        "predicted": ibis.ifelse(counts, joined._predicted, ibis.null("float64")),
    }
    kept = joined.select(*[changed[c].name(c) if c in changed else c for c in rows.columns])
    return Adjusted(kept, model.cluster_variance)

"""Expected numerators for indirect standardisation: fit a measure's risk model, score its rows.

The model (statistics.fit_risk_model: logistic, age, sex and condition categories) is fitted on
the collaborative's own performance-denominator rows, so the collaborative's observed/expected is
1 and each entity's O/E says how it does against the collaborative's average patient mix. The
rows are sorted by key before fitting, so every engine (DuckDB, Spark) fits the same model;
scoring runs in the engine. With too little to fit (one outcome only, no rows) `expected` stays
null and the measure is reported unadjusted.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from commontable.errors import UserError
from commontable.measures.definition import Measure
from commontable.measures.records import Records
from commontable.measures.statistics import expected_probability, fit_risk_model

OUTCOME = "_outcome"


def with_expected(rows: ir.Table, measure: Measure, records: Records) -> ir.Table:
    """A measure's patient rows with `expected`, each counted row's modelled probability."""
    risk = measure.risk_adjustment
    if risk is None:
        return rows
    key = "event_id" if measure.per_event else "person_id"
    predictors = [*risk.numeric, *risk.categorical]
    performance = rows.denominator & ~rows.denominator_exclusion & ~rows.denominator_exception
    counted = rows.filter(performance).select(key, **{OUTCOME: rows.numerator.cast("int64")})
    factors = risk.factors(records).select(key, *predictors)
    scoring = counted.join(factors, key)
    frame = scoring.order_by(key).to_pandas()
    try:
        model = fit_risk_model(frame, OUTCOME, predictors, categorical=risk.categorical)
    except UserError:
        return rows
    scored = scoring.select(_key=scoring[key], _expected=expected_probability(scoring, model))
    joined = rows.left_join(scored, rows[key] == scored._key)
    counts = joined.denominator & ~joined.denominator_exclusion & ~joined.denominator_exception
    expected = ibis.ifelse(counts, joined._expected, ibis.null("float64"))
    return joined.select(*[expected.name(c) if c == "expected" else c for c in rows.columns])

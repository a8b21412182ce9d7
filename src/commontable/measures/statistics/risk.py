"""Risk models for indirect standardisation: fit a logistic model once, score in the engine.

The model is fitted in Python (statsmodels; or, with a `cluster` such as the hospital, the
random-intercept model of statistics.hierarchical) on at most `max_rows` patients and kept as
plain numbers; scoring rebuilds the linear predictor as an Ibis expression, so it runs wherever
the warehouse runs (DuckDB, Spark) without looping over patients.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
import statsmodels.api as sm

from commontable.errors import UserError
from commontable.measures.statistics._arrays import Floats
from commontable.measures.statistics.hierarchical import fit_random_intercept

INTERCEPT = "Intercept"
MISSING = "(missing)"  # the level a missing categorical value falls in, when fitting and scoring
# A column whose part not explained by the columns before it is below this share is collinear.
COLLINEAR = 1e-10


@dataclass(frozen=True)
class RiskModel:
    """A fitted logistic risk model as plain data: enough to score patients anywhere.

    `coefficients` maps each term to its log-odds coefficient: "Intercept", a numeric predictor's
    name, or "column[level]" for a level of a categorical predictor. `levels` lists each
    categorical predictor's levels, the reference level first. Terms in `dropped` (with the reason)
    were left out of the fit and count as 0, so a dropped level is scored like the reference.
    """

    outcome: str
    coefficients: dict[str, float]
    numeric: list[str]
    levels: dict[str, list[str]]
    dropped: dict[str, str]
    rows: int
    converged: bool
    # A hierarchical model (fitted with a `cluster`): the column, the between-cluster variance τ²
    # of the random intercepts, and each cluster's shrunk intercept α_j (log-odds, 0 = average).
    cluster: str | None = None
    cluster_variance: float | None = None
    cluster_effects: dict[str, float] = field(default_factory=dict)


def _frame(rows: pd.DataFrame | pa.Table | ir.Table, columns: list[str]) -> pd.DataFrame:
    names = list(rows.columns) if isinstance(rows, pd.DataFrame | ir.Table) else rows.column_names
    missing = [c for c in columns if c not in names]
    if missing:
        raise UserError(f"the risk model needs columns {missing}; the rows have {names}")
    if isinstance(rows, ir.Table):
        return rows.select(*columns).to_pandas()
    if isinstance(rows, pa.Table):
        return rows.select(columns).to_pandas()
    return rows[columns]


def _binary_outcome(values: pd.Series, outcome: str) -> Floats:
    y = values.to_numpy(dtype="float64")
    if not np.isin(y, (0.0, 1.0)).all():
        raise UserError(f"the outcome column '{outcome}' must hold only 0/1 or true/false")
    if y.min() == y.max():
        raise UserError(
            f"the outcome '{outcome}' is always {int(y[0])}; a risk model needs both outcomes"
        )
    return y


def _design(
    frame: pd.DataFrame, numeric: list[str], categorical: list[str], reference: Mapping[str, str]
) -> tuple[dict[str, Floats], dict[str, list[str]], dict[str, str]]:
    """Design columns by term (the intercept first), categorical levels, and dropped terms."""
    columns: dict[str, Floats] = {INTERCEPT: np.ones(len(frame))}
    levels: dict[str, list[str]] = {}
    dropped: dict[str, str] = {}
    for name in numeric:
        values = frame[name].to_numpy(dtype="float64")
        if np.ptp(values) == 0:
            dropped[name] = "constant"
        else:
            columns[name] = values
    for name in categorical:
        text = frame[name].astype("string").fillna(MISSING).to_numpy(dtype=object)
        values, seen = np.unique(text, return_counts=True)
        # Reference: the given level, else the most frequent (ties to the first in sort order).
        first = reference.get(name, str(values[np.argmax(seen)]))
        if first not in values:
            raise UserError(f"'{first}' is not a level of '{name}' in the rows fitted")
        found = [first, *(str(level) for level in values if level != first)]
        levels[name] = found
        if len(found) == 1:
            dropped[name] = f"constant (only '{found[0]}')"
        for level in found[1:]:
            columns[f"{name}[{level}]"] = (text == level).astype("float64")
    return columns, levels, dropped


def _separating(columns: dict[str, Floats], y: Floats) -> dict[str, str]:
    """0/1 terms whose rows with a 1 all share one outcome: their coefficient would be infinite."""
    found = {}
    for term, values in columns.items():
        if term == INTERCEPT or not np.isin(values, (0.0, 1.0)).all():
            continue
        outcomes = y[values == 1]
        if outcomes.min() == outcomes.max():
            found[term] = f"separates the outcome (always {int(outcomes[0])} where present)"
    return found


def _collinear(columns: dict[str, Floats]) -> dict[str, str]:
    """Terms that are (nearly) a linear combination of the terms before them."""
    names = list(columns)
    matrix = np.column_stack([columns[n] for n in names])
    gram = matrix.T @ matrix
    kept: list[int] = []
    found = {}
    for j, name in enumerate(names):
        own = gram[j, j]
        if kept:
            # Residual sum of squares of column j regressed on the kept columns, from X'X alone.
            sub = gram[np.ix_(kept, kept)]
            cross = gram[kept, j]
            own = own - cross @ np.linalg.solve(sub, cross)
        if own <= COLLINEAR * gram[j, j]:
            found[name] = "collinear with other predictors"
        else:
            kept.append(j)
    return found


def fit_risk_model(
    rows: pd.DataFrame | pa.Table | ir.Table,
    outcome: str,
    predictors: Sequence[str],
    *,
    categorical: Sequence[str] = (),
    reference: Mapping[str, str] | None = None,
    max_rows: int | None = 500_000,
    seed: int = 0,
    cluster: str | None = None,
) -> RiskModel:
    """Fit a logistic model of a 0/1 outcome on patient predictors, for expected probabilities.

    Text, category and other non-numeric columns (and those named in `categorical`) are one-hot
    coded against a reference level (from `reference`, else the most frequent level); numbers and
    booleans enter as they are. Rows missing the
    outcome or a numeric predictor are left out; above `max_rows` a seeded random sample is used.
    Constant, outcome-separating and collinear terms are dropped and listed in `dropped`.
    With `cluster` (a column such as the hospital; missing values form one cluster of their own)
    the model has a random intercept per cluster (statistics.hierarchical); the coefficients are
    then the fixed effects, the intercept that of the average cluster.

    Example:
        model = fit_risk_model(patients, "readmitted", ["age", "sex", "chf"])
        scored = patients.mutate(expected=expected_probability(patients, model))
    """
    predictors = list(predictors)
    frame = _frame(rows, [outcome, *predictors, *([cluster] if cluster else [])])
    numeric = [
        p
        for p in predictors
        if p not in categorical
        and (pd.api.types.is_numeric_dtype(frame[p]) or pd.api.types.is_bool_dtype(frame[p]))
    ]
    categories = [p for p in predictors if p not in numeric]
    frame = frame.dropna(subset=[outcome, *numeric])
    if frame.empty:
        raise UserError(f"no rows have '{outcome}' and every numeric predictor {numeric} filled in")
    if max_rows is not None and len(frame) > max_rows:
        picked = np.random.default_rng(seed).choice(len(frame), size=max_rows, replace=False)
        frame = frame.iloc[np.sort(picked)]
    y = _binary_outcome(frame[outcome], outcome)
    columns, levels, dropped = _design(frame, numeric, categories, reference or {})
    for found in (_separating(columns, y), _collinear(columns)):
        dropped.update(found)
        columns = {term: values for term, values in columns.items() if term not in found}
    terms = list(columns)
    design = np.column_stack([columns[t] for t in terms])
    if cluster is not None:
        return _hierarchical(frame, y, design, terms, cluster, outcome, numeric, levels, dropped)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence is reported on the model instead
        result = sm.Logit(y, design).fit(disp=0, maxiter=100)
    return RiskModel(
        outcome=outcome,
        coefficients={t: float(c) for t, c in zip(terms, result.params, strict=True)},
        numeric=[p for p in numeric if p in columns],
        levels=levels,
        dropped=dropped,
        rows=len(frame),
        converged=bool(result.mle_retvals["converged"]),
    )


def _hierarchical(
    frame: pd.DataFrame,
    y: Floats,
    design: Floats,
    terms: list[str],
    cluster: str,
    outcome: str,
    numeric: list[str],
    levels: dict[str, list[str]],
    dropped: dict[str, str],
) -> RiskModel:
    """The random-intercept model of `fit_risk_model` (clusters in sorted order of their names)."""
    names = frame[cluster].astype("string").fillna(MISSING).to_numpy(dtype=object)
    found, codes = np.unique(names, return_inverse=True)
    fit = fit_random_intercept(y, design, codes)
    return RiskModel(
        outcome=outcome,
        coefficients={t: float(c) for t, c in zip(terms, fit.coefficients, strict=True)},
        numeric=[p for p in numeric if p in terms],
        levels=levels,
        dropped=dropped,
        rows=len(frame),
        converged=fit.converged,
        cluster=cluster,
        cluster_variance=fit.variance,
        cluster_effects={str(k): float(a) for k, a in zip(found, fit.effects, strict=True)},
    )


def expected_probability(
    table: ir.Table, model: RiskModel, *, own_cluster: bool = False
) -> ir.FloatingValue:
    """Each patient's modelled probability of the outcome, as an Ibis expression over `table`.

    A level the model did not see counts as the reference level; a missing numeric predictor
    gives a missing probability. For a hierarchical model the probability is the average
    cluster's ("expected", α = 0), or with `own_cluster` the patient's own cluster's
    ("predicted", α_j; a cluster the model did not see counts as average).
    """
    needed = [
        *model.numeric,
        *model.levels,
        *([model.cluster] if own_cluster and model.cluster else []),
    ]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise UserError(f"scoring the risk model needs columns {missing} in the patient table")
    coefficients = model.coefficients
    linear: ir.FloatingValue = ibis.literal(coefficients[INTERCEPT], type="float64")
    for name in model.numeric:
        linear = linear + table[name].cast("float64") * coefficients[name]
    for name, found in model.levels.items():
        value = table[name].cast("string").fill_null(MISSING)
        cases = [
            (value == level, coefficients[f"{name}[{level}]"])
            for level in found[1:]
            if f"{name}[{level}]" in coefficients
        ]
        if cases:
            linear = linear + ibis.cases(*cases, else_=0.0)
    if own_cluster and model.cluster is not None and model.cluster_effects:
        found = table[model.cluster].cast("string").fill_null(MISSING)
        effects = [(found == name, effect) for name, effect in model.cluster_effects.items()]
        linear = linear + ibis.cases(*effects, else_=0.0)
    # The logistic function: p = 1 / (1 + exp(-linear predictor)).
    return (1 / (1 + (-linear).exp())).name("expected")

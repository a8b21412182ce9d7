"""Logistic risk models: fitted in Python, scored inside the engine through Ibis."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import statsmodels.api as sm

from commontable.errors import UserError
from commontable.measures.statistics import expected_probability, fit_risk_model
from tests.measures.conftest import TRUE_COEFFICIENTS

PREDICTORS = ["age", "sex", "condition"]
# About four standard errors of each coefficient at 20,000 patients.
TOLERANCE = {
    "Intercept": 0.3,
    "age": 0.004,
    "sex[M]": 0.16,
    "condition[chf]": 0.21,
    "condition[copd]": 0.26,
    "condition[diabetes]": 0.22,
}


def test_the_model_recovers_the_coefficients_it_was_simulated_with(patients: pd.DataFrame) -> None:
    model = fit_risk_model(patients, "readmitted", PREDICTORS)
    assert model.converged
    assert model.rows == len(patients)
    assert set(model.coefficients) == set(TRUE_COEFFICIENTS)
    for term, true in TRUE_COEFFICIENTS.items():
        assert model.coefficients[term] == pytest.approx(true, abs=TOLERANCE[term]), term


def test_the_most_frequent_level_is_the_reference_unless_one_is_given(
    patients: pd.DataFrame,
) -> None:
    model = fit_risk_model(patients, "readmitted", PREDICTORS)
    assert model.levels == {"sex": ["F", "M"], "condition": ["none", "chf", "copd", "diabetes"]}
    chosen = fit_risk_model(patients, "readmitted", PREDICTORS, reference={"condition": "chf"})
    assert chosen.levels["condition"][0] == "chf"
    assert "condition[none]" in chosen.coefficients


def test_scoring_in_duckdb_matches_statsmodels_predict(
    patients: pd.DataFrame, engine: ibis.BaseBackend
) -> None:
    model = fit_risk_model(pa.Table.from_pandas(patients), "readmitted", PREDICTORS)
    design = pd.DataFrame(
        {
            "const": 1.0,
            "age": patients["age"],
            "sex_M": (patients["sex"] == "M").astype(float),
            **{
                f"c_{c}": (patients["condition"] == c).astype(float)
                for c in ("chf", "copd", "diabetes")
            },
        }
    )
    reference = sm.Logit(patients["readmitted"].astype(float), design).fit(disp=0)
    table = engine.create_table("patients", patients)
    scored = table.mutate(expected=expected_probability(table, model)).to_pandas()
    assert np.abs(scored["expected"].to_numpy() - reference.predict(design).to_numpy()).max() < 1e-9


def test_scoring_compiles_to_spark_sql_unchanged(patients: pd.DataFrame) -> None:
    pytest.importorskip("pyspark")
    from ibis.backends.pyspark import Backend  # the compiler only; no Spark session starts

    Backend.register_options()
    model = fit_risk_model(patients, "readmitted", PREDICTORS)
    table = ibis.table({"age": "float64", "sex": "string", "condition": "string"}, name="patients")
    sql = ibis.to_sql(table.mutate(expected=expected_probability(table, model)), dialect="pyspark")
    assert "EXP(" in sql.upper()


def test_a_level_the_model_never_saw_is_scored_as_the_reference(
    patients: pd.DataFrame, engine: ibis.BaseBackend
) -> None:
    model = fit_risk_model(patients, "readmitted", PREDICTORS)
    rows = pd.DataFrame({"age": [60.0, 60.0], "sex": ["F", "F"], "condition": ["none", "asthma"]})
    table = engine.create_table("rows", rows)
    expected = table.mutate(p=expected_probability(table, model)).to_pandas()["p"]
    assert expected[0] == pytest.approx(expected[1], rel=1e-12)


def test_a_constant_predictor_is_dropped(patients: pd.DataFrame) -> None:
    rows = patients.assign(region="north", weight=1.0)
    model = fit_risk_model(rows, "readmitted", [*PREDICTORS, "region", "weight"])
    assert set(model.dropped) == {"region", "weight"}
    assert model.numeric == ["age"]
    assert model.converged


def test_a_level_that_separates_the_outcome_is_dropped(patients: pd.DataFrame) -> None:
    rows = patients.copy()
    rows.loc[rows.index[:40], "condition"] = "transplant"
    rows.loc[rows.index[:40], "readmitted"] = True
    model = fit_risk_model(rows, "readmitted", PREDICTORS)
    assert "separates the outcome" in model.dropped["condition[transplant]"]
    assert "condition[transplant]" not in model.coefficients
    assert model.converged


def test_a_collinear_predictor_is_dropped(patients: pd.DataFrame) -> None:
    rows = patients.assign(age_months=patients["age"] * 12)
    model = fit_risk_model(rows, "readmitted", ["age", "age_months", "sex"])
    assert model.dropped == {"age_months": "collinear with other predictors"}


def test_large_inputs_are_fitted_on_a_seeded_sample(patients: pd.DataFrame) -> None:
    first = fit_risk_model(patients, "readmitted", PREDICTORS, max_rows=5000, seed=1)
    again = fit_risk_model(patients, "readmitted", PREDICTORS, max_rows=5000, seed=1)
    other = fit_risk_model(patients, "readmitted", PREDICTORS, max_rows=5000, seed=2)
    assert first.rows == 5000
    assert first.coefficients == again.coefficients
    assert first.coefficients != other.coefficients


def test_an_outcome_that_is_not_zero_or_one_is_a_user_error(patients: pd.DataFrame) -> None:
    with pytest.raises(UserError, match="only 0/1"):
        fit_risk_model(patients.assign(readmitted=2), "readmitted", PREDICTORS)


def test_a_missing_predictor_column_is_a_user_error(patients: pd.DataFrame) -> None:
    with pytest.raises(UserError, match="needs columns \\['income'\\]"):
        fit_risk_model(patients, "readmitted", ["age", "income"])

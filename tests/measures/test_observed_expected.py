"""Observed/expected per entity, its exact interval, and the risk-standardised rate."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from commontable.measures.statistics import expected_probability, fit_risk_model, observed_expected


def test_observed_over_expected_is_one_overall_when_fitted_on_the_same_patients(
    patients: pd.DataFrame, engine: ibis.BaseBackend
) -> None:
    model = fit_risk_model(patients, "readmitted", ["age", "sex", "condition"])
    table = engine.create_table("patients", patients)
    result = observed_expected(table, "clinic", "readmitted", expected_probability(table, model))
    assert result.num_rows == 10
    assert sum(result["patients"].to_pylist()) == len(patients)
    overall = np.sum(result["observed"].to_numpy()) / np.sum(result["expected"].to_numpy())
    assert overall == pytest.approx(1.0, abs=1e-9)


def test_each_entity_gets_its_counts_ratio_interval_and_standardised_rate(
    engine: ibis.BaseBackend,
) -> None:
    rows = pd.DataFrame(
        {
            "clinic": ["a", "a", "a", "a", "b", "b"],
            "died": [1, 0, 0, 1, 0, 0],
            "p": [0.5, 0.5, 0.25, 0.25, 0.1, 0.3],
        }
    )
    result = observed_expected(engine.create_table("rows", rows), "clinic", "died", "p")
    a = {name: column[0] for name, column in result.to_pydict().items()}
    assert a["clinic"] == "a"
    assert (a["patients"], a["observed"]) == (4, 2)
    assert a["expected"] == pytest.approx(1.5)
    assert a["oe_ratio"] == pytest.approx(2 / 1.5)
    assert a["oe_low"] == pytest.approx(stats.chi2.ppf(0.025, 4) / 2 / 1.5)
    assert a["oe_high"] == pytest.approx(stats.chi2.ppf(0.975, 6) / 2 / 1.5)
    assert a["observed_rate"] == pytest.approx(0.5)
    overall = 2 / 6
    assert a["risk_standardised_rate"] == pytest.approx(2 / 1.5 * overall)
    assert result["oe_ratio"][1].as_py() == 0.0


def test_patients_without_an_entity_count_only_towards_the_overall_rate(
    engine: ibis.BaseBackend,
) -> None:
    rows = pd.DataFrame({"clinic": ["a", "a", None, None], "died": [1, 0, 1, 1], "p": 0.5})
    result = observed_expected(engine.create_table("rows", rows), "clinic", "died", "p")
    assert result["clinic"].to_pylist() == ["a"]
    assert result["risk_standardised_rate"][0].as_py() == pytest.approx(1.0 * 3 / 4)


def test_patients_without_an_expected_probability_are_left_out(engine: ibis.BaseBackend) -> None:
    rows = pd.DataFrame({"clinic": ["a", "a", "a"], "died": [1, 0, 1], "p": [0.5, 0.5, None]})
    result = observed_expected(engine.create_table("rows", rows), "clinic", "died", "p")
    assert (result["patients"][0].as_py(), result["observed"][0].as_py()) == (2, 1)

"""The random-intercept logistic model: it recovers hospitals' known effects, their spread and
the shrinkage theory predicts, on a simulation (the same every run)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special

from commontable.measures.statistics import fit_random_intercept, fit_risk_model

TRUE_BETA = np.array([-2.0, 0.4, 0.7])  # intercept, a standardised age, a condition
TRUE_TAU = 0.35


def _simulate(
    seed: int = 7, hospitals: int = 40, tau: float = TRUE_TAU
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """y, design, hospital codes and the true intercepts: sizes from 30 to 3,000 stays."""
    rng = np.random.default_rng(seed)
    sizes = np.round(np.geomspace(30, 3000, hospitals)).astype(int)
    codes = np.repeat(np.arange(hospitals), sizes)
    n = codes.size
    design = np.column_stack([np.ones(n), rng.normal(size=n), rng.random(n) < 0.3])
    effects = rng.normal(0.0, tau, hospitals)
    y = (rng.random(n) < special.expit(design @ TRUE_BETA + effects[codes])).astype(float)
    return y, design.astype(float), codes, effects


@pytest.fixture(scope="module")
def simulated() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return _simulate()


def _unshrunk(y: np.ndarray, design: np.ndarray, codes: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Each hospital's own intercept given β, without the prior (maximum likelihood, Newton)."""
    offset = design @ beta
    alpha = np.zeros(codes.max() + 1)
    for _ in range(50):
        p = special.expit(offset + alpha[codes])
        alpha += np.bincount(codes, y - p) / np.bincount(codes, p * (1 - p))
    return alpha


def test_the_fixed_effects_are_recovered(simulated: tuple) -> None:
    y, design, codes, effects = simulated
    fit = fit_random_intercept(y, design, codes)
    assert fit.converged
    assert fit.coefficients[1:] == pytest.approx(TRUE_BETA[1:], abs=0.06)
    # The intercept is the average hospital's: the true one plus the drawn effects' mean.
    assert fit.coefficients[0] == pytest.approx(TRUE_BETA[0] + effects.mean(), abs=0.1)


def test_the_spread_between_hospitals_is_recovered(simulated: tuple) -> None:
    y, design, codes, effects = simulated
    fit = fit_random_intercept(y, design, codes)
    assert 0.5 * np.var(effects) < fit.variance < 2 * np.var(effects)


def test_each_hospital_is_shrunk_by_its_reliability(simulated: tuple) -> None:
    """Empirical Bayes: the shrunk intercept is about reliability x the hospital's own estimate,
    reliability τ² d / (1 + τ² d) growing with the hospital's stays."""
    y, design, codes, _ = simulated
    fit = fit_random_intercept(y, design, codes)
    own = _unshrunk(y, design, codes, fit.coefficients)
    sizable = np.bincount(codes) >= 100  # smaller ones may have no readmission: no own estimate
    assert fit.effects[sizable] == pytest.approx(fit.reliability[sizable] * own[sizable], abs=0.03)
    assert fit.reliability[0] < 0.6 < 0.9 < fit.reliability[-1]  # 30 stays vs 3,000


def test_large_hospitals_effects_are_recovered(simulated: tuple) -> None:
    y, design, codes, effects = simulated
    fit = fit_random_intercept(y, design, codes)
    large = np.bincount(codes) >= 500
    assert np.corrcoef(fit.effects[large], effects[large])[0, 1] > 0.9


def test_without_differences_between_hospitals_there_is_no_spread() -> None:
    y, design, codes, _ = _simulate(seed=3, tau=0.0)
    fit = fit_random_intercept(y, design, codes)
    assert fit.variance < 0.005
    assert np.abs(fit.effects).max() < 0.05


def test_the_risk_model_fits_a_random_intercept_per_cluster(simulated: tuple) -> None:
    y, design, codes, _ = simulated
    frame = pd.DataFrame(
        {
            "readmitted": y,
            "age": design[:, 1],
            "condition": design[:, 2],
            "hospital": [f"H{c:02d}" for c in codes],
        }
    )
    model = fit_risk_model(frame, "readmitted", ["age", "condition"], cluster="hospital")
    direct = fit_random_intercept(y, design, codes)
    assert model.cluster_variance == pytest.approx(direct.variance)
    assert model.cluster_effects["H00"] == pytest.approx(direct.effects[0])
    assert model.coefficients["age"] == pytest.approx(direct.coefficients[1])

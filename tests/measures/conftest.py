"""Simulated patients with known risk coefficients, an in-memory DuckDB to score them in, and a
warehouse for a module's deck of hand-written patients."""

from __future__ import annotations

from collections.abc import Iterator

import ibis
import numpy as np
import pandas as pd
import pytest

from commontable.warehouse import Warehouse, connect

# The true log-odds of the simulated outcome; "F" and "none" are the most frequent levels.
TRUE_COEFFICIENTS = {
    "Intercept": -4.0,
    "age": 0.03,
    "sex[M]": 0.4,
    "condition[chf]": 1.0,
    "condition[copd]": 0.6,
    "condition[diabetes]": 0.3,
}
CONDITIONS = ["none", "chf", "copd", "diabetes"]


def simulated_patients(rows: int = 20_000, seed: int = 2024) -> pd.DataFrame:
    """Patients with age, sex, condition, a clinic, and a readmission drawn from the true model."""
    rng = np.random.default_rng(seed)
    age = rng.uniform(18, 90, rows)
    sex = rng.choice(["F", "M"], rows, p=[0.55, 0.45])
    condition = rng.choice(CONDITIONS, rows, p=[0.55, 0.15, 0.1, 0.2])
    linear = (
        TRUE_COEFFICIENTS["Intercept"]
        + TRUE_COEFFICIENTS["age"] * age
        + TRUE_COEFFICIENTS["sex[M]"] * (sex == "M")
    )
    for level in CONDITIONS[1:]:
        linear = linear + TRUE_COEFFICIENTS[f"condition[{level}]"] * (condition == level)
    readmitted = rng.random(rows) < 1 / (1 + np.exp(-linear))
    clinic = rng.choice([f"clinic-{i}" for i in range(10)], rows)
    return pd.DataFrame(
        {"age": age, "sex": sex, "condition": condition, "readmitted": readmitted, "clinic": clinic}
    )


@pytest.fixture(scope="module")
def patients() -> pd.DataFrame:
    """20,000 simulated patients (the same every run)."""
    return simulated_patients()


@pytest.fixture
def engine() -> Iterator[ibis.BaseBackend]:
    """An in-memory DuckDB through Ibis, the way the warehouse reaches it."""
    con = ibis.duckdb.connect()
    yield con
    con.disconnect()


@pytest.fixture(scope="module")
def deck_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """A DuckDB warehouse shared by one module's test deck (people written once, run once)."""
    with connect(str(tmp_path_factory.mktemp("deck") / "warehouse.duckdb")) as store:
        yield store

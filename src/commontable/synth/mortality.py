"""Who dies during the period, and when: age-specific mortality raised by chronic illness."""

from __future__ import annotations

import numpy as np

from commontable.synth.frame import Frame, dates, days
from commontable.synth.people import age_on

# Annual probability of death by age band (CDC NVSS United States Life Tables 2021, qx, rounded).
AGE_EDGES = np.array([1, 15, 25, 35, 45, 55, 65, 75, 85])
DEATH_RATE = np.array([0.0055, 0.0002, 0.0009, 0.0017, 0.0025, 0.0045, 0.0095, 0.019, 0.045, 0.14])
# Relative mortality of chronic illness (e.g. heart failure 5-year mortality ~50%: AHA 2023).
CONDITION_RISK = {"heart failure": 2.5, "copd": 1.8, "diabetes": 1.3, "ascvd": 1.4}


def assign_deaths(
    rng: np.random.Generator, people: Frame, conditions: Frame, years: range
) -> np.ndarray:
    """Death dates (NaT for survivors), at most one per person, never before birth."""
    count = len(people["person"])
    birth = days(people["birth_date"])
    death = np.full(count, np.iinfo(np.int64).max)
    risk = np.ones(count)
    for name, factor in CONDITION_RISK.items():
        risk = np.where(conditions[name], risk * factor, risk)
    for year in years:
        first = days(np.array([f"{year}-01-01"], dtype="datetime64[D]"))[0]
        age = age_on(people, np.datetime64(f"{year}-07-01"))
        q = DEATH_RATE[np.searchsorted(AGE_EDGES, age, side="right")] * risk
        start = np.maximum(first, birth + 1)
        length = first + 365 - start
        dies = (rng.random(count) < q) & (length > 0) & (death == np.iinfo(np.int64).max)
        when = start + (rng.random(count) * np.maximum(length, 1)).astype(np.int64)
        death = np.where(dies, when, death)
    result = dates(np.where(death == np.iinfo(np.int64).max, 0, death))
    result[death == np.iinfo(np.int64).max] = np.datetime64("NaT")
    return result

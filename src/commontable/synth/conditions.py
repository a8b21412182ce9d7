"""Chronic conditions with realistic age-dependent prevalence; they drive visits, stays, drugs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from commontable.synth.frame import Frame, dates, days
from commontable.synth.people import age_on

AGE_EDGES = np.array([18, 45, 65, 75])  # bands: 0-17, 18-44, 45-64, 65-74, 75+


@dataclass(frozen=True)
class Condition:
    """A chronic condition: prevalence by age band, codes (ICD-10-CM with weights, SNOMED CT)."""

    name: str
    prevalence: tuple[float, float, float, float, float]
    icd10: tuple[str, ...]
    icd10_weights: tuple[float, ...]
    snomed: str
    display: str
    source: str


CONDITIONS = (
    Condition(
        "hypertension",
        (0.005, 0.12, 0.42, 0.60, 0.70),
        ("I10",),
        (1.0,),
        "59621000",
        "Essential hypertension",
        "CDC BRFSS 2021, adults ever told they have high blood pressure, by age",
    ),
    Condition(
        "diabetes",
        (0.003, 0.035, 0.145, 0.24, 0.25),
        ("E11.9", "E11.65", "E11.22", "E11.40", "E10.9"),
        (0.5, 0.2, 0.12, 0.1, 0.08),
        "44054006",
        "Diabetes mellitus type 2",
        "CDC National Diabetes Statistics Report 2023, diagnosed diabetes by age",
    ),
    Condition(
        "hyperlipidemia",
        (0.01, 0.12, 0.35, 0.48, 0.50),
        ("E78.5", "E78.00"),
        (0.8, 0.2),
        "55822004",
        "Hyperlipidemia",
        "CDC BRFSS 2021, adults told they have high cholesterol, by age",
    ),
    Condition(
        "ascvd",
        (0.0, 0.008, 0.055, 0.12, 0.18),
        ("I25.10", "I25.2"),
        (0.8, 0.2),
        "443502000",
        "Atherosclerosis of coronary artery",
        "CDC NHIS 2019, coronary heart disease by age",
    ),
    Condition(
        "heart failure",
        (0.0, 0.003, 0.015, 0.045, 0.10),
        ("I50.9", "I50.22", "I50.32"),
        (0.5, 0.3, 0.2),
        "84114007",
        "Heart failure",
        "AHA Heart Disease and Stroke Statistics 2023 (NHANES 2017-2020), by age",
    ),
    Condition(
        "copd",
        (0.0, 0.015, 0.065, 0.10, 0.12),
        ("J44.9", "J44.1"),
        (0.8, 0.2),
        "13645005",
        "Chronic obstructive lung disease",
        "CDC BRFSS 2021, COPD by age",
    ),
    Condition(
        "asthma",
        (0.058, 0.085, 0.08, 0.075, 0.07),
        ("J45.909", "J45.40", "J45.20"),
        (0.6, 0.2, 0.2),
        "195967001",
        "Asthma",
        "CDC NHIS 2021, current asthma",
    ),
    Condition(
        "depression",
        (0.03, 0.20, 0.18, 0.14, 0.12),
        ("F32.9", "F32.A", "F33.1", "F32.1"),
        (0.35, 0.25, 0.25, 0.15),
        "35489007",
        "Depressive disorder",
        "CDC BRFSS 2020, adults ever told they have a depressive disorder, by age",
    ),
)
NAMES = tuple(c.name for c in CONDITIONS)
INCIDENT_SHARE = 0.12  # of people with a condition, the share whose onset falls in the period
# Relative risks: hypertension and diabetes by race (CDC NDSR 2023; AHA 2023 statistics),
# and cardiometabolic clustering (diabetes and hypertension raise ASCVD and heart failure risk).
RACE_RISK = {
    "diabetes": {
        "black or african american": 1.5,
        "american indian or alaska native": 1.8,
        "other race": 1.3,
    },
    "hypertension": {"black or african american": 1.35},
}
CLUSTER_RISK = {
    "diabetes": (("hypertension", 1.6, 0.75),),
    "hyperlipidemia": (("diabetes", 1.5, 0.95),),
    "ascvd": (("diabetes", 1.8, 0.9), ("hypertension", 1.7, 0.7)),
    "heart failure": (("hypertension", 1.8, 0.5), ("ascvd", 2.5, 0.85)),
}


def assign_conditions(
    rng: np.random.Generator, people: Frame, start: np.datetime64, end: np.datetime64
) -> Frame:
    """A boolean column per condition and its `<name>_onset` dates."""
    count = len(people["person"])
    age = age_on(people, end)
    band = np.searchsorted(AGE_EDGES, age, side="right")
    race = people["race"]
    out: Frame = {}
    for condition in CONDITIONS:
        p = np.asarray(condition.prevalence)[band]
        for group, factor in RACE_RISK.get(condition.name, {}).items():
            p = np.where(race == group, p * factor, p)
        if condition.name == "diabetes":
            p = np.where(people["ethnicity"] == "hispanic or latino", p * 1.3, p)
        for other, with_it, without in CLUSTER_RISK.get(condition.name, ()):
            relative: np.ndarray = np.where(out[other], with_it, without)
            # keep each age band's prevalence: the risk moves cases, it does not add them
            mean = np.bincount(band, relative, 5) / np.maximum(np.bincount(band, minlength=5), 1)
            p = p * relative / mean[band]
        has = rng.random(count) < np.clip(p, 0, 0.95)
        out[condition.name] = has
        out[condition.name + "_onset"] = _onsets(rng, people["birth_date"], has, start, end)
    # LDL >= 190 mg/dL: ~6% of US adults (NHANES 2015-2018), all within hyperlipidemia here
    out["familial_ldl"] = out["hyperlipidemia"] & (age >= 21) & (rng.random(count) < 0.15)
    return out


def _onsets(
    rng: np.random.Generator,
    birth: np.ndarray,
    has: np.ndarray,
    start: np.datetime64,
    end: np.datetime64,
) -> np.ndarray:
    """Onset dates: most before the period (up to 15 years back), some during it."""
    count = len(birth)
    first = np.maximum(days(birth) + 365, days(start) - 15 * 365)
    before = first + (rng.random(count) * np.maximum(days(start) - first, 1)).astype(np.int64)
    during = days(start) + (rng.random(count) * (days(end) - days(start))).astype(np.int64)
    incident = (rng.random(count) < INCIDENT_SHARE) | (first >= days(start))
    onset = np.where(incident, np.maximum(during, days(birth) + 30), before)
    result = dates(np.minimum(onset, days(end)))
    result[~has] = np.datetime64("NaT")
    return result


def condition_count(conditions: Frame) -> np.ndarray:
    """How many of the chronic conditions each person has."""
    return sum((conditions[name].astype(np.int64) for name in NAMES), np.zeros(1, np.int64))

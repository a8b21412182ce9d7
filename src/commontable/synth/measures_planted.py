"""Per-clinic propensities planted for the quality measures, so measure results can be checked."""

from __future__ import annotations

import numpy as np

# measure -> (CMS eCQM, low, high, what is planted). Each clinic gets a rate spread evenly
# between low and high (order shuffled by the seed).
PLANTED = {
    "breast_cancer_screening": (
        "CMS125",
        0.55,
        0.85,
        "women 52-74 at the end of the measurement period attributed to the clinic get a "
        "mammogram between 1 October two years before and the period's end with this probability",
    ),
    "colorectal_cancer_screening": (
        "CMS130",
        0.50,
        0.80,
        "adults 46-75: screened with this probability by colonoscopy (last 10 years, 55%), "
        "FIT in the period (28%) or FIT-DNA in the last 3 years (17%)",
    ),
    "cervical_cancer_screening": (
        "CMS124",
        0.50,
        0.80,
        "women 24-64: cervical cytology in the last 3 years, or (age 30+) HPV test in the last 5",
    ),
    "diabetes_hba1c_poor_control": (
        "CMS122",
        0.15,
        0.35,
        "diabetics 18-75: the last HbA1c of the period is > 9.0% (or, for a quarter of them, "
        "no HbA1c in the period) with this probability",
    ),
    "controlling_high_blood_pressure": (
        "CMS165",
        0.55,
        0.80,
        "hypertensives 18-85: the last blood pressure of the period is < 140/90 with this "
        "probability",
    ),
    "depression_screening": (
        "CMS2",
        0.55,
        0.90,
        "people 12+ with a visit: screened (PHQ) at their last visit of the year with this "
        "probability; positives get a follow-up the same day 85% of the time",
    ),
    "childhood_immunization": (
        "CMS117",
        0.45,
        0.80,
        "children turning 2: every dose of the ten vaccine series with this probability; the "
        "others miss one to three series",
    ),
    "statin_therapy": (
        "CMS347",
        0.60,
        0.85,
        "ASCVD, LDL >= 190 mg/dL, or diabetes at 40-75: on a statin during the period with this "
        "probability",
    ),
}
POSITIVE_SCREEN = (0.08, 0.30)  # PHQ positive without / with a depression diagnosis (USPSTF 2023)
FOLLOW_UP = 0.85
HBA1C_POOR_UNTESTED = 0.25


def clinic_rates(rng: np.random.Generator, clinics: int) -> dict[str, np.ndarray]:
    """Each measure's planted rate for each clinic."""
    rates = {}
    for measure, (_, low, high, _) in PLANTED.items():
        rates[measure] = np.round(
            low + (high - low) * rng.permutation(np.linspace(0, 1, clinics)), 3
        )
    return rates


def at_clinic(rate: np.ndarray, clinic: np.ndarray, default: float) -> np.ndarray:
    """The planted rate of each person's clinic (the default for people without one)."""
    return np.where(clinic >= 0, rate[np.maximum(clinic, 0)], default)

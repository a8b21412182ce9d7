"""Maintenance drugs for chronic conditions: prescriptions (EHR orders) and pharmacy fills."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from commontable.synth.frame import Frame, concat, dates, days
from commontable.synth.measures_planted import at_clinic
from commontable.synth.people import age_on


@dataclass(frozen=True)
class Drug:
    """A drug product: RxNorm (NLM), an 11-digit NDC, 30-day price, and who takes it."""

    name: str
    rxnorm: str
    ndc: str
    price_30: float
    condition: str
    share: float


# RxNorm RXCUIs as listed in the eCQM/VSAC value sets shipped in ../shared (statins and
# antidepressants are members of the measures' value sets). NDCs are in the 11-digit 5-4-2 billing
# format with real generic labeler prefixes; product and package segments are illustrative.
# Prices: NADAC 2024 generic acquisition cost plus dispensing fee, per 30 days (rounded);
# shares: share of people with the condition who take the drug (MEPS 2021 prescribed medicines).
DRUGS = (
    Drug(
        "metformin hydrochloride 500 MG Oral Tablet", "861007", "00093104801", 9.0, "diabetes", 0.75
    ),
    Drug(
        "insulin glargine 100 UNT/ML Injectable Solution",
        "311041",
        "00088221905",
        290.0,
        "diabetes",
        0.2,
    ),
    Drug("empagliflozin 10 MG Oral Tablet", "1545658", "00597015230", 580.0, "diabetes", 0.12),
    Drug("lisinopril 10 MG Oral Tablet", "314076", "68180051301", 6.0, "hypertension", 0.45),
    Drug("amlodipine 5 MG Oral Tablet", "197361", "00093716798", 7.0, "hypertension", 0.35),
    Drug(
        "losartan potassium 50 MG Oral Tablet", "979492", "00781570192", 9.0, "hypertension", 0.22
    ),
    Drug(
        "hydrochlorothiazide 25 MG Oral Tablet", "310798", "00172208380", 5.0, "hypertension", 0.18
    ),
    Drug("furosemide 40 MG Oral Tablet", "313988", "00054429731", 6.0, "heart failure", 0.7),
    Drug(
        "24 HR metoprolol succinate 25 MG Extended Release Oral Tablet",
        "866427",
        "00378459801",
        12.0,
        "heart failure",
        0.65,
    ),
    Drug("sertraline 50 MG Oral Tablet", "312941", "16729017201", 8.0, "depression", 0.35),
    Drug("escitalopram 10 MG Oral Tablet", "349332", "00093585101", 9.0, "depression", 0.25),
    Drug(
        "albuterol 0.09 MG/ACTUAT Metered Dose Inhaler",
        "745679",
        "00093317431",
        35.0,
        "asthma",
        0.7,
    ),
    Drug("tiotropium", "69120", "00597007541", 420.0, "copd", 0.4),
)
# Statins (members of the CMS347 High/Moderate Intensity Statin Therapy value sets).
STATINS = (
    Drug("atorvastatin 40 MG Oral Tablet", "617311", "00378201877", 10.0, "statin", 0.4),
    Drug("atorvastatin 20 MG Oral Tablet", "617310", "00378201777", 9.0, "statin", 0.3),
    Drug("rosuvastatin calcium 20 MG Oral Tablet", "859751", "00591579530", 12.0, "statin", 0.18),
    Drug("simvastatin 20 MG Oral Tablet", "312961", "16714068301", 6.0, "statin", 0.12),
)
ALL_DRUGS = DRUGS + STATINS
STATIN_HYPERLIPIDEMIA_ONLY = 0.45  # statin use with high cholesterol alone (NHANES 2015-2018)
NINETY_DAY_SHARE = 0.35  # fills for 90 days (mail order / retail 90)


def prescriptions(
    rng: np.random.Generator,
    people: Frame,
    conditions: Frame,
    death: np.ndarray,
    clinic_mp: np.ndarray,
    rates: dict[str, np.ndarray],
    years: range,
) -> Frame:
    """One course per person and drug: start, end (period end or death), adherence."""
    count = len(people["person"])
    start_day = days(np.array([f"{years[0]}-01-01"], "datetime64[D]"))[0]
    end_day = days(np.array([f"{years[-1]}-12-31"], "datetime64[D]"))[0]
    frames = []
    for d, drug in enumerate(DRUGS):
        takes = conditions[drug.condition] & (rng.random(count) < drug.share)
        frames.append(
            _course(
                rng,
                people,
                conditions[drug.condition + "_onset"],
                death,
                takes,
                d,
                start_day,
                end_day,
            )
        )
    age = age_on(people, np.datetime64(f"{years[-1]}-12-31"))
    cardiac = conditions["ascvd"] | conditions["familial_ldl"]
    cardiac |= conditions["diabetes"] & (age >= 40) & (age <= 75)
    p = np.where(
        cardiac,
        at_clinic(rates["statin_therapy"], clinic_mp, 0.6),
        np.where(conditions["hyperlipidemia"], STATIN_HYPERLIPIDEMIA_ONLY, 0.0),
    )
    on_statin = rng.random(count) < p
    which = rng.choice(len(STATINS), count, p=[s.share for s in STATINS])
    onset = conditions["hyperlipidemia_onset"].copy()
    onset = np.where(np.isnat(onset), people["birth_date"] + 40 * 365, onset)
    for s in range(len(STATINS)):
        frames.append(
            _course(
                rng,
                people,
                onset,
                death,
                on_statin & (which == s),
                len(DRUGS) + s,
                start_day,
                end_day,
            )
        )
    return concat(frames)


def _course(
    rng: np.random.Generator,
    people: Frame,
    onset: np.ndarray,
    death: np.ndarray,
    takes: np.ndarray,
    drug: int,
    start_day: np.int64,
    end_day: np.int64,
) -> Frame:
    who = np.flatnonzero(takes)
    begin = np.maximum(days(onset[who]) + rng.integers(0, 60, len(who)), start_day)
    begin = np.maximum(begin, days(people["birth_date"][who]))
    stop = np.full(len(who), end_day)
    stop = np.where(np.isnat(death[who]), stop, np.minimum(stop, days(death[who]) - 1))
    ok = stop > begin
    n = int(ok.sum())
    return {
        "person": who[ok],
        "drug": np.full(n, drug),
        "start": dates(begin[ok]),
        "end": dates(stop[ok]),
        "adherence": rng.beta(6, 1.5, n),
        "supply": np.where(rng.random(n) < NINETY_DAY_SHARE, 90, 30),
    }


def fills(rng: np.random.Generator, courses: Frame) -> Frame:
    """Pharmacy fills of each course: every days_supply / adherence days from its start."""
    interval = np.ceil(courses["supply"] / courses["adherence"]).astype(np.int64)
    span = days(courses["end"]) - days(courses["start"])
    count = 1 + span // interval
    row = np.repeat(np.arange(len(interval)), count)
    k = np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count)
    day = days(courses["start"])[row] + k * interval[row] + rng.integers(-2, 3, len(row))
    day = np.clip(day, days(courses["start"])[row], days(courses["end"])[row])
    return {
        "person": courses["person"][row],
        "drug": courses["drug"][row],
        "date": dates(day),
        "supply": courses["supply"][row],
        "refill": k,
    }

"""Health-related social needs screenings (CMS AHC HRSN tool) answered at CBOs and clinics."""

from __future__ import annotations

import numpy as np

from commontable.synth.frame import Frame, concat, ids
from commontable.synth.numbering import Serials

INSTRUMENT = "AHC HRSN"
# The four safety items are scored Never 1 to Frequently 5 and screen positive above 10 in all
# (CMS's guide to the AHC HRSN tool): someone in need answers each from Sometimes up (12+),
# anyone else Never or Rarely (8 at most), so each answer's flag agrees with the score.
SAFETY_ANSWERS = (
    ("LA6270-8", "Never", False),
    ("LA10066-1", "Rarely", False),
    ("LA10082-8", "Sometimes", True),
    ("LA16644-9", "Fairly often", True),
    ("LA6482-9", "Frequently", True),
)
# CMS Accountable Health Communities HRSN screening tool, LOINC panel 96777-8: (question LOINC,
# question, domain, answers as (LA code, text, indicates a need)).
QUESTIONS = (
    (
        "71802-3",
        "What is your living situation today?",
        "housing instability",
        (
            ("LA31993-1", "I have a steady place to live", False),
            (
                "LA31994-9",
                "I have a place to live today, but I am worried about losing it in the future",
                True,
            ),
            ("LA31995-6", "I do not have a steady place to live", True),
        ),
    ),
    (
        "96778-6",
        "Think about the place you live. Do you have problems with any of the following?",
        "housing quality",
        (
            ("LA9-3", "None of the above", False),
            ("LA31996-4", "Pests such as bugs, ants, or mice", True),
            ("LA28580-1", "Mold", True),
            ("LA31998-0", "Lack of heat", True),
        ),
    ),
    (
        "88122-7",
        "Within the past 12 months, you worried that your food would run out before you "
        "got money to buy more.",
        "food insecurity",
        (
            ("LA28398-8", "Never true", False),
            ("LA6729-3", "Sometimes true", True),
            ("LA28397-0", "Often true", True),
        ),
    ),
    (
        "88123-5",
        "Within the past 12 months, the food you bought just didn't last and you didn't "
        "have money to get more.",
        "food insecurity",
        (
            ("LA28398-8", "Never true", False),
            ("LA6729-3", "Sometimes true", True),
            ("LA28397-0", "Often true", True),
        ),
    ),
    (
        "93030-5",
        "In the past 12 months, has lack of reliable transportation kept you from medical "
        "appointments, meetings, work or from getting things needed for daily living?",
        "transportation",
        (("LA32-8", "No", False), ("LA33-6", "Yes", True)),
    ),
    (
        "96779-4",
        "In the past 12 months has the electric, gas, oil, or water company threatened to "
        "shut off services in your home?",
        "utilities",
        (("LA32-8", "No", False), ("LA33-6", "Yes", True), ("LA32002-0", "Already shut off", True)),
    ),
    *(
        (
            code,
            f"How often does anyone, including family and friends, {verb}?",
            "interpersonal safety",
            SAFETY_ANSWERS,
        )
        for code, verb in (
            ("95618-5", "physically hurt you"),
            ("95617-7", "insult or talk down to you"),
            ("95616-9", "threaten you with harm"),
            ("95615-1", "scream or curse at you"),
        )
    ),
)
# Share screening positive per domain among Medicaid/urban and other people (CMS AHC model
# evaluation 2023: ~1/3 of screened beneficiaries had at least one core need).
NEED = {
    "housing instability": (0.16, 0.05),
    "housing quality": (0.12, 0.05),
    "food insecurity": (0.24, 0.08),
    "transportation": (0.14, 0.05),
    "utilities": (0.12, 0.04),
    "interpersonal safety": (0.03, 0.01),
}


def screenings(
    rng: np.random.Generator,
    person: np.ndarray,
    day: np.ndarray,
    high_risk: np.ndarray,
    focus: str,
    prefix: str,
    serials: Serials,
) -> Frame:
    """One answer row per question for each (person, day) screening; `focus` domain likelier."""
    n = len(person)
    screening_id = ids(f"{prefix}S", serials.take(f"{prefix}S", n), 8)
    need = {
        domain: rng.random(n) < np.where(high_risk, hi, lo) * (3.0 if domain == focus else 1.0)
        for domain, (hi, lo) in NEED.items()
    }
    told = {domain: need[domain] & (rng.random(n) < 0.9) for domain in NEED}  # 1 in 10 hides it
    frames = []
    for code, question, domain, answers in QUESTIONS:
        negative = [a for a in answers if not a[2]]
        positive = [a for a in answers if a[2]]
        pick_pos = rng.integers(0, len(positive), n)
        pick_neg = rng.integers(0, len(negative), n)
        needed = told[domain]
        answer_code = np.where(
            needed,
            np.array([a[0] for a in positive])[pick_pos],
            np.array([a[0] for a in negative])[pick_neg],
        )
        answer = np.where(
            needed,
            np.array([a[1] for a in positive])[pick_pos],
            np.array([a[1] for a in negative])[pick_neg],
        )
        frames.append(
            {
                "screening_id": screening_id,
                "person": person,
                "screening_date": day,
                "instrument": np.full(n, INSTRUMENT),
                "question_code": np.full(n, code),
                "question": np.full(n, question),
                "answer_code": answer_code,
                "answer": answer,
                "domain": np.full(n, domain),
                "positive_flag": needed,
            }
        )
    return concat(frames)

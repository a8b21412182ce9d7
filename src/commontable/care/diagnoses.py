"""A diagnosis as a care team is shown it: its ICD-10-CM chapter, not the code (minimum
necessary, 45 CFR 164.502(b)): enough to know who should call, without the detail."""

from __future__ import annotations

from bisect import bisect_right

# ICD-10-CM chapters by the first three characters of the code (CDC NCHS, ICD-10-CM Tabular
# List of Diseases and Injuries, FY2025): (first category, last category, chapter title).
CHAPTERS = (
    ("A00", "B99", "Infectious and parasitic diseases"),
    ("C00", "D49", "Neoplasms"),
    ("D50", "D89", "Blood and immune disorders"),
    ("E00", "E89", "Endocrine, nutritional and metabolic diseases"),
    ("F01", "F99", "Mental, behavioral and neurodevelopmental disorders"),
    ("G00", "G99", "Diseases of the nervous system"),
    ("H00", "H59", "Diseases of the eye"),
    ("H60", "H95", "Diseases of the ear"),
    ("I00", "I99", "Diseases of the circulatory system"),
    ("J00", "J99", "Diseases of the respiratory system"),
    ("K00", "K95", "Diseases of the digestive system"),
    ("L00", "L99", "Diseases of the skin"),
    ("M00", "M99", "Musculoskeletal diseases"),
    ("N00", "N99", "Diseases of the genitourinary system"),
    ("O00", "O9A", "Pregnancy, childbirth and the puerperium"),
    ("P00", "P96", "Perinatal conditions"),
    ("Q00", "Q99", "Congenital conditions"),
    ("R00", "R99", "Symptoms and signs not elsewhere classified"),
    ("S00", "T88", "Injury and poisoning"),
    ("U00", "U85", "Codes for special purposes"),
    ("V00", "Y99", "External causes"),
    ("Z00", "Z99", "Factors influencing health status"),
)
_FIRSTS = [first for first, _, _ in CHAPTERS]
UNKNOWN = "not given"


def diagnosis_category(code: str) -> str:
    """The chapter of an ICD-10-CM code ("I50.9" -> circulatory); UNKNOWN when none fits."""
    category = code.replace(".", "").strip().upper()[:3]
    if len(category) < 3:
        return UNKNOWN
    at = bisect_right(_FIRSTS, category) - 1
    if at < 0:
        return UNKNOWN
    first, last, title = CHAPTERS[at]
    return title if first <= category <= last else UNKNOWN

"""Clinical results behind the quality measures: screenings, HbA1c, blood pressure, PHQ, vaccines.

Each code is a member of the official eCQM value set the measures look for (named below with its
VSAC OID), written with that value set's display, so that measures find what a real region holds.
The generator carries its own code lists and never imports what it tests (commontable.measures);
tests/synth/test_code_lists.py checks each code and display against the vendored value sets.
Each record frame has: person, date, clinic, kind, system, code, display, value, value_code,
value_display, unit, cpt (the CPT/HCPCS a claim bills, or '').
"""

from __future__ import annotations

import numpy as np

from commontable.synth.frame import Frame, concat, dates, days
from commontable.synth.measures_planted import (
    FOLLOW_UP,
    HBA1C_POOR_UNTESTED,
    POSITIVE_SCREEN,
    at_clinic,
)
from commontable.synth.people import age_on

LOINC, SNOMED, CPT, CVX = "loinc", "snomed-ct", "cpt", "cvx"
# (kind, value set, system, code, CPT billed): the code each kind of record is written with,
# a member of the named eCQM value set (its display and VSAC OID are in DISPLAYS).
RECORDS = {
    "mammography": ("Mammography", LOINC, "24606-6", "77067"),
    "colonoscopy": ("Colonoscopy", CPT, "45378", "45378"),
    "fit": ("Fecal Occult Blood Test (FOBT)", LOINC, "58453-2", "82274"),
    "sdna": ("sDNA FIT Test", LOINC, "77353-1", "81528"),
    "pap": ("Pap Test", LOINC, "33717-0", "88175"),
    "hpv": ("HPV Test", LOINC, "59420-0", "87624"),
    "hba1c": ("HbA1c Laboratory Test", LOINC, "4548-4", "83036"),
    "ldl": ("LDL Cholesterol", LOINC, "2089-1", "80061"),
    "follow_up_adult": ("Follow Up for Adult Depression", SNOMED, "18512000", ""),
    "follow_up_adolescent": ("Follow Up for Adolescent Depression", SNOMED, "18512000", ""),
}
# Direct codes of the measures' CQL (CMS2, CMS165) and LOINC panels (loinc.org).
ADULT_SCREEN = ("73832-8", "Adult depression screening assessment")
ADOLESCENT_SCREEN = ("73831-0", "Adolescent depression screening assessment")
SCREEN_POSITIVE = ("428181000124104", "Depression screening positive (finding)")
SCREEN_NEGATIVE = ("428171000124102", "Depression screening negative (finding)")
PHQ9_SCORE = ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]")
BP_PANEL = ("85354-9", "Blood pressure panel with all children optional")
SYSTOLIC = ("8480-6", "Systolic blood pressure")
DIASTOLIC = ("8462-4", "Diastolic blood pressure")
# Childhood series (CDC ACIP schedule): (eCQM value set, CVX, ages in days at each dose).
VACCINES = (
    ("DTaP Vaccine", "20", (61, 122, 183, 456)),
    ("Inactivated Polio Vaccine (IPV)", "10", (61, 122, 183)),
    ("Measles, Mumps and Rubella (MMR) Vaccine", "03", (380,)),
    ("Hib Vaccine (3 dose schedule)", "49", (61, 122, 380)),
    ("Hepatitis B Vaccine", "08", (0, 35, 183)),
    ("Varicella Zoster Vaccine (VZV)", "21", (380,)),
    ("Pneumococcal Conjugate Vaccine", "133", (61, 122, 183, 400)),
    ("Hepatitis A Vaccine", "83", (395,)),
    ("Rotavirus Vaccine (3 dose schedule)", "116", (61, 122, 183)),
    ("Child Influenza Vaccine", "150", (190, 220)),
)
# The display of each code above, as its eCQM value set (VSAC OID) lists it.
DISPLAYS = {
    # Mammography, 2.16.840.1.113883.3.464.1003.108.12.1018
    (LOINC, "24606-6"): "MG Breast Screening",
    # Colonoscopy, 2.16.840.1.113883.3.464.1003.108.12.1020
    (CPT, "45378"): (
        "Colonoscopy, flexible; diagnostic, including collection of specimen(s) by brushing or"
        " washing, when performed (separate procedure)"
    ),
    # Fecal Occult Blood Test (FOBT), 2.16.840.1.113883.3.464.1003.198.12.1011
    (LOINC, "58453-2"): "Hemoglobin.gastrointestinal.lower [Mass/volume] in Stool by Immunoassay",
    # sDNA FIT Test, 2.16.840.1.113883.3.464.1003.108.12.1039
    (LOINC, "77353-1"): (
        "Noninvasive colorectal cancer DNA and occult blood screening [Interpretation] in Stool"
        " Narrative"
    ),
    # Pap Test, 2.16.840.1.113883.3.464.1003.108.12.1017
    (LOINC, "33717-0"): "Cervical AndOr vaginal cytology study",
    # HPV Test, 2.16.840.1.113883.3.464.1003.110.12.1059
    (LOINC, "59420-0"): (
        "Human papilloma virus 16+18+31+33+35+39+45+51+52+56+58+59+66+68 DNA [Presence] in Cervix"
        " by Probe with signal amplification"
    ),
    # HbA1c Laboratory Test, 2.16.840.1.113883.3.464.1003.198.12.1013
    (LOINC, "4548-4"): "Hemoglobin A1c/Hemoglobin.total in Blood",
    # LDL Cholesterol, 2.16.840.1.113883.3.526.3.1573
    (LOINC, "2089-1"): "Cholesterol in LDL [Mass/volume] in Serum or Plasma",
    # Follow Up for Adult Depression, 2.16.840.1.113883.3.526.3.1568, and Follow Up for
    # Adolescent Depression, 2.16.840.1.113883.3.526.3.1569
    (SNOMED, "18512000"): "Individual psychotherapy (regime/therapy)",
    # DTaP Vaccine, 2.16.840.1.113883.3.464.1003.196.12.1214
    (CVX, "20"): "diphtheria, tetanus toxoids and acellular pertussis vaccine",
    # Inactivated Polio Vaccine (IPV), 2.16.840.1.113883.3.464.1003.196.12.1219
    (CVX, "10"): "poliovirus vaccine, inactivated",
    # Measles, Mumps and Rubella (MMR) Vaccine, 2.16.840.1.113883.3.464.1003.196.12.1224
    (CVX, "03"): "measles, mumps and rubella virus vaccine",
    # Hib Vaccine (3 dose schedule), 2.16.840.1.113883.3.464.1003.110.12.1083
    (CVX, "49"): "Haemophilus influenzae type b vaccine, PRP-OMP conjugate",
    # Hepatitis B Vaccine, 2.16.840.1.113883.3.464.1003.196.12.1216
    (CVX, "08"): "hepatitis B vaccine, pediatric or pediatric/adolescent dosage",
    # Varicella Zoster Vaccine (VZV), 2.16.840.1.113883.3.464.1003.196.12.1170
    (CVX, "21"): "varicella virus vaccine",
    # Pneumococcal Conjugate Vaccine, 2.16.840.1.113883.3.464.1003.196.12.1221
    (CVX, "133"): "pneumococcal conjugate vaccine, 13 valent",
    # Hepatitis A Vaccine, 2.16.840.1.113883.3.464.1003.196.12.1215
    (CVX, "83"): "hepatitis A vaccine, pediatric/adolescent dosage, 2 dose schedule",
    # Rotavirus Vaccine (3 dose schedule), 2.16.840.1.113883.3.464.1003.196.12.1223
    (CVX, "116"): "rotavirus, live, pentavalent vaccine",
    # Child Influenza Vaccine, 2.16.840.1.113883.3.464.1003.196.12.1218
    (CVX, "150"): "Influenza, injectable, quadrivalent, preservative free",
}


def records(
    kind: str,
    person: np.ndarray,
    day: np.ndarray,
    clinic: np.ndarray,
    value: np.ndarray | None = None,
    unit: str = "",
) -> Frame:
    """A record frame of one kind, with its value set's code and display."""
    _, system, code, cpt = RECORDS[kind]
    n = len(person)
    return {
        "person": person,
        "date": day,
        "clinic": clinic,
        "kind": np.full(n, kind),
        "system": np.full(n, system),
        "code": np.full(n, code),
        "display": np.full(n, DISPLAYS[system, code]),
        "value": np.full(n, np.nan) if value is None else np.round(value, 1),
        "value_code": np.full(n, ""),
        "value_display": np.full(n, ""),
        "unit": np.full(n, unit),
        "cpt": np.full(n, cpt),
    }


def _in_life(
    rng: np.random.Generator,
    people: Frame,
    death: np.ndarray,
    who: np.ndarray,
    lo: np.datetime64,
    hi: np.datetime64,
) -> tuple[np.ndarray, np.ndarray]:
    """A random day in [lo, hi] within each person's life; (kept people, days)."""
    first = np.maximum(days(people["birth_date"][who]), days(np.array([lo]))[0])
    last = np.full(len(who), days(np.array([hi]))[0])
    gone = death[who]
    last = np.where(np.isnat(gone), last, np.minimum(last, days(gone) - 1))
    ok = last >= first
    day = first + (rng.random(len(who)) * (last - first + 1)).astype(np.int64)
    return who[ok], dates(day[ok])


def screenings(
    rng: np.random.Generator,
    people: Frame,
    death: np.ndarray,
    clinic: np.ndarray,
    rates: dict[str, np.ndarray],
    year: int,
) -> Frame:
    """Breast, colorectal and cervical cancer screening records, planted per clinic."""
    end = np.datetime64(f"{year}-12-31")
    age = age_on(people, end)
    female = people["sex"] == "female"
    draw = rng.random(len(age))
    frames = []
    women = np.flatnonzero(female & (age >= 50) & (age <= 74))
    yes = women[draw[women] < at_clinic(rates["breast_cancer_screening"], clinic[women], 0.5)]
    who, day = _in_life(rng, people, death, yes, np.datetime64(f"{year - 2}-10-01"), end)
    frames.append(records("mammography", who, day, clinic[who]))
    adults = np.flatnonzero((age >= 45) & (age <= 75))
    yes = adults[
        draw[adults] < at_clinic(rates["colorectal_cancer_screening"], clinic[adults], 0.5)
    ]
    modality = rng.choice(3, len(yes), p=[0.55, 0.28, 0.17])
    for kind, m, back in (("colonoscopy", 0, 9), ("fit", 1, 0), ("sdna", 2, 2)):
        who, day = _in_life(
            rng, people, death, yes[modality == m], np.datetime64(f"{year - back}-01-01"), end
        )
        frames.append(records(kind, who, day, clinic[who]))
    women = np.flatnonzero(female & (age >= 21) & (age <= 64))
    yes = women[draw[women] < at_clinic(rates["cervical_cancer_screening"], clinic[women], 0.5)]
    hpv = (age[yes] >= 30) & (rng.random(len(yes)) < 0.5)
    for kind, chosen, back in (("pap", ~hpv, 2), ("hpv", hpv, 4)):
        who, day = _in_life(
            rng, people, death, yes[chosen], np.datetime64(f"{year - back}-01-01"), end
        )
        frames.append(records(kind, who, day, clinic[who]))
    return concat(frames)


def _last_per_person(person: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Positions of each person's latest record."""
    order = np.lexsort((days(day), person))
    last = np.append(person[order][1:] != person[order][:-1], True)
    return order[last]


def visit_results(
    rng: np.random.Generator,
    people: Frame,
    conditions: Frame,
    visits: Frame,
    rates: dict[str, np.ndarray],
    years: range,
) -> Frame:
    """HbA1c and LDL of people with diabetes (and LDL for hyperlipidemia), at office visits."""
    person, day, clinic = visits["person"], visits["start"], visits["clinic"]
    year = day.astype("datetime64[Y]").astype(int) + 1970
    diabetic = conditions["diabetes"][person] & (conditions["diabetes_onset"][person] <= day)
    tested = diabetic & (rng.random(len(person)) < 0.7)
    value = np.exp(rng.normal(np.log(7.3), 0.15, len(person)))
    last_year = year == years[-1]
    poor = rng.random(len(people["person"])) < at_clinic(
        rates["diabetes_hba1c_poor_control"], _clinic_of(people, visits, years[-1]), 0.25
    )
    untested = poor & (rng.random(len(poor)) < HBA1C_POOR_UNTESTED)
    tested &= ~(last_year & untested[person])
    final = np.zeros(len(person), bool)
    candidates = np.flatnonzero(diabetic & last_year & ~untested[person])
    final[candidates[_last_per_person(person[candidates], day[candidates])]] = True
    tested |= final
    value = np.where(
        final & poor[person],
        rng.uniform(9.1, 12.8, len(person)),
        np.where(final, rng.uniform(5.6, 8.9, len(person)), value),
    )
    hba1c = records("hba1c", person[tested], day[tested], clinic[tested], value[tested], "%")
    lipid = (conditions["hyperlipidemia"] | conditions["diabetes"])[person]
    lipid &= rng.random(len(person)) < 0.25
    high = conditions["familial_ldl"][person]
    ldl = np.where(high, rng.uniform(191, 260, len(person)), rng.normal(118, 28, len(person)))
    ldl_records = records(
        "ldl",
        person[lipid],
        day[lipid],
        clinic[lipid],
        np.clip(ldl[lipid], 40, 300).round(),
        "mg/dL",
    )
    return concat([hba1c, ldl_records])


def _clinic_of(people: Frame, visits: Frame, year: int) -> np.ndarray:
    """Each person's clinic in the year from their visits (-1 for none)."""
    clinic = np.full(len(people["person"]), -1)
    in_year = visits["start"].astype("datetime64[Y]").astype(int) + 1970 == year
    clinic[visits["person"][in_year]] = visits["clinic"][in_year]
    return clinic


def blood_pressure(
    rng: np.random.Generator,
    conditions: Frame,
    visits: Frame,
    ages: np.ndarray,
    clinic_mp: np.ndarray,
    rates: dict[str, np.ndarray],
    year: int,
) -> Frame:
    """Systolic/diastolic at every visit from age 3; the last one of the period is planted."""
    keep = ages >= 3
    person, day = visits["person"][keep], visits["start"][keep]
    hypertensive = conditions["hypertension"][person]
    systolic = np.where(
        hypertensive, rng.normal(136, 15, len(person)), rng.normal(118, 11, len(person))
    )
    diastolic = np.where(
        hypertensive, rng.normal(84, 10, len(person)), rng.normal(75, 8, len(person))
    )
    in_mp = (day.astype("datetime64[Y]").astype(int) + 1970 == year) & hypertensive
    candidates = np.flatnonzero(in_mp)
    last = candidates[_last_per_person(person[candidates], day[candidates])]
    controlled = rng.random(len(last)) < at_clinic(
        rates["controlling_high_blood_pressure"], clinic_mp[person[last]], 0.6
    )
    systolic[last] = np.where(
        controlled, rng.uniform(108, 139, len(last)), rng.uniform(141, 178, len(last))
    )
    diastolic[last] = np.where(
        controlled, rng.uniform(62, 89, len(last)), rng.uniform(78, 104, len(last))
    )
    return {
        "person": person,
        "date": day,
        "clinic": visits["clinic"][keep],
        "systolic": np.clip(systolic, 80, 220).round(),
        "diastolic": np.clip(diastolic, 45, 130).round(),
    }


def depression_screens(
    rng: np.random.Generator,
    conditions: Frame,
    visits: Frame,
    ages: np.ndarray,
    rates: dict[str, np.ndarray],
) -> Frame:
    """PHQ screening at each person's last visit of a year (12+), with same-day follow-up."""
    year = visits["start"].astype("datetime64[Y]").astype(int)
    eligible = np.flatnonzero(ages >= 12)
    key = visits["person"][eligible] * 10_000 + year[eligible]
    last = eligible[_last_per_person(key, visits["start"][eligible])]
    person, day, clinic = visits["person"][last], visits["start"][last], visits["clinic"][last]
    screened = rng.random(len(last)) < at_clinic(rates["depression_screening"], clinic, 0.6)
    person, day, clinic, adult = (
        person[screened],
        day[screened],
        clinic[screened],
        ages[last][screened] >= 18,
    )
    depressed = conditions["depression"][person]
    positive = rng.random(len(person)) < np.where(depressed, POSITIVE_SCREEN[1], POSITIVE_SCREEN[0])
    score = np.where(positive, rng.integers(10, 25, len(person)), rng.integers(0, 10, len(person)))
    n = len(person)
    screen = {
        "person": person,
        "date": day,
        "clinic": clinic,
        "kind": np.full(n, "depression_screen"),
        "system": np.full(n, LOINC),
        "code": np.where(adult, ADULT_SCREEN[0], ADOLESCENT_SCREEN[0]),
        "display": np.where(adult, ADULT_SCREEN[1], ADOLESCENT_SCREEN[1]),
        "value": score.astype(float),
        "value_code": np.where(positive, SCREEN_POSITIVE[0], SCREEN_NEGATIVE[0]),
        "value_display": np.where(positive, SCREEN_POSITIVE[1], SCREEN_NEGATIVE[1]),
        "unit": np.full(n, "{score}"),
        "cpt": np.where(adult, "G0444", "96127"),
    }
    follow = positive & (rng.random(n) < FOLLOW_UP)
    adults = records(
        "follow_up_adult", person[follow & adult], day[follow & adult], clinic[follow & adult]
    )
    young = follow & ~adult
    teens = records("follow_up_adolescent", person[young], day[young], clinic[young])
    return concat([screen, adults, teens])


def immunizations(
    rng: np.random.Generator,
    people: Frame,
    death: np.ndarray,
    clinic: np.ndarray,
    rates: dict[str, np.ndarray],
    years: range,
) -> Frame:
    """The ten childhood series for children born from two years before the period on."""
    born = people["birth_date"]
    kids = np.flatnonzero(born >= np.datetime64(f"{years[0] - 2}-01-01"))
    complete = rng.random(len(kids)) < at_clinic(rates["childhood_immunization"], clinic[kids], 0.6)
    missed = rng.random((len(kids), len(VACCINES))) < rng.uniform(0.1, 0.3, (len(kids), 1))
    missed[np.arange(len(kids)), rng.integers(0, len(VACCINES), len(kids))] = True
    missed[complete] = False
    end = np.datetime64(f"{years[-1]}-12-31")
    frames = []
    for v, (_, cvx, ages) in enumerate(VACCINES):
        for age in ages:
            jitter = rng.integers(0, 21, len(kids))
            day = born[kids] + age + jitter
            alive = np.isnat(death[kids]) | (day < death[kids])
            ok = ~missed[:, v] & (day <= end) & alive
            n = int(ok.sum())
            frames.append(
                {
                    "person": kids[ok],
                    "date": day[ok],
                    "clinic": clinic[kids[ok]],
                    "kind": np.full(n, "immunization"),
                    "system": np.full(n, CVX),
                    "code": np.full(n, cvx),
                    "display": np.full(n, DISPLAYS[CVX, cvx]),
                    "value": np.full(n, np.nan),
                    "value_code": np.full(n, ""),
                    "value_display": np.full(n, ""),
                    "unit": np.full(n, ""),
                    "cpt": np.full(n, ""),
                }
            )
    return concat(frames)

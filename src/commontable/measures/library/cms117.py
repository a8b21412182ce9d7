"""CMS117 Childhood Immunization Status: children turning 2 in the period with a qualifying
encounter who had every one of ten vaccine series by their second birthday. CQL:
ChildhoodImmunizationStatusFHIR 0.1.000 (ecqm-2025/cql).

A dose is an immunization (CVX, status completed) or an administration procedure (CPT, from a
chart or a claim); doses count once per day. A series is also met by the conditions the CQL
takes in lieu of it (anaphylaxis to the vaccine, or the disease itself), started in the first
two years. Not read yet: encounter status (every encounter counts as finished). Test deck
22/22.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from commontable.measures.codes import CodeList, direct, valueset
from commontable.measures.definition import PROPORTION, Measure
from commontable.measures.library import exclusions
from commontable.measures.period import during
from commontable.measures.records import Records

CQL = "CQL direct-reference code"
QUALIFYING = (
    valueset("2.16.840.1.113883.3.464.1003.101.12.1001"),  # Office Visit
    valueset("2.16.840.1.113883.3.464.1003.101.12.1016"),  # Home Healthcare Services
    valueset("2.16.840.1.113883.3.464.1003.101.12.1024"),  # Preventive Care Established 0-17
    valueset("2.16.840.1.113883.3.464.1003.101.12.1022"),  # Preventive Care Initial 0-17
    direct("Office visit, may not require a physician", "cpt", ["99211"], CQL),
    valueset("2.16.840.1.113883.3.464.1003.101.12.1089"),  # Virtual Encounter
    valueset("2.16.840.1.113883.3.464.1003.101.12.1080"),  # Telephone Visits
)
EXCLUDING_CONDITIONS = (
    valueset("2.16.840.1.113883.3.464.1003.120.12.1007"),  # Severe Combined Immunodeficiency
    valueset("2.16.840.1.113883.3.464.1003.120.12.1001"),  # Disorders of the Immune System
    valueset("2.16.840.1.113883.3.464.1003.120.12.1003"),  # HIV
    valueset("2.16.840.1.113883.3.464.1003.108.12.1009"),  # Malignant Neoplasm of Lymphatic...
    valueset("2.16.840.1.113883.3.464.1003.199.12.1056"),  # Intussusception
)
AGE = 2  # "AgeInYearsAt(date from end of "Measurement Period") = 2"

# When a dose counts, from the birth date (CQL intervals, closed, "during day of"):
FROM_42_DAYS = "42 days to 2 years"  # "Vaccine Administration Interval - 42 Days up to 2 Years"
FROM_180_DAYS = "180 days to 2 years"  # "... - 180 Days up to 2 Years Old"
FIRST_TWO_YEARS = "first two years"  # "First Two Years"
SECOND_YEAR = "second year"  # "Date of First Birthday to Date of Second Birthday"
SECOND_BIRTHDAY = "second birthday"  # Interval["Date of Second Birthday", same]
NEWBORN = "first 7 days"  # Interval[birthDate, birthDate + 7 days]
WINDOWS = {  # name -> (days or years after birth, from and to)
    FROM_42_DAYS: ((42, "D"), (2, "Y")),
    FROM_180_DAYS: ((180, "D"), (2, "Y")),
    FIRST_TWO_YEARS: ((0, "D"), (2, "Y")),
    SECOND_YEAR: ((1, "Y"), (2, "Y")),
    SECOND_BIRTHDAY: ((2, "Y"), (2, "Y")),
    NEWBORN: ((0, "D"), (7, "D")),
}


@dataclass(frozen=True)
class Doses:
    """Records counting as doses of a series: vaccines given (immunizations) or administration
    procedures, in a window; `more` marks the schedule that needs more doses (Hib 4-dose,
    rotavirus 3-dose)."""

    series: str
    codes: CodeList
    immunization: bool
    window: str
    more: bool = False


@dataclass(frozen=True)
class Series:
    """One of the ten series: distinct days of doses needed (`more`: when a dose of the longer
    schedule is among them), and the conditions that meet it in lieu of doses."""

    name: str
    needed: int
    in_lieu: tuple[CodeList, ...]
    more: int | None = None


def _anaphylaxis(what: str, code: str) -> CodeList:
    return direct(f"Anaphylaxis caused by {what} vaccine", "snomed-ct", [code], CQL)


DTAP, POLIO, MMR, HIB, HEPATITIS_B = "DTaP", "polio", "MMR", "Hib", "hepatitis B"
VARICELLA, PNEUMOCOCCAL, HEPATITIS_A, ROTAVIRUS, INFLUENZA = (
    "varicella", "pneumococcal", "hepatitis A", "rotavirus", "influenza"
)  # fmt: skip
LAIV = "LAIV"  # live attenuated influenza on the second birthday, with one other influenza dose
SERIES = (
    Series(DTAP, 4, (
        valueset("2.16.840.1.113883.3.464.1003.199.12.1031"),  # Anaphylactic Reaction to DTaP
        valueset("2.16.840.1.113883.3.464.1003.1164"),  # Encephalitis Due to DTaP Vaccine
    )),
    Series(POLIO, 3, (_anaphylaxis("poliovirus", "471321000124106"),)),
    Series(MMR, 1, (_anaphylaxis("MMR", "471331000124109"),)),
    Series(HIB, 3, (_anaphylaxis("Hib", "433621000124101"),), more=4),
    Series(HEPATITIS_B, 3, (
        _anaphylaxis("hepatitis B", "428321000124101"),
        valueset("2.16.840.1.113883.3.464.1003.110.12.1025"),  # Hepatitis B
    )),
    Series(VARICELLA, 1, (
        valueset("2.16.840.1.113883.3.464.1003.110.12.1039"),  # Varicella Zoster
        _anaphylaxis("varicella", "471341000124104"),
    )),
    Series(PNEUMOCOCCAL, 4, (_anaphylaxis("pneumococcal", "471141000124102"),)),
    Series(HEPATITIS_A, 1, (
        valueset("2.16.840.1.113883.3.464.1003.110.12.1024"),  # Hepatitis A
        _anaphylaxis("hepatitis A", "471311000124103"),
    )),
    Series(ROTAVIRUS, 2, (_anaphylaxis("rotavirus", "428331000124103"),), more=3),
    Series(INFLUENZA, 2, (_anaphylaxis("influenza", "471361000124100"),)),
)  # fmt: skip
# MMR is also met by measles, mumps and rubella all diagnosed in the first two years.
MEASLES_MUMPS_RUBELLA = (
    valueset("2.16.840.1.113883.3.464.1003.110.12.1053"),  # Measles
    valueset("2.16.840.1.113883.3.464.1003.110.12.1032"),  # Mumps
    valueset("2.16.840.1.113883.3.464.1003.110.12.1037"),  # Rubella
)
# Hepatitis B is also met by a newborn injection (ICD-10-PCS) in the first 7 days and two
# hepatitis B doses on later days ("Meets HepB Vaccination Requirement").
NEWBORN_VACCINE = direct("Introduction of Serum, Toxoid and Vaccine into Muscle", "icd-10-pcs",
                         ["3E0234Z"], CQL)  # fmt: skip
NEWBORN_HEPATITIS_B_DOSES = 2
DOSES = (
    Doses(DTAP, valueset("2.16.840.1.113883.3.464.1003.196.12.1214"), True, FROM_42_DAYS),
    Doses(DTAP, valueset("2.16.840.1.113883.3.464.1003.110.12.1022"), False, FROM_42_DAYS),
    Doses(POLIO, valueset("2.16.840.1.113883.3.464.1003.196.12.1219"), True, FROM_42_DAYS),
    Doses(POLIO, valueset("2.16.840.1.113883.3.464.1003.110.12.1045"), False, FROM_42_DAYS),
    Doses(MMR, valueset("2.16.840.1.113883.3.464.1003.196.12.1224"), True, SECOND_YEAR),
    Doses(MMR, valueset("2.16.840.1.113883.3.464.1003.110.12.1031"), False, SECOND_YEAR),
    Doses(HIB, valueset("2.16.840.1.113883.3.464.1003.110.12.1083"), True, FROM_42_DAYS),
    Doses(HIB, valueset("2.16.840.1.113883.3.464.1003.110.12.1084"), False, FROM_42_DAYS),
    Doses(HIB, valueset("2.16.840.1.113883.3.464.1003.110.12.1085"), True, FROM_42_DAYS, True),
    Doses(HIB, valueset("2.16.840.1.113883.3.464.1003.110.12.1086"), False, FROM_42_DAYS, True),
    Doses(HEPATITIS_B, valueset("2.16.840.1.113883.3.464.1003.196.12.1216"), True,
          FIRST_TWO_YEARS),
    Doses(HEPATITIS_B, valueset("2.16.840.1.113883.3.464.1003.110.12.1042"), False,
          FIRST_TWO_YEARS),
    Doses(VARICELLA, valueset("2.16.840.1.113883.3.464.1003.196.12.1170"), True, SECOND_YEAR),
    Doses(VARICELLA, valueset("2.16.840.1.113883.3.464.1003.110.12.1040"), False, SECOND_YEAR),
    Doses(PNEUMOCOCCAL, valueset("2.16.840.1.113883.3.464.1003.196.12.1221"), True,
          FROM_42_DAYS),
    Doses(PNEUMOCOCCAL, valueset("2.16.840.1.113883.3.464.1003.110.12.1046"), False,
          FROM_42_DAYS),
    Doses(HEPATITIS_A, valueset("2.16.840.1.113883.3.464.1003.196.12.1215"), True, SECOND_YEAR),
    Doses(HEPATITIS_A, valueset("2.16.840.1.113883.3.464.1003.110.12.1041"), False,
          SECOND_YEAR),
    Doses(ROTAVIRUS, direct("Rotavirus, live, monovalent vaccine", "cvx", ["119"], CQL), True,
          FROM_42_DAYS),
    Doses(ROTAVIRUS, valueset("2.16.840.1.113883.3.464.1003.110.12.1048"), False,
          FROM_42_DAYS),
    Doses(ROTAVIRUS, valueset("2.16.840.1.113883.3.464.1003.196.12.1223"), True, FROM_42_DAYS,
          True),
    Doses(ROTAVIRUS, valueset("2.16.840.1.113883.3.464.1003.110.12.1047"), False, FROM_42_DAYS,
          True),
    Doses(INFLUENZA, valueset("2.16.840.1.113883.3.464.1003.196.12.1218"), True, FROM_42_DAYS),
    Doses(INFLUENZA, valueset("2.16.840.1.113883.3.464.1003.110.12.1044"), False,
          FROM_180_DAYS),
    Doses(LAIV, valueset("2.16.840.1.113883.3.464.1003.110.12.1087"), True, SECOND_BIRTHDAY),
    Doses(LAIV, valueset("2.16.840.1.113883.3.464.1003.110.12.1088"), False, SECOND_BIRTHDAY),
    Doses(NEWBORN, NEWBORN_VACCINE, False, NEWBORN),
)  # fmt: skip


def _after_birth(birth: ir.DateValue, offset: tuple[int, str]) -> ir.DateValue:
    amount, unit = offset
    return birth + (ibis.interval(years=amount) if unit == "Y" else ibis.interval(days=amount))


def _within(when: ir.DateValue, birth: ir.DateValue, window: ir.StringValue) -> ir.BooleanValue:
    """True where a date falls in the window (by name) counted from the birth date."""
    cases = [
        (window == name, (when >= _after_birth(birth, low)) & (when <= _after_birth(birth, high)))
        for name, (low, high) in WINDOWS.items()
    ]
    return ibis.cases(*cases, else_=False)


def qualifying_visits(records: Records) -> ir.Table:
    """Qualifying encounters wholly within the period: person_id, start_date, end_date."""
    period = records.period
    visits = records.services_in(*QUALIFYING)
    within = during(visits.start_date, period.start, period.end) & during(
        visits.end_date, period.start, period.end
    )
    return visits.filter(within).select("person_id", "start_date", "end_date")


def initial_population(records: Records) -> ir.Table:
    persons = records.persons
    two = persons.filter(persons.age == AGE)
    return two.filter(two.person_id.isin(qualifying_visits(records).person_id))


def _started_in_first_two_years(records: Records, *lists: CodeList) -> ir.Table:
    """person_id and codelist of conditions whose prevalence starts in the first two years."""
    found = records.conditions_in(*lists)
    born = records.persons.select("person_id", "birth_date")
    found = found.join(born, "person_id")
    early = found.filter(
        found.start_date.notnull()
        & (found.start_date >= found.birth_date)
        & (found.start_date <= _after_birth(found.birth_date, (2, "Y")))
    )
    return early.select("person_id", "codelist")


def denominator_exclusion(records: Records) -> ir.Table:
    return ibis.union(
        exclusions.has_hospice(records),
        _started_in_first_two_years(records, *EXCLUDING_CONDITIONS).select("person_id"),
        distinct=False,
    )


def doses(records: Records) -> ir.Table:
    """Every dose in its window: person_id, series, date, more (of the longer schedule)."""
    parts = []
    for dose in DOSES:
        found = (
            records.immunizations_in(dose.codes)
            if dose.immunization
            else records.services_in(dose.codes).rename(date="start_date")
        )
        parts.append(
            found.select(
                "person_id",
                "date",
                series=ibis.literal(dose.series),
                window=ibis.literal(dose.window),
                more=ibis.literal(dose.more),
            )
        )
    given = ibis.union(*parts, distinct=False)
    born = records.persons.select("person_id", "birth_date")
    given = given.join(born, "person_id")
    given = given.filter(_within(given.date, given.birth_date, given.window))
    return given.select("person_id", "series", "date", "more")


def _needed(series: ir.StringValue, more: ir.BooleanValue) -> ir.IntegerValue:
    cases = [(series == s.name, ibis.ifelse(more, s.more or s.needed, s.needed)) for s in SERIES]
    return ibis.cases(*cases, else_=ibis.null("int64"))


def series_met(records: Records) -> ir.Table:
    """person_id and series: each series a person met, by doses or in lieu of them."""
    given = doses(records)
    counted = given.group_by(["person_id", "series"]).aggregate(
        days=given.date.nunique(), more=given.more.any()
    )
    by_doses = counted.filter(counted.days >= _needed(counted.series, counted.more))
    flu = counted.filter(counted.series == INFLUENZA).select("person_id")
    laiv = counted.filter(counted.series == LAIV)
    with_laiv = laiv.filter(laiv.person_id.isin(flu.person_id)).select(
        "person_id", series=ibis.literal(INFLUENZA)
    )
    parts = [by_doses.select("person_id", "series"), with_laiv, _newborn_hepatitis_b(given)]
    for series in SERIES:
        conditions = _started_in_first_two_years(records, *series.in_lieu)
        parts.append(conditions.select("person_id", series=ibis.literal(series.name)))
    diseases = _started_in_first_two_years(records, *MEASLES_MUMPS_RUBELLA)
    had = diseases.group_by("person_id").aggregate(kinds=diseases.codelist.nunique())
    parts.append(
        had.filter(had.kinds == len(MEASLES_MUMPS_RUBELLA)).select(
            "person_id", series=ibis.literal(MMR)
        )
    )
    return ibis.union(*parts, distinct=True)


def _newborn_hepatitis_b(given: ir.Table) -> ir.Table:
    """Hepatitis B met by a newborn injection and two hepatitis B doses on later days."""
    newborn = given.filter(given.series == NEWBORN)
    first = newborn.group_by("person_id").aggregate(injected=newborn.date.min())
    later = given.filter(given.series == HEPATITIS_B).join(first, "person_id")
    later = later.filter(later.date > later.injected)
    counted = later.group_by("person_id").aggregate(days=later.date.nunique())
    met = counted.filter(counted.days >= NEWBORN_HEPATITIS_B_DOSES)
    return met.select("person_id", series=ibis.literal(HEPATITIS_B))


def numerator(records: Records) -> ir.Table:
    """Every one of the ten series met."""
    met = series_met(records)
    names = [s.name for s in SERIES]
    met = met.filter(met.series.isin(names))
    counted = met.group_by("person_id").aggregate(series=met.series.nunique())
    return counted.filter(counted.series == len(SERIES)).select("person_id")


MEASURE = Measure(
    id="CMS117",
    title="Childhood Immunization Status",
    steward="National Committee for Quality Assurance (NCQA)",
    version="CMS117v13 (ChildhoodImmunizationStatusFHIR 0.1.000), 2025 performance period",
    source="https://ecqi.healthit.gov/ecqm/ec/2025/cms0117v13",
    type=PROPORTION,
    higher_is_better=True,  # the FHIR Measure says "decrease" (as for every measure): a slip
    codes=(
        *QUALIFYING,
        *exclusions.CODES,
        *EXCLUDING_CONDITIONS,
        *(codes for series in SERIES for codes in series.in_lieu),
        *MEASLES_MUMPS_RUBELLA,
        *(dose.codes for dose in DOSES),
    ),
    initial_population=initial_population,
    denominator_exclusion=denominator_exclusion,
    numerator=numerator,
)

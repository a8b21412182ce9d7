"""CMS124 Cervical Cancer Screening: women 24-64 with cervical cytology in the last 3 years, or
(tested at 30 or older) an HPV test in the last 5 years. CQL: CervicalCancerScreeningFHIR
0.0.001 (ecqm-2025/cql).

The 2025 CQL's initial population is women 24-64 at the period's end, with one of the
measure's own qualifying encounters (the adult outpatient list without the annual wellness
visit). Tests count from results with a value (LOINC, the eCQM value sets). Not read yet:
cytology and HPV tests billed on claims (a claim carries no result, which the CQL requires).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from commontable.measures.codes import CodeList, valueset
from commontable.measures.definition import PROPORTION, Measure
from commontable.measures.library import exclusions
from commontable.measures.period import Period, day, during
from commontable.measures.records import Records

ABSENCE_OF_CERVIX = valueset("2.16.840.1.113883.3.464.1003.111.12.1016")
HPV_TEST = valueset("2.16.840.1.113883.3.464.1003.110.12.1059")
HYSTERECTOMY = valueset("2.16.840.1.113883.3.464.1003.198.12.1014")  # no residual cervix
PAP_TEST = valueset("2.16.840.1.113883.3.464.1003.108.12.1017")
# CervicalCancerScreeningFHIR "Qualifying Encounters" (its own list: no annual wellness visit).
QUALIFYING: tuple[CodeList, ...] = tuple(
    valueset(oid)
    for oid in (
        "2.16.840.1.113883.3.464.1003.101.12.1001",  # Office Visit
        "2.16.840.1.113883.3.464.1003.101.12.1025",  # Preventive Care Established, 18 and Up
        "2.16.840.1.113883.3.464.1003.101.12.1023",  # Preventive Care Initial, 18 and Up
        "2.16.840.1.113883.3.464.1003.101.12.1016",  # Home Healthcare Services
        "2.16.840.1.113883.3.464.1003.101.12.1080",  # Telephone Visits
        "2.16.840.1.113883.3.464.1003.101.12.1089",  # Virtual Encounter
    )
)
# "AgeInYearsAt(date from end of "Measurement Period") in Interval[24, 64]"
AGES = (24, 64)
FEMALE = "female"  # "Patient.gender = 'female'"
# "Cervical Cytology Within 3 Years": "Interval[start of "Measurement Period" - 2 years, ...]"
CYTOLOGY_YEARS = 2
# "HPV Test Within 5 Years for Women Age 30 and Older":
# "Interval[start of "Measurement Period" - 4 years, ...]" and
# "AgeInYearsAt(date from HPVTest.effective.latest()) >= 30"
HPV_YEARS = 4
HPV_MIN_AGE = 30
# "value is not null": laboratory results reach the records with their numeric value only (a
# coded value, e.g. FHIR valueCodeableConcept "positive", is not carried), so a laboratory result
# (status final, amended or corrected) is taken as having a value; observations need one.
LABORATORY = "laboratory"


def qualifying_encounters(records: Records) -> ir.Table:
    """People with a qualifying encounter wholly within the period ("during day of")."""
    period = records.period
    visits = records.services_in(*QUALIFYING)
    within = during(visits.start_date, period.start, period.end) & during(
        visits.end_date, period.start, period.end
    )
    return visits.filter(within).select("person_id")


def initial_population(records: Records) -> ir.Table:
    persons = records.persons
    women = persons.filter((persons.sex == FEMALE) & persons.age.between(*AGES))
    return women.filter(women.person_id.isin(qualifying_encounters(records).person_id))


def absence_of_cervix(records: Records) -> ir.Table:
    """CQL "Absence of Cervix": a hysterectomy ending, or an absence starting, by period end."""
    end = day(records.period.end)
    done = records.services_in(HYSTERECTOMY)
    done = done.filter(done.end_date <= end)
    absent = records.conditions_in(ABSENCE_OF_CERVIX)
    absent = absent.filter(absent.start_date.isnull() | (absent.start_date <= end))
    return ibis.union(done.select("person_id"), absent.select("person_id"), distinct=False)


def denominator_exclusion(records: Records) -> ir.Table:
    return ibis.union(
        exclusions.has_hospice(records),
        absence_of_cervix(records),
        exclusions.has_palliative_care(records),
        distinct=False,
    )


def lookback(period: Period, years: int) -> date:
    """The first day of a window: `start of "Measurement Period" - N years`."""
    return period.years_before(years)


def _tested(records: Records, codes: CodeList, years: int) -> ir.Table:
    """Results with a value ("value is not null") dated in the window ending at the period's end."""
    found = records.results_in(codes)
    has_value = found.value.notnull() | found.value_code.notnull() | (found.kind == LABORATORY)
    window = during(found.date, lookback(records.period, years), records.period.end)
    return found.filter(has_value & window)


def _age_on(birth: ir.DateValue, when: ir.DateValue) -> ir.IntegerValue:
    """CQL `AgeInYearsAt(date)` on a date column, birthdays counted on the day."""
    before_birthday = (birth.month() > when.month()) | (
        (birth.month() == when.month()) & (birth.day() > when.day())
    )
    return when.year() - birth.year() - before_birthday.cast("int64")


def numerator(records: Records) -> ir.Table:
    cytology = _tested(records, PAP_TEST, CYTOLOGY_YEARS)
    hpv = _tested(records, HPV_TEST, HPV_YEARS)
    born = records.persons.select(_person="person_id", _birth="birth_date")
    hpv = hpv.join(born, hpv.person_id == born._person)
    hpv = hpv.filter(_age_on(hpv._birth, hpv.date) >= HPV_MIN_AGE)
    return ibis.union(cytology.select("person_id"), hpv.select("person_id"), distinct=False)


MEASURE = Measure(
    id="CMS124",
    title="Cervical Cancer Screening",
    steward="National Committee for Quality Assurance (NCQA)",
    version="CMS124v13 (CervicalCancerScreeningFHIR 0.0.001), 2025 performance period",
    source="https://ecqi.healthit.gov/ecqm/ec/2025/cms0124v13",
    type=PROPORTION,
    higher_is_better=True,
    codes=(
        *QUALIFYING,
        *exclusions.CODES,
        ABSENCE_OF_CERVIX,
        HPV_TEST,
        HYSTERECTOMY,
        PAP_TEST,
    ),
    initial_population=initial_population,
    denominator_exclusion=denominator_exclusion,
    numerator=numerator,
)

"""CMS125 Breast Cancer Screening: women 52-74 with a mammogram from 1 October two years before
the period to its end. CQL: BreastCancerScreeningFHIR 0.0.001 (ecqm-2025/cql).

Hybrid: a mammogram counts from a result (LOINC, the eCQM value set) or from a claim (CPT/HCPCS).
Not read yet: "Unilateral Mastectomy, Unspecified Laterality" with a body site (the canonical
condition table has no body site).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from commontable.measures.codes import CodeList, direct, valueset
from commontable.measures.definition import PROPORTION, Measure
from commontable.measures.library import encounters, exclusions
from commontable.measures.period import Period, day, during
from commontable.measures.records import Records

MAMMOGRAPHY = valueset("2.16.840.1.113883.3.464.1003.108.12.1018")
# Mammography billed on claims: CPT 77061-77063 (tomosynthesis), 77065-77067 (diagnostic and
# screening), HCPCS G0202/G0204/G0206 (before 2017). CMS Medicare Claims Processing Manual,
# chapter 18 (Preventive and Screening Services), section 20, Mammography Services.
MAMMOGRAPHY_BILLED = direct(
    "Mammography (claims)",
    "hcpcs",
    ["77061", "77062", "77063", "77065", "77066", "77067", "G0202", "G0204", "G0206"],
    "https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c18.pdf",
)
BILATERAL_MASTECTOMY = valueset("2.16.840.1.113883.3.464.1003.198.12.1005")
BILATERAL_MASTECTOMY_HISTORY = valueset("2.16.840.1.113883.3.464.1003.198.12.1068")
LEFT_MASTECTOMY_STATUS = valueset("2.16.840.1.113883.3.464.1003.198.12.1069")
RIGHT_MASTECTOMY_STATUS = valueset("2.16.840.1.113883.3.464.1003.198.12.1070")
LEFT_MASTECTOMY = valueset("2.16.840.1.113883.3.464.1003.198.12.1133")
RIGHT_MASTECTOMY = valueset("2.16.840.1.113883.3.464.1003.198.12.1134")
AGES = (52, 74)  # "AgeInYearsAt(date from end of "Measurement Period") in Interval[52, 74]"
FEMALE = "female"


def initial_population(records: Records) -> ir.Table:
    persons = records.persons
    women = persons.filter((persons.sex == FEMALE) & persons.age.between(*AGES))
    return women.filter(women.person_id.isin(encounters.qualifying_encounters(records).person_id))


def _mastectomy(records: Records, status: CodeList, procedure: CodeList) -> ir.Table:
    """A side's mastectomy: a status diagnosis starting, or a procedure ending, by period end."""
    end = day(records.period.end)
    diagnosed = records.conditions_in(status)
    diagnosed = diagnosed.filter(diagnosed.start_date.isnull() | (diagnosed.start_date <= end))
    done = records.services_in(procedure)
    done = done.filter(done.end_date <= end)
    return ibis.union(diagnosed.select("person_id"), done.select("person_id"), distinct=False)


def denominator_exclusion(records: Records) -> ir.Table:
    right = _mastectomy(records, RIGHT_MASTECTOMY_STATUS, RIGHT_MASTECTOMY)
    left = _mastectomy(records, LEFT_MASTECTOMY_STATUS, LEFT_MASTECTOMY)
    both_sides = right.filter(right.person_id.isin(left.person_id))
    bilateral = _mastectomy(records, BILATERAL_MASTECTOMY_HISTORY, BILATERAL_MASTECTOMY)
    return ibis.union(
        exclusions.has_hospice(records),
        both_sides,
        bilateral,
        exclusions.frail_with_advanced_illness(records),
        exclusions.in_nursing_home(records),
        exclusions.has_palliative_care(records),
        distinct=False,
    )


def numerator(records: Records) -> ir.Table:
    """A mammogram whose date falls from 1 October two years before the period to its end."""
    first, last = october_two_years_prior(records.period), records.period.end
    studies = records.results_in(MAMMOGRAPHY)
    studies = studies.filter(during(studies.date, first, last))
    billed = records.services_in(MAMMOGRAPHY_BILLED)
    billed = billed.filter(during(billed.end_date, first, last))
    return ibis.union(studies.select("person_id"), billed.select("person_id"), distinct=False)


def october_two_years_prior(period: Period) -> date:
    """CQL "October 1 Two Years Prior to the Measurement Period"."""
    return date(period.year - 2, 10, 1)


MEASURE = Measure(
    id="CMS125",
    title="Breast Cancer Screening",
    steward="National Committee for Quality Assurance (NCQA)",
    version="CMS125v13 (BreastCancerScreeningFHIR 0.0.001), 2025 performance period",
    source="https://ecqi.healthit.gov/ecqm/ec/2025/cms0125v13",
    type=PROPORTION,
    higher_is_better=True,
    codes=(
        *encounters.QUALIFYING,
        *exclusions.CODES,
        MAMMOGRAPHY,
        MAMMOGRAPHY_BILLED,
        BILATERAL_MASTECTOMY,
        BILATERAL_MASTECTOMY_HISTORY,
        LEFT_MASTECTOMY_STATUS,
        RIGHT_MASTECTOMY_STATUS,
        LEFT_MASTECTOMY,
        RIGHT_MASTECTOMY,
    ),
    initial_population=initial_population,
    denominator_exclusion=denominator_exclusion,
    numerator=numerator,
)

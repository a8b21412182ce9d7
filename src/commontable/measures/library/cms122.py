"""CMS122 Diabetes: Glycemic Status Assessment Greater Than 9%: adults 18-75 with diabetes whose
most recent HbA1c (or GMI) of the period is above 9%, has no result, or who had none (lower is
better). CQL: DiabetesGlycemicStatusAssessmentGreaterThan9PercentFHIR 0.1.002 (ecqm-2025/cql).

Hybrid: an assessment is a laboratory result (LOINC) or a claim's CPT Category II result code.
A claim for the test itself (CPT 83036) is not an assessment: it has no value, and the measure
would read it as "assessment without result", i.e. poor control.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from commontable.measures.codes import direct, valueset
from commontable.measures.definition import PROPORTION, Measure
from commontable.measures.library import encounters, exclusions
from commontable.measures.period import during, prevalent
from commontable.measures.records import Records

DIABETES = valueset("2.16.840.1.113883.3.464.1003.103.12.1001")
HBA1C = valueset("2.16.840.1.113883.3.464.1003.198.12.1013")
GMI = direct("Glucose management indicator", "loinc", ["97506-0"], "CQL direct-reference code")
# Most recent HbA1c reported on claims as a CPT Category II code (AMA CPT descriptors), as CMS
# QPP Quality ID #001 takes it on Medicare Part B claims: each code stands for the bound of its
# range nearest to 9.0%, which is enough to tell "above 9%" from "not above".
QPP_001 = "CMS Quality Payment Program, Quality ID #001 (2025), https://qpp.cms.gov"
HBA1C_BILLED = {
    direct("HbA1c < 7.0%", "hcpcs", ["3044F"], QPP_001): 6.9,
    direct("HbA1c 7.0-7.9%", "hcpcs", ["3051F"], QPP_001): 7.9,
    direct("HbA1c 8.0-9.0%", "hcpcs", ["3052F"], QPP_001): 9.0,
    direct("HbA1c > 9.0%", "hcpcs", ["3046F"], QPP_001): 9.1,
}
AGES = (18, 75)
POOR_CONTROL = 9.0  # "value > 9 '%'"


def initial_population(records: Records) -> ir.Table:
    period = records.period
    persons = records.persons
    adults = persons.filter(persons.age.between(*AGES))
    seen = adults.filter(adults.person_id.isin(encounters.qualifying_encounters(records).person_id))
    diabetes = records.conditions_in(DIABETES)
    diabetes = diabetes.filter(
        prevalent(diabetes.start_date, diabetes.end_date, period.start, period.end)
    )
    return seen.filter(seen.person_id.isin(diabetes.person_id))


def denominator_exclusion(records: Records) -> ir.Table:
    return ibis.union(
        exclusions.has_hospice(records),
        exclusions.in_nursing_home(records),
        exclusions.frail_with_advanced_illness(records),
        exclusions.has_palliative_care(records),
        distinct=False,
    )


def assessments(records: Records) -> ir.Table:
    """Glycemic status assessments in the period: person_id, date, value (null: no result)."""
    period = records.period
    labs = records.results_in(HBA1C, GMI)
    labs = labs.filter(during(labs.date, period.start, period.end))
    parts = [labs.select("person_id", "date", "value")]
    for codes, value in HBA1C_BILLED.items():
        billed = records.services_in(codes)
        billed = billed.filter(during(billed.end_date, period.start, period.end))
        parts.append(
            billed.select("person_id", date=billed.end_date, value=ibis.literal(value, "float64"))
        )
    return ibis.union(*parts, distinct=False)


def numerator(records: Records) -> ir.Table:
    """No assessment; or on the latest day, the lowest reading is missing or above 9%.

    CQL sorts a missing value first, so one reading without a value on the latest day makes it
    the "lowest": an assessment without result.
    """
    done = assessments(records)
    latest = done.group_by("person_id").aggregate(_latest=done.date.max())
    last_day = done.join(latest, "person_id")
    last_day = last_day.filter(last_day.date == last_day._latest)
    lowest = last_day.group_by("person_id").aggregate(
        missing=last_day.value.isnull().any(), lowest=last_day.value.min()
    )
    poor = lowest.filter(lowest.missing | (lowest.lowest > POOR_CONTROL))
    untested = records.persons.anti_join(done, "person_id")
    return ibis.union(poor.select("person_id"), untested.select("person_id"), distinct=False)


MEASURE = Measure(
    id="CMS122",
    title="Diabetes: Glycemic Status Assessment Greater Than 9%",
    steward="National Committee for Quality Assurance (NCQA)",
    version="CMS122v13 (DiabetesGlycemicStatusAssessmentGreaterThan9PercentFHIR 0.1.002), 2025",
    source="https://ecqi.healthit.gov/ecqm/ec/2025/cms0122v13",
    type=PROPORTION,
    higher_is_better=False,  # improvementNotation: decrease
    codes=(
        *encounters.QUALIFYING,
        *exclusions.CODES,
        DIABETES,
        HBA1C,
        GMI,
        *HBA1C_BILLED,
    ),
    initial_population=initial_population,
    denominator_exclusion=denominator_exclusion,
    numerator=numerator,
)

"""CMS130 Colorectal Cancer Screening: adults 46-75 with a colorectal cancer screening in the
window of its test. CQL: ColonCancerScreeningFHIR 0.1.000 (ecqm-2025/cql).

Hybrid: colonoscopy and flexible sigmoidoscopy count from procedures and claims alike (their
value sets hold CPT and HCPCS codes); FOBT and stool DNA with FIT count from a result with a
value (LOINC, the eCQM value sets) or from a claim for the test (CPT/HCPCS: a billed test is
taken as resulted, as claims carry no value); CT colonography from a study (LOINC).
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

COLONOSCOPY = valueset("2.16.840.1.113883.3.464.1003.108.12.1020")
CT_COLONOGRAPHY = valueset("2.16.840.1.113883.3.464.1003.108.12.1038")
FOBT = valueset("2.16.840.1.113883.3.464.1003.198.12.1011")
SDNA_FIT = valueset("2.16.840.1.113883.3.464.1003.108.12.1039")
FLEXIBLE_SIGMOIDOSCOPY = valueset("2.16.840.1.113883.3.464.1003.198.12.1010")
MALIGNANT_NEOPLASM = valueset("2.16.840.1.113883.3.464.1003.108.12.1001")
TOTAL_COLECTOMY = valueset("2.16.840.1.113883.3.464.1003.198.12.1019")
# The value sets' HCPCS Level II codes (colonoscopy G0105/G0121, flexible sigmoidoscopy G0104)
# carry the system URI http://www.nlm.nih.gov/research/umls/hcpcs, which code matching does not
# yet read as HCPCS; listed again as HCPCS so claims with them count.
UMLS_HCPCS = "http://www.nlm.nih.gov/research/umls/hcpcs"


def hcpcs_of(codes: CodeList) -> CodeList:
    """A value set's codes under the UMLS HCPCS URI, as HCPCS codes (same source)."""
    found = [code for system, code in codes.codes if system == UMLS_HCPCS]
    return direct(f"{codes.title} (HCPCS)", "hcpcs", found, codes.source)


COLONOSCOPY_HCPCS = hcpcs_of(COLONOSCOPY)
SIGMOIDOSCOPY_HCPCS = hcpcs_of(FLEXIBLE_SIGMOIDOSCOPY)
# Screening stool tests billed on claims: CPT 82270 (guaiac FOBT), HCPCS G0328 (immunoassay
# FOBT, i.e. FIT), CPT 81528 (multitarget stool DNA, Cologuard). Medicare Benefit Policy Manual,
# chapter 15, section 280.2 (Colorectal Cancer Screening); Noridian JF, Colorectal Cancer
# Screening (lists the codes and frequencies).
CLAIMS_SOURCE = (
    "https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/bp102c15.pdf"
)
FOBT_BILLED = direct("FOBT (claims)", "hcpcs", ["82270", "G0328"], CLAIMS_SOURCE)
SDNA_FIT_BILLED = direct("Stool DNA with FIT (claims)", "hcpcs", ["81528"], CLAIMS_SOURCE)
# "AgeInYearsAt(date from end of "Measurement Period") in Interval[46, 75]"
AGES = (46, 75)
# Lookbacks, as years before the period's start, each window ending at the period's end:
# "Colonoscopy Performed": "Interval[start of "Measurement Period" - 9 years, ...]" (10 years)
COLONOSCOPY_YEARS = 9
# "Flexible Sigmoidoscopy Performed": "start of "Measurement Period" - 4 years" (5 years)
SIGMOIDOSCOPY_YEARS = 4
# "CT Colonography Performed": "start of "Measurement Period" - 4 years" (5 years)
COLONOGRAPHY_YEARS = 4
# "Stool DNA with FIT Test Performed": "start of "Measurement Period" - 2 years" (3 years)
SDNA_FIT_YEARS = 2
# "Fecal Occult Blood Test Performed": "during day of "Measurement Period"" (the period)
FOBT_YEARS = 0
# "value is not null": laboratory results reach the records with their numeric value only (a
# coded value, e.g. FHIR valueCodeableConcept "positive", is not carried), so a laboratory result
# (status final, amended or corrected) is taken as having a value; observations need one.
LABORATORY = "laboratory"


def initial_population(records: Records) -> ir.Table:
    persons = records.persons
    aged = persons.filter(persons.age.between(*AGES))
    return aged.filter(aged.person_id.isin(encounters.qualifying_encounters(records).person_id))


def _malignant_neoplasm(records: Records) -> ir.Table:
    """CQL "Malignant Neoplasm": colorectal cancer whose prevalence starts by the period's end."""
    cancer = records.conditions_in(MALIGNANT_NEOPLASM)
    end = day(records.period.end)
    return cancer.filter(cancer.start_date.isnull() | (cancer.start_date <= end))


def _total_colectomy(records: Records) -> ir.Table:
    """CQL "Total Colectomy Performed": ending on or before the period's end."""
    done = records.services_in(TOTAL_COLECTOMY)
    return done.filter(done.end_date <= day(records.period.end))


def denominator_exclusion(records: Records) -> ir.Table:
    return ibis.union(
        exclusions.has_hospice(records),
        _malignant_neoplasm(records).select("person_id"),
        _total_colectomy(records).select("person_id"),
        exclusions.frail_with_advanced_illness(records),
        exclusions.in_nursing_home(records),
        exclusions.has_palliative_care(records),
        distinct=False,
    )


def lookback(period: Period, years: int) -> date:
    """The first day of a window: `start of "Measurement Period" - N years`."""
    return period.years_before(years)


def _procedures(records: Records, years: int, *lists: CodeList) -> ir.Table:
    done = records.services_in(*lists)
    return done.filter(during(done.end_date, lookback(records.period, years), records.period.end))


def numerator(records: Records) -> ir.Table:
    period = records.period
    last = period.end

    def tested(years: int, *lists: CodeList) -> ir.Table:
        """Results with a value ("value is not null") dated in the window."""
        found = records.results_in(*lists)
        has_value = found.value.notnull() | found.value_code.notnull() | (found.kind == LABORATORY)
        return found.filter(has_value & during(found.date, lookback(period, years), last))

    colonography = records.results_in(CT_COLONOGRAPHY)
    colonography = colonography.filter(
        during(colonography.date, lookback(period, COLONOGRAPHY_YEARS), last)
    )
    parts = [
        _procedures(records, COLONOSCOPY_YEARS, COLONOSCOPY, COLONOSCOPY_HCPCS),
        _procedures(records, SIGMOIDOSCOPY_YEARS, FLEXIBLE_SIGMOIDOSCOPY, SIGMOIDOSCOPY_HCPCS),
        colonography,
        tested(FOBT_YEARS, FOBT),
        tested(SDNA_FIT_YEARS, SDNA_FIT),
        _procedures(records, FOBT_YEARS, FOBT_BILLED),
        _procedures(records, SDNA_FIT_YEARS, SDNA_FIT_BILLED),
    ]
    return ibis.union(*(p.select("person_id") for p in parts), distinct=False)


MEASURE = Measure(
    id="CMS130",
    title="Colorectal Cancer Screening",
    steward="National Committee for Quality Assurance (NCQA)",
    version="CMS130v13 (ColonCancerScreeningFHIR 0.1.000), 2025 performance period",
    source="https://ecqi.healthit.gov/ecqm/ec/2025/cms0130v13",
    type=PROPORTION,
    higher_is_better=True,
    codes=(
        *encounters.QUALIFYING,
        *exclusions.CODES,
        COLONOSCOPY,
        CT_COLONOGRAPHY,
        FOBT,
        SDNA_FIT,
        FLEXIBLE_SIGMOIDOSCOPY,
        MALIGNANT_NEOPLASM,
        TOTAL_COLECTOMY,
        FOBT_BILLED,
        SDNA_FIT_BILLED,
        COLONOSCOPY_HCPCS,
        SIGMOIDOSCOPY_HCPCS,
    ),
    initial_population=initial_population,
    denominator_exclusion=denominator_exclusion,
    numerator=numerator,
)

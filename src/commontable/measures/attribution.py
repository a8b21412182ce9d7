"""Who is accountable for a patient: primary-care clinic and medical group, health plan, county.

* Clinic: the plurality of the patient's qualifying primary-care E&M visits in the period (one
  visit per clinic and day, whether the claim, the chart or both tell of it); a tie goes to the
  clinic seen most recently; a patient without a visit in the period is attributed the same way
  from the year before. This is the plurality rule of Medicare Shared Savings Program assignment
  (42 CFR 425.402), counted in visits rather than allowed charges, as issue 4 specifies.
* Medical group: the attributed clinic's parent organization on the collaborative's roster.
* Health plan and payer type: the eligibility span covering the last day of the period.
* County and ZIP: the person's ZIP code, and the county members' records give for that ZIP.
* Hospital (per event, for measures counting stays): the roster's hospital whose NPI is the
  stay's facility NPI (or, when the claim gives none, its billing NPI).

A visit's clinic is the clinic whose NPI billed it or hosted it (organization roster), else the
clinic of the clinician who saw the patient (practitioner roster's practice affiliation).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from commontable.measures.codes import CodeList, valueset
from commontable.measures.period import day, during
from commontable.measures.records import Records

# Primary-care E&M visits, as CMS eCQM value sets (VSAC, 2025 expansions): office visits,
# preventive care visits at every age, and the Medicare annual wellness visit.
PRIMARY_CARE_VISITS: tuple[CodeList, ...] = tuple(
    valueset(oid)
    for oid in (
        "2.16.840.1.113883.3.464.1003.101.12.1001",  # Office Visit
        "2.16.840.1.113883.3.464.1003.101.12.1022",  # Preventive Care Services Initial, 0-17
        "2.16.840.1.113883.3.464.1003.101.12.1023",  # Preventive Care Services Initial, 18+
        "2.16.840.1.113883.3.464.1003.101.12.1024",  # Preventive Care Established, 0-17
        "2.16.840.1.113883.3.464.1003.101.12.1025",  # Preventive Care Established, 18+
        "2.16.840.1.113883.3.526.3.1240",  # Annual Wellness Visit
    )
)
CLINIC_TYPE = "clinic"
HEALTH_PLAN_TYPE = "health plan"
HOSPITAL_TYPE = "hospital"
COUNTY_SUFFIX = "(?i) +county$"  # " County"; a space, not \s, which Spark reads as "s"


def clinics(records: Records) -> ir.Table:
    """The roster's clinics: organization_id, parent (medical group), NPI; one row per clinic."""
    roster = records.roster
    found = roster.filter(roster.organization_type == CLINIC_TYPE)
    return found.group_by("organization_id").aggregate(
        medical_group=found.parent_organization_id.max(), npi=found.npi.max()
    )


def _clinic_of_npi(records: Records) -> tuple[ir.Table, ir.Table]:
    """(npi -> clinic) for organizations' own NPIs, and for clinicians' practice affiliations."""
    known = clinics(records)
    named = known.filter(known.npi.notnull())
    own = named.group_by("npi").aggregate(clinic=named.organization_id.min())
    staff = records.practitioners
    staff = staff.select(
        npi=staff.npi.fill_null(staff.practitioner_id), org=staff.practice_affiliation
    )
    affiliated = staff.join(known, staff.org == known.organization_id)
    by_clinician = affiliated.group_by(affiliated.npi).aggregate(
        clinic=affiliated.organization_id.min()
    )
    return own, by_clinician


def primary_care_visits(records: Records, first: date, last: date) -> ir.Table:
    """Qualifying visits between two dates: person_id, clinic, visit_date (one per clinic-day)."""
    services = records.services_in(*PRIMARY_CARE_VISITS)
    services = services.filter(during(services.start_date, first, last))
    own, by_clinician = _clinic_of_npi(records)
    own = own.rename(_org_npi="npi", _org_clinic="clinic")
    by_clinician = by_clinician.rename(_staff_npi="npi", _staff_clinic="clinic")
    joined = services.left_join(own, services.organization_npi == own._org_npi).left_join(
        by_clinician, services.clinician_npi == by_clinician._staff_npi
    )
    visits = joined.select(
        "person_id",
        clinic=joined._org_clinic.fill_null(joined._staff_clinic),
        visit_date=joined.start_date,
    )
    return visits.filter(visits.clinic.notnull()).distinct()


def clinic_attribution(records: Records) -> ir.Table:
    """person_id, clinic, medical_group: plurality of visits, latest visit breaks ties."""
    period = records.period
    visits = primary_care_visits(records, period.years_before(1), period.end)
    visits = visits.mutate(
        lookback=ibis.ifelse(during(visits.visit_date, period.start, period.end), 0, 1)
    )
    counted = visits.group_by(["person_id", "lookback", "clinic"]).aggregate(
        visits=visits.count(), last_visit=visits.visit_date.max()
    )
    ranked = counted.mutate(
        rank=ibis.row_number().over(
            group_by="person_id",
            order_by=[
                counted.lookback,
                ibis.desc(counted.visits),
                ibis.desc(counted.last_visit),
                counted.clinic,
            ],
        )
    )
    chosen = ranked.filter(ranked.rank == 0)
    groups = clinics(records).select(_clinic="organization_id", medical_group="medical_group")
    joined = chosen.left_join(groups, chosen.clinic == groups._clinic)
    return joined.select("person_id", "clinic", "medical_group")


def hospital_of_npi(records: Records) -> ir.Table:
    """npi -> hospital (organization_id): the roster's hospitals by their organization NPI."""
    roster = records.roster
    found = roster.filter((roster.organization_type == HOSPITAL_TYPE) & roster.npi.notnull())
    return found.group_by("npi").aggregate(hospital=found.organization_id.min())


def plan_attribution(records: Records) -> ir.Table:
    """person_id, health_plan, payer_type: the coverage on the last day of the period."""
    end = day(records.period.end)
    spans = records.coverage
    covering = spans.filter(
        (spans.enrollment_start_date <= end)
        & (spans.enrollment_end_date.isnull() | (spans.enrollment_end_date >= end))
    )
    ranked = covering.mutate(
        rank=ibis.row_number().over(
            group_by="person_id",
            order_by=[ibis.desc(covering.enrollment_start_date), covering.payer],
        )
    )
    chosen = ranked.filter(ranked.rank == 0)
    roster = records.roster
    plans = roster.filter(roster.organization_type == HEALTH_PLAN_TYPE)
    plans = plans.group_by(_name=plans.name.lower()).aggregate(_plan=plans.organization_id.min())
    joined = chosen.left_join(plans, chosen.payer.lower() == plans._name)
    return joined.select(
        "person_id",
        health_plan=joined._plan.fill_null(joined.payer),
        payer_type=joined.payer_type,
    )


def county_of_zip(records: Records) -> ir.Table:
    """zip_code -> county: the county members most often give for the ZIP (" County" dropped)."""
    places = records.places
    named = places.select(
        zip_code=places.zip_code.left(5),
        county=places.county.re_replace(COUNTY_SUFFIX, ""),
    )
    counted = named.group_by(["zip_code", "county"]).aggregate(times=named.count())
    ranked = counted.mutate(
        rank=ibis.row_number().over(
            group_by="zip_code", order_by=[ibis.desc(counted.times), counted.county]
        )
    )
    return ranked.filter(ranked.rank == 0).select("zip_code", "county")


def attribution(records: Records) -> ir.Table:
    """Every person with their clinic, medical group, health plan, payer type, county and ZIP."""
    persons = records.persons.select("person_id", zip_code=records.persons.zip_code.left(5))
    counties = county_of_zip(records).rename(_zip="zip_code")
    by_clinic = clinic_attribution(records).rename(_p1="person_id")
    by_plan = plan_attribution(records).rename(_p2="person_id")
    joined = (
        persons.left_join(counties, persons.zip_code == counties._zip)
        .left_join(by_clinic, persons.person_id == by_clinic._p1)
        .left_join(by_plan, persons.person_id == by_plan._p2)
    )
    return joined.select(
        "person_id",
        "clinic",
        "medical_group",
        "health_plan",
        "county",
        "zip_code",
        "payer_type",
    )

"""Acute inpatient stays from claims: the events of the readmission, PQI and follow-up measures.

A stay is a member's hospital inpatient claims (UB-04 type of bill 11x) at one facility with one
admission date, so interim bills (112-114) and two plans' claims of one stay make one stay. Its
discharge is the latest discharge (or claim end) date; its discharge status, DRG and principal
diagnosis are those of its last claim (its point of origin: the lowest of its claims'). Built
once per run (`Records.shared`) for every measure that reads stays.

Only stays at short-term acute care hospitals count, as in the CMS readmission measures (index
stays and readmissions at short-term acute care hospitals; QualityNet HWR methodology). CMS
tells them by the hospital's CMS Certification Number, which claims here do not carry; type of
bill 11x is also how inpatient rehabilitation, psychiatric and long-term care hospitals bill. The
all-payer substitute: a stay is not acute when a claim line bills a post-acute or psychiatric
accommodation (revenue codes below), or when the members' location list gives its facility NPI a
rehabilitation, psychiatric, long-term care, skilled nursing or hospice facility type. Swing beds
(18x) and skilled nursing (21x, 22x) are not 11x to begin with. Each acute stay knows the
person's next acute stay (admission date, facility), from which readmissions and transfers are
read: a discharge to an inpatient rehabilitation facility is neither a transfer nor a return.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from commontable.measures.codes import code_of
from commontable.measures.library.code_lists import ClaimCodes
from commontable.measures.library.exclusions import inpatient_bill
from commontable.measures.period import age_on, day, days_after
from commontable.measures.records import Records

# Stays discharged up to this many days before the period are kept: a stay's neighbours in a
# chain of readmissions and transfers may begin before the period does.
LOOKBACK_DAYS = 60
PRINCIPAL = 1  # diagnosis_sequence of the principal diagnosis (UB-04 FL 67)
DIAGNOSIS, PROCEDURE = "icd-10-cm", "icd-10-pcs"
# NUBC UB-04 patient discharge status (FL 17): expired (20; 40-42 hospice beneficiaries).
EXPIRED = ("20", "40", "41", "42")
# Discharged to another short-term acute hospital: 02; to a designated cancer centre or
# children's hospital: 05; to a critical access hospital: 66; and the same with a planned
# acute readmission: 82, 85, 94 (NUBC; CMS HWR methodology treats these as transfers).
TRANSFERRED = ("02", "05", "66", "82", "85", "94")
LEFT_AGAINST_ADVICE = "07"
# Discharged home or to home health care (NUBC 01, 06; 81, 86 with a planned readmission).
HOME = ("01", "06", "81", "86")
# Revenue codes of stays at facilities other than short-term acute hospitals (NUBC UB-04 revenue
# codes, ResDAC Revenue Center Code book): 0024 inpatient rehabilitation facility PPS billed on
# type of bill 11x (with its CMG/HIPPS code); room and board, psychiatric 0114, 0124, 0134, 0144,
# 0154 and rehabilitation 0118, 0128, 0138, 0148, 0158; intensive care, psychiatric 0204.
NON_ACUTE_REVENUE = (
    "0024",
    *("0114", "0124", "0134", "0144", "0154", "0204"),
    *("0118", "0128", "0138", "0148", "0158"),
)
# A location's facility_type naming a facility other than a short-term acute hospital (free text
# in the Tuva location table; matched case-insensitively).
NON_ACUTE_FACILITY = (
    "rehab|psychiatr|long[- ]term|ltch|ltac|skilled nursing|snf|nursing home|hospice"
)


def _claims(records: Records) -> ir.Table:
    """Inpatient claims of the run's window, one row per claim, with the stay they belong to."""
    period = records.period
    claims = records.claims
    claims = claims.filter(inpatient_bill(claims.bill_type_code))
    lines = claims.select(
        "person_id",
        "data_source",
        "claim_id",
        facility_npi=claims.facility_npi.fill_null(claims.billing_npi),
        admission_date=claims.admission_date.fill_null(claims.claim_start_date),
        discharge_date=claims.discharge_date.fill_null(claims.claim_end_date),
        disposition=claims.discharge_disposition_code,
        admit_source=claims.admit_source_code,
        drg=claims.drg_code,
        non_acute=claims.revenue_center_code.lpad(4, "0").isin(NON_ACUTE_REVENUE).fill_null(False),
    )
    lines = lines.filter(
        (lines.discharge_date >= day(period.start) - ibis.interval(days=LOOKBACK_DAYS))
        & (lines.admission_date <= day(period.end))
    )
    keys = ["person_id", "data_source", "claim_id", "facility_npi", "admission_date"]
    per_claim = lines.group_by(keys).aggregate(
        discharge_date=lines.discharge_date.max(),
        disposition=lines.disposition.max(),
        admit_source=lines.admit_source.min(),
        drg=lines.drg.max(),
        non_acute=lines.non_acute.max(),
    )
    per_claim = per_claim.mutate(claim_ref=per_claim.data_source + ":" + per_claim.claim_id)
    stay = ["person_id", "facility_npi", "admission_date"]
    last = ibis.window(
        group_by=stay,
        order_by=[ibis.desc(per_claim.discharge_date), ibis.desc(per_claim.claim_ref)],
    )
    whole = ibis.window(group_by=stay)
    return per_claim.mutate(
        stay_id=per_claim.claim_ref.min().over(whole),
        claim_rank=ibis.row_number().over(last),
        stay_admit_source=per_claim.admit_source.min().over(whole),
        stay_non_acute=per_claim.non_acute.max().over(whole),
    )


def stay_claims(records: Records) -> ir.Table:
    """stay_id, person_id, data_source, claim_id of every inpatient claim of the run's window."""
    return records.shared("inpatient stay claims", _claims)


def non_acute_facilities(records: Records) -> ir.Table:
    """npi of the sites the members' location list types as other than short-term acute."""
    sites = records.locations
    if sites is None:
        return ibis.memtable({"npi": []}, schema={"npi": "string"})
    kind = sites.facility_type.lower().fill_null("")
    found = sites.filter(sites.npi.notnull() & kind.re_search(NON_ACUTE_FACILITY))
    return found.select("npi").distinct()


def _stays(records: Records) -> ir.Table:
    claims = stay_claims(records)
    last = claims.filter(claims.claim_rank == 0)
    last = last.filter(
        ~last.stay_non_acute
        & ~last.facility_npi.isin(non_acute_facilities(records).npi).fill_null(False)
    )
    diagnoses = _claim_diagnoses(records)
    principal = diagnoses.filter(diagnoses.diagnosis_sequence == PRINCIPAL)
    principal = principal.group_by(["data_source", "claim_id", "person_id"]).aggregate(
        principal_diagnosis=code_of(principal.diagnosis_code).min()
    )
    joined = last.left_join(principal, ["data_source", "claim_id", "person_id"])
    persons = records.persons.select(_person="person_id", _birth="birth_date")
    joined = joined.left_join(persons, joined.person_id == persons._person)
    rows = joined.select(
        "stay_id",
        "person_id",
        "facility_npi",
        "admission_date",
        "discharge_date",
        "disposition",
        "drg",
        "principal_diagnosis",
        admit_source=joined.stay_admit_source,
        age=age_on(joined._birth, joined.admission_date),
    )
    following = ibis.window(
        group_by="person_id", order_by=[rows.admission_date, rows.discharge_date, rows.stay_id]
    )
    return rows.mutate(
        next_stay_id=rows.stay_id.lead().over(following),
        next_admission_date=rows.admission_date.lead().over(following),
        next_facility_npi=rows.facility_npi.lead().over(following),
    )


def stays(records: Records) -> ir.Table:
    """One row per acute stay: stay_id, person_id, facility_npi, admission and discharge dates,
    disposition, admit_source, drg, principal_diagnosis, age at admission, and the person's
    next acute stay (next_stay_id, next_admission_date, next_facility_npi; null when none)."""
    return records.shared("inpatient stays", _stays)


def _claim_diagnoses(records: Records) -> ir.Table:
    if records.claim_diagnoses is None:
        raise ValueError("the run's records carry no claim diagnoses")
    return records.claim_diagnoses


def _codes(records: Records) -> ir.Table:
    claims = stay_claims(records).select("stay_id", "data_source", "claim_id", "person_id")
    keys = ["data_source", "claim_id", "person_id"]
    diagnoses = claims.join(_claim_diagnoses(records), keys)
    found = [
        diagnoses.select(
            "stay_id", system=ibis.literal(DIAGNOSIS), code=code_of(diagnoses.diagnosis_code)
        )
    ]
    if records.claim_procedures is not None:
        procedures = claims.join(records.claim_procedures, keys)
        found.append(
            procedures.select(
                "stay_id", system=ibis.literal(PROCEDURE), code=code_of(procedures.procedure_code)
            )
        )
    rows = ibis.union(*found)
    return rows.filter(rows.code.notnull())


def stay_codes(records: Records) -> ir.Table:
    """stay_id, system (icd-10-cm or icd-10-pcs) and code of every diagnosis and procedure of
    every claim of each stay, once each."""
    return records.shared("inpatient stay codes", _codes)


def having(records: Records, codes: ClaimCodes) -> ir.Table:
    """stay_id of the stays with a code of the list in any position."""
    found = stay_codes(records)
    found = found.filter((found.system == codes.system) & codes.matches(found.code))
    return found.select("stay_id").distinct()


def principal_in(table: ir.Table, codes: ClaimCodes) -> ir.BooleanValue:
    """True where a stay's principal diagnosis is in the list."""
    return codes.matches(table.principal_diagnosis)


def transferred(table: ir.Table) -> ir.BooleanValue:
    """Discharged to another acute hospital: by discharge status, or because the person was
    admitted to another hospital that day or the next (or to the same one the same day).

    The second rule is the CMS Hospital-Wide Readmission measure's definition of a transfer
    (QualityNet HWR methodology report), which needs no discharge status.
    """
    gap = table.next_admission_date.delta(table.discharge_date, unit="day")
    other = table.next_facility_npi.isnull() | (table.next_facility_npi != table.facility_npi)
    chained = (gap == 0) | ((gap == 1) & other)
    return table.disposition.isin(TRANSFERRED) | chained.fill_null(False)


def covered_through(records: Records, events: ir.Table, days: int) -> ir.Table:
    """Events (person_id, event_id, event_date) whose person is covered on every day from the
    event to `days` days after it (coverage spans may be split; overlapping ones count once at
    most, as the days are capped at the window's length)."""
    spans = records.coverage
    joined = events.join(spans, "person_id")
    last = days_after(joined.event_date, days)
    start = ibis.greatest(joined.enrollment_start_date, joined.event_date)
    end = ibis.least(joined.enrollment_end_date.fill_null(last), last)
    covered = joined.mutate(_days=(end.delta(start, unit="day") + 1).clip(lower=0))
    summed = covered.group_by("event_id").aggregate(_days=covered._days.sum())
    return summed.filter(summed._days >= days + 1).select("event_id")

"""A run's patient records: every source table keyed by CommonTable's person_id, coded once.

Members send records under their own ids for a person; `commontable match` wrote which person
each (data_source, source id) is. Every row here carries that person_id, never a source id, so
a person's claims from a plan and chart from a clinic count as one patient's. Rows whose source
id the crosswalk does not know are left out.

Coded tables hold only the rows whose code is in one of the run's code lists, one row per list
matched (column `codelist`), computed once and shared by every measure of the run:

* `conditions`: problem-list entries and encounter/claim diagnoses, with their prevalence
  (`start_date` null: since an unknown date; `end_date` null: still going).
* `services`: encounters, procedures and claim lines (CPT/HCPCS, ICD-10-PCS), `start_date` to
  `end_date`, with the clinician and organization NPIs and discharge disposition.
* `results`: laboratory results and observations, with `value`, `value_code`, `value_text` (the
  result as reported, e.g. a boolean's "true") and `kind`.
* `medications`: orders, `start_date` to `end_date` (prescribing date plus days supply), with
  `status`, `intent` and `reason_code`.
* `immunizations`: vaccines given (status completed), on `date`.
* `not_done`: observations and orders recorded as not done (QI-Core ObservationNotDone,
  MedicationNotRequested), `kind` observation or medication, on `date`, with `reason_code`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from commontable.errors import UserError
from commontable.measures.codes import CodeList, code_of, concept_rows, system_of
from commontable.measures.period import Period, age_at
from commontable.warehouse import Warehouse

# QI-Core Status library (CMS eCQM 2025, Status.cql): results count when final, amended or
# corrected; procedures when completed. A source that sends no status is taken as done.
RESULT_DONE = ("final", "amended", "corrected")
PROCEDURE_DONE = ("completed",)
# Status.cql isImmunizationAdministered: completed.
IMMUNIZATION_DONE = ("completed",)
# Negation (QI-Core 4.1.1): ObservationNotDone has status cancelled; the FHIR reader gives a
# MedicationRequest with doNotPerform the status not-done.
OBSERVATION_NOT_DONE, MEDICATION_NOT_DONE = "cancelled", "not-done"
# QICoreCommon.prevalenceInterval (CMS eCQM 2025): these clinical statuses keep a condition open
# to its abatement (or for ever); others end at the abatement, or are known only at onset.
CONDITION_OPEN = ("active", "recurrence", "relapse")
# Sex as the canonical vocabulary spells it (identity may keep the administrative code M/F).
SEX_CODES = {"f": "female", "m": "male", "u": "unknown", "o": "other"}
Step = Callable[[str], None]


class MeasureStepError(RuntimeError):
    """A step of a measure run failed in the engine: which step, and the SQL it ran."""

    def __init__(self, step: str, sql: str, error: Exception) -> None:
        super().__init__(f"measure run, step '{step}': {error}\nSQL of the step:\n{sql}")
        self.step = step


def computed(warehouse: Warehouse, expr: ir.Table, step: str) -> ir.Table:
    """Compute one step into a temporary table; a failure names the step and shows its SQL."""
    try:
        return warehouse.materialize(expr, "measure_step")
    except Exception as error:
        try:
            sql = str(warehouse.con.compile(expr))
        except Exception as compile_error:  # the SQL is a help, not a must
            sql = f"(not compiled: {compile_error})"
        raise MeasureStepError(step, sql, error) from error


@dataclass
class Records:
    """Person-keyed records of one run; measures read them, the engine builds them."""

    period: Period
    persons: ir.Table
    conditions: ir.Table
    services: ir.Table
    results: ir.Table
    medications: ir.Table
    immunizations: ir.Table
    not_done: ir.Table
    encounters: ir.Table
    claims: ir.Table
    coverage: ir.Table
    roster: ir.Table
    practitioners: ir.Table
    places: ir.Table
    screenings: ir.Table  # social needs screening answers (sdoh_screening), keyed
    # Claims as sent, keyed (not coded): diagnoses and ICD-10-PCS procedures with their claim's
    # id and sequence, and pharmacy claims; read by the claims-based measures.
    claim_diagnoses: ir.Table | None = None
    claim_procedures: ir.Table | None = None
    pharmacy_claims: ir.Table | None = None
    # Sites of care as members list them (location: NPI, facility_type), not person-keyed.
    locations: ir.Table | None = None
    # Hospitals' ADT messages (live feed and files), keyed; and what the care teams were told
    # of them (care_notice, care_notification: by data_source and message_control_id).
    adt_events: ir.Table | None = None
    care_notices: ir.Table | None = None
    care_notifications: ir.Table | None = None
    # How a table shared by several measures is kept once per run (the engine's `computed`).
    keep: Callable[[ir.Table, str], ir.Table] | None = field(default=None, repr=False)
    _shared: dict[str, ir.Table] = field(default_factory=dict, repr=False)

    def shared(self, name: str, build: Callable[[Records], ir.Table]) -> ir.Table:
        """A table several measures read (e.g. inpatient stays), built once per run."""
        if name not in self._shared:
            table = build(self)
            self._shared[name] = self.keep(table, name) if self.keep else table
        return self._shared[name]

    def conditions_in(self, *lists: CodeList) -> ir.Table:
        return _in(self.conditions, lists)

    def services_in(self, *lists: CodeList) -> ir.Table:
        return _in(self.services, lists)

    def results_in(self, *lists: CodeList) -> ir.Table:
        return _in(self.results, lists)

    def medications_in(self, *lists: CodeList) -> ir.Table:
        return _in(self.medications, lists)

    def immunizations_in(self, *lists: CodeList) -> ir.Table:
        return _in(self.immunizations, lists)

    def not_done_in(self, *lists: CodeList) -> ir.Table:
        return _in(self.not_done, lists)


def _in(table: ir.Table, lists: tuple[CodeList, ...]) -> ir.Table:
    return table.filter(table.codelist.isin([cl.id for cl in lists]))


def keyed(table: ir.Table, crosswalk: ir.Table) -> ir.Table:
    """A source table with its person_id replaced by CommonTable's (rows without one dropped)."""
    links = crosswalk.select(
        _source=crosswalk.data_source,
        _source_id=crosswalk.source_person_id,
        _person=crosswalk.person_id,
    )
    joined = table.join(
        links, [table.data_source == links._source, table.person_id == links._source_id]
    )
    return joined.drop("person_id", "_source", "_source_id").rename(person_id="_person")


def _coded(rows: ir.Table, concepts: ir.Table) -> ir.Table:
    """Rows (with `system` and `code` columns) joined to the code lists their code is in."""
    rows = rows.mutate(system=system_of(rows.system), code=code_of(rows.code))
    joined = rows.join(concepts, ["system", "code"])
    return joined.drop("system", "code")


def _persons(warehouse: Warehouse, period: Period) -> ir.Table:
    person = warehouse.table("person")
    sex = person.sex.lower()
    return person.select(
        "person_id",
        "birth_date",
        sex=sex.substitute(SEX_CODES, else_=sex),
        race="race",
        ethnicity="ethnicity",
        death_date="death_date",
        zip_code="zip_code",
        age=age_at(person.birth_date, period.end),
    )


def _claim_dates(claims: ir.Table) -> ir.Table:
    """Claim-level dates (diagnoses and ICD procedures are kept per claim, not per line)."""
    return claims.group_by(["data_source", "claim_id", "person_id"]).aggregate(
        claim_start=claims.claim_start_date.min(), claim_end=claims.claim_end_date.max()
    )


def _conditions(warehouse: Warehouse, concepts: ir.Table, crosswalk: ir.Table) -> ir.Table:
    problem = warehouse.table("condition")
    status = problem.status.lower()
    is_open = status.isnull() | status.isin(CONDITION_OPEN)
    start = problem.onset_date
    listed = problem.select(
        "data_source",
        "person_id",
        system=problem.source_code_type,
        code=problem.source_code,
        start_date=start,
        end_date=ibis.ifelse(
            is_open | problem.resolved_date.notnull(), problem.resolved_date, start
        ),
        source=ibis.literal("condition"),
    )
    encounter = warehouse.table("encounter")
    seen = encounter.select(
        "data_source",
        "person_id",
        system=encounter.primary_diagnosis_code_type.fill_null("icd-10-cm"),
        code=encounter.primary_diagnosis_code,
        start_date=encounter.encounter_start_date,
        end_date=encounter.encounter_end_date.fill_null(encounter.encounter_start_date),
        source=ibis.literal("encounter"),
    )
    dates = _claim_dates(warehouse.table("medical_claim"))
    dx = warehouse.table("claim_diagnosis")
    dx = dx.join(dates, ["data_source", "claim_id", "person_id"])
    billed = dx.select(
        "data_source",
        "person_id",
        system=ibis.literal("icd-10-cm"),
        code=dx.diagnosis_code,
        start_date=dx.claim_start,
        end_date=dx.claim_end,
        source=ibis.literal("claim"),
    )
    rows = ibis.union(listed, seen.filter(seen.code.notnull()), billed)
    return keyed(_coded(rows, concepts), crosswalk)


def _services(warehouse: Warehouse, concepts: ir.Table, crosswalk: ir.Table) -> ir.Table:
    encounter = warehouse.table("encounter")
    visits = encounter.select(
        "data_source",
        "person_id",
        system=encounter.encounter_code_type,
        code=encounter.encounter_code,
        start_date=encounter.encounter_start_date,
        end_date=encounter.encounter_end_date.fill_null(encounter.encounter_start_date),
        kind=ibis.literal("encounter"),
        clinician_npi=encounter.attending_provider_id,
        organization_npi=encounter.facility_id,
        discharge_disposition=encounter.discharge_disposition_code,
    )
    procedure = warehouse.table("procedure")
    done = procedure.filter(
        procedure.status.isnull() | procedure.status.lower().isin(PROCEDURE_DONE)
    )
    procedures = done.select(
        "data_source",
        "person_id",
        system=done.source_code_type,
        code=done.source_code,
        start_date=done.procedure_date,
        end_date=done.procedure_date,
        kind=ibis.literal("procedure"),
        clinician_npi=done.practitioner_id,
        organization_npi=ibis.null("string"),
        discharge_disposition=ibis.null("string"),
    )
    claims = warehouse.table("medical_claim")
    lines = claims.filter(claims.hcpcs_code.notnull())
    start = lines.claim_line_start_date.fill_null(lines.claim_start_date)
    billed = lines.select(
        "data_source",
        "person_id",
        system=ibis.literal("hcpcs"),
        code=lines.hcpcs_code,
        start_date=start,
        end_date=lines.claim_line_end_date.fill_null(lines.claim_end_date).fill_null(start),
        kind=ibis.literal("claim"),
        clinician_npi=lines.rendering_npi,
        organization_npi=lines.facility_npi.fill_null(lines.billing_npi),
        discharge_disposition=lines.discharge_disposition_code,
    )
    icd = warehouse.table("claim_procedure")
    icd = icd.join(_claim_dates(claims), ["data_source", "claim_id", "person_id"])
    icd_day = icd.procedure_date.fill_null(icd.claim_start)
    surgical = icd.select(
        "data_source",
        "person_id",
        system=ibis.literal("icd-10-pcs"),
        code=icd.procedure_code,
        start_date=icd_day,
        end_date=icd_day,
        kind=ibis.literal("claim"),
        clinician_npi=ibis.null("string"),
        organization_npi=ibis.null("string"),
        discharge_disposition=ibis.null("string"),
    )
    rows = ibis.union(visits, procedures, billed, surgical)
    return keyed(_coded(rows, concepts), crosswalk)


def _results(warehouse: Warehouse, concepts: ir.Table, crosswalk: ir.Table) -> ir.Table:
    lab = warehouse.table("lab_result")
    labs = lab.select(
        "data_source",
        "person_id",
        "encounter_id",
        system=lab.source_code_type,
        code=lab.source_code,
        date=lab.collection_date.fill_null(lab.result_date),
        value=lab.result_numeric.cast("float64"),
        value_code=ibis.null("string"),
        value_text=lab.result,
        kind=ibis.literal("laboratory"),
        status=lab.status,
    )
    obs = warehouse.table("observation")
    observations = obs.select(
        "data_source",
        "person_id",
        "encounter_id",
        system=obs.source_code_type,
        code=obs.source_code,
        date=obs.observation_date,
        value=obs.result_numeric.cast("float64"),
        value_code=obs.result_code,
        value_text=obs.result,
        kind=obs.observation_type,
        status=obs.status,
    )
    rows = ibis.union(labs, observations)
    rows = rows.filter(rows.status.isnull() | rows.status.lower().isin(RESULT_DONE))
    return keyed(_coded(rows.drop("status"), concepts), crosswalk)


def _medications(warehouse: Warehouse, concepts: ir.Table, crosswalk: ir.Table) -> ir.Table:
    med = warehouse.table("medication")
    by_rxnorm = med.rxnorm_code.notnull()
    start = med.prescribing_date
    rows = med.select(
        "data_source",
        "person_id",
        system=ibis.ifelse(by_rxnorm, "rxnorm", med.source_code_type),
        code=ibis.ifelse(by_rxnorm, med.rxnorm_code, med.source_code),
        start_date=start,
        end_date=ibis.ifelse(
            med.days_supply.notnull() & (med.days_supply > 0),
            start + med.days_supply.cast("int32").as_interval("D"),
            start,
        ),
        status=med.status.lower(),
        intent=med.intent.lower(),
        reason_code=med.reason_code,
    )
    return keyed(_coded(rows, concepts), crosswalk)


def _immunizations(warehouse: Warehouse, concepts: ir.Table, crosswalk: ir.Table) -> ir.Table:
    shot = warehouse.table("immunization")
    given = shot.filter(shot.status.isnull() | shot.status.lower().isin(IMMUNIZATION_DONE))
    rows = given.select(
        "data_source",
        "person_id",
        system=given.source_code_type,
        code=given.source_code,
        date=given.occurrence_date,
    )
    return keyed(_coded(rows, concepts), crosswalk)


def _not_done(warehouse: Warehouse, concepts: ir.Table, crosswalk: ir.Table) -> ir.Table:
    obs = warehouse.table("observation")
    obs = obs.filter(obs.status.lower() == OBSERVATION_NOT_DONE)
    observations = obs.select(
        "data_source",
        "person_id",
        system=obs.source_code_type,
        code=obs.source_code,
        kind=ibis.literal("observation"),
        date=obs.observation_date,
        reason_code=obs.reason_code,
    )
    med = warehouse.table("medication")
    med = med.filter(med.status.lower() == MEDICATION_NOT_DONE)
    by_rxnorm = med.rxnorm_code.notnull()
    orders = med.select(
        "data_source",
        "person_id",
        system=ibis.ifelse(by_rxnorm, "rxnorm", med.source_code_type),
        code=ibis.ifelse(by_rxnorm, med.rxnorm_code, med.source_code),
        kind=ibis.literal("medication"),
        date=med.prescribing_date,
        reason_code=med.reason_code,
    )
    rows = ibis.union(observations, orders)
    return keyed(_coded(rows, concepts), crosswalk)


def read_records(
    warehouse: Warehouse, period: Period, lists: Iterable[CodeList], step: Step | None = None
) -> Records:
    """Key and code the warehouse's records for a run (computed once, kept as temporary tables)."""
    say = step or (lambda _: None)
    crosswalk = warehouse.table("person_crosswalk")
    if crosswalk.count().execute() == 0:
        raise UserError(
            "the warehouse has no person_crosswalk yet: run `commontable match` first, so every "
            "member's records count for one person"
        )
    concepts = warehouse.stage(concept_rows(lists), "measure_codes")
    say("reading people")
    persons = computed(warehouse, _persons(warehouse, period), "reading people")
    tables = {}
    for name, build in (
        ("conditions", _conditions),
        ("services", _services),
        ("results", _results),
        ("medications", _medications),
        ("immunizations", _immunizations),
        ("not_done", _not_done),
    ):
        say(f"reading {name}")
        tables[name] = computed(warehouse, build(warehouse, concepts, crosswalk), f"reading {name}")
    return Records(
        period=period,
        persons=persons,
        encounters=keyed(warehouse.table("encounter"), crosswalk),
        claims=keyed(warehouse.table("medical_claim"), crosswalk),
        coverage=keyed(warehouse.table("eligibility"), crosswalk),
        roster=warehouse.table("organization"),
        practitioners=warehouse.table("practitioner"),
        places=_places(warehouse),
        screenings=keyed(warehouse.table("sdoh_screening"), crosswalk),
        claim_diagnoses=keyed(warehouse.table("claim_diagnosis"), crosswalk),
        claim_procedures=keyed(warehouse.table("claim_procedure"), crosswalk),
        pharmacy_claims=keyed(warehouse.table("pharmacy_claim"), crosswalk),
        locations=warehouse.table("location"),
        adt_events=keyed(warehouse.table("adt_event"), crosswalk),
        care_notices=warehouse.table("care_notice"),
        care_notifications=warehouse.table("care_notification"),
        keep=lambda table, name: computed(warehouse, table, name),
        **tables,
    )


def _places(warehouse: Warehouse) -> ir.Table:
    """(zip_code, county) as members report them: patients', organizations' and sites' addresses."""
    parts = [
        warehouse.table(name).select("zip_code", "county")
        for name in ("patient", "organization", "location")
    ]
    rows = ibis.union(*parts, distinct=False)
    return rows.filter(rows.zip_code.notnull() & rows.county.notnull())

"""A tiny region written by hand: a few people, each with the records one test is about.

Records are kept under the members' own ids (a clinic's MRN, a plan's member id); the identity
tables map them to CommonTable person ids, as `commontable match` would.
"""

from __future__ import annotations

import itertools
import tempfile
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from commontable.warehouse import Warehouse

CHART, PLAN = "lake-medical-group", "acme-health"
FEED = "lake-hospital"  # Lake Hospital's ADT feed (data_source)
CLINIC_NPI = {"A": "1000000001", "B": "1000000002", "C": "1000000003"}
CLINICIAN_NPI = {"A": "2000000001", "B": "2000000002"}
CLINIC_ID = {"A": "ORG-CLIN-A", "B": "ORG-CLIN-B", "C": "ORG-CLIN-C"}
GROUP_ID = "ORG-GRP-1"
PLAN_ID = "ORG-PLAN-1"
# L and R: acute hospitals on the roster; V: a site no roster lists (a test may type it).
HOSPITAL_NPI = {"L": "3000000001", "R": "3000000002", "V": "3000000009"}
HOSPITAL_ID = {"L": "ORG-HOSP-L", "R": "ORG-HOSP-R"}
PLAN_NAME = "Acme Health"
YEAR = 2025


def day(text: str) -> date:
    return date.fromisoformat(text)


def person_id(name: str) -> str:
    return f"P-{name}"


def chart_id(name: str) -> str:
    return f"MRN-{name}"


def member_id(name: str) -> str:
    return f"MEM-{name}"


def hospital_mrn(name: str) -> str:
    return f"LH-{name}"


class TinyRegion:
    """Rows of a few canonical tables, added person by person, then written to a warehouse."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.crosswalk: list[dict[str, Any]] = []
        self.people: list[dict[str, Any]] = []
        self.notices: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._roster()

    def _roster(self) -> None:
        org = self.rows["organization"]
        org.append(_org(GROUP_ID, "Lake Medical Group", "medical group"))
        org.append(_org("ORG-GRP-2", "River Physicians", "medical group"))
        org.append(_org(CLINIC_ID["A"], "Lake Clinic A", "clinic", GROUP_ID, CLINIC_NPI["A"]))
        org.append(_org(CLINIC_ID["B"], "Lake Clinic B", "clinic", GROUP_ID, CLINIC_NPI["B"]))
        org.append(_org(CLINIC_ID["C"], "River Clinic C", "clinic", "ORG-GRP-2", CLINIC_NPI["C"]))
        org.append(_org(PLAN_ID, PLAN_NAME, "health plan", payer_type="commercial"))
        org.append(_org("ORG-PLAN-2", "Beta Care", "health plan", payer_type="medicaid"))
        org.append(_org(HOSPITAL_ID["L"], "Lake Hospital", "hospital", npi=HOSPITAL_NPI["L"]))
        org.append(_org(HOSPITAL_ID["R"], "River Hospital", "hospital", npi=HOSPITAL_NPI["R"]))
        for clinic, npi in CLINICIAN_NPI.items():
            self.rows["practitioner"].append(
                {
                    "practitioner_id": npi,
                    "npi": npi,
                    "last_name": f"Doctor {clinic}",
                    "practice_affiliation": CLINIC_ID[clinic],
                    "data_source": "collaborative",
                }
            )

    def _next(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def person(
        self,
        name: str,
        birth: str,
        sex: str = "female",
        *,
        zip_code: str = "14604",
        county: str | None = "Monroe",
        race: str = "white",
        ethnicity: str = "not hispanic or latino",
        covered: bool = True,
    ) -> str:
        """A person known to the clinic (chart) and, when covered, to the plan all period."""
        self.people.append(
            {
                "person_id": person_id(name),
                "birth_date": day(birth),
                "sex": sex,
                "race": race,
                "ethnicity": ethnicity,
                "zip_code": zip_code,
                "records": 2,
                "data_sources": 2,
            }
        )
        self.crosswalk.append(_link(CHART, chart_id(name), person_id(name)))
        self.crosswalk.append(_link(PLAN, member_id(name), person_id(name)))
        self.rows["patient"].append(
            {
                "person_id": chart_id(name),
                "sex": sex,
                "birth_date": day(birth),
                "zip_code": zip_code,
                "county": county,
                "data_source": CHART,
            }
        )
        if covered:
            self.coverage(name, f"{YEAR - 1}-01-01", f"{YEAR}-12-31")
        return person_id(name)

    def coverage(
        self,
        name: str,
        start: str,
        end: str | None,
        payer: str = PLAN_NAME,
        payer_type: str = "commercial",
    ) -> None:
        self.rows["eligibility"].append(
            {
                "person_id": member_id(name),
                "gender": "female",
                "birth_date": day("1960-01-01"),
                "enrollment_start_date": day(start),
                "enrollment_end_date": day(end) if end else None,
                "payer": payer,
                "payer_type": payer_type,
                "data_source": PLAN,
            }
        )

    def visit(self, name: str, when: str, clinic: str = "A", code: str = "99213") -> str:
        """An office visit in the clinic's chart."""
        encounter = self._next("E")
        self.rows["encounter"].append(
            {
                "encounter_id": encounter,
                "person_id": chart_id(name),
                "encounter_type": "office visit",
                "encounter_start_date": day(when),
                "encounter_end_date": day(when),
                "encounter_code_type": "cpt",
                "encounter_code": code,
                "facility_id": CLINIC_NPI[clinic],
                "data_source": CHART,
            }
        )
        return encounter

    def encounter(
        self, name: str, when: str, encounter_type: str, disposition: str | None = None
    ) -> str:
        """A non-office encounter in the chart (emergency department, inpatient...)."""
        encounter = self._next("E")
        self.rows["encounter"].append(
            {
                "encounter_id": encounter,
                "person_id": chart_id(name),
                "encounter_type": encounter_type,
                "encounter_start_date": day(when),
                "encounter_end_date": day(when),
                "discharge_disposition_code": disposition,
                "data_source": CHART,
            }
        )
        return encounter

    def claim(
        self, name: str, when: str, *, diagnoses: tuple[str, ...] = (), **columns: Any
    ) -> str:
        """One claim line at the plan; `diagnoses` become the claim's ICD-10-CM codes."""
        claim_id = self._next("C")
        self.rows["medical_claim"].append(
            {
                "claim_id": claim_id,
                "claim_line_number": 1,
                "claim_type": "professional",
                "person_id": member_id(name),
                "payer": PLAN_NAME,
                "claim_start_date": day(when),
                "claim_end_date": day(columns.pop("end", when)),
                "paid_amount": 100,
                "data_source": PLAN,
                **columns,
            }
        )
        for sequence, code in enumerate(diagnoses, start=1):
            self.rows["claim_diagnosis"].append(
                {
                    "claim_id": claim_id,
                    "person_id": member_id(name),
                    "diagnosis_sequence": sequence,
                    "diagnosis_code": code.replace(".", ""),
                    "data_source": PLAN,
                }
            )
        return claim_id

    def fill(self, name: str, when: str, paid: float, ndc: str = "00093105801") -> None:
        """A pharmacy claim at the plan: one prescription dispensed, and what the plan paid."""
        self.rows["pharmacy_claim"].append(
            {
                "claim_id": self._next("RX"),
                "claim_line_number": 1,
                "person_id": member_id(name),
                "payer": PLAN_NAME,
                "dispensing_date": day(when),
                "ndc_code": ndc,
                "paid_amount": paid,
                "data_source": PLAN,
            }
        )

    def stay(
        self,
        name: str,
        admitted: str,
        discharged: str,
        *,
        diagnoses: tuple[str, ...] = ("J18.9",),
        procedures: tuple[str, ...] = (),
        hospital: str = "L",
        disposition: str = "01",
        revenue: str = "0120",
        **columns: Any,
    ) -> str:
        """An inpatient stay billed by a hospital (type of bill 111): its principal and secondary
        diagnoses, ICD-10-PCS procedures, discharge status and accommodation revenue code (0120,
        semi-private room and board: an acute stay)."""
        claim_id = self.claim(
            name,
            admitted,
            end=discharged,
            diagnoses=diagnoses,
            claim_type="institutional",
            bill_type_code="111",
            revenue_center_code=revenue,
            admission_date=day(admitted),
            discharge_date=day(discharged),
            discharge_disposition_code=disposition,
            facility_npi=HOSPITAL_NPI[hospital],
            billing_npi=HOSPITAL_NPI[hospital],
            **columns,
        )
        for sequence, code in enumerate(procedures, start=1):
            self.rows["claim_procedure"].append(
                {
                    "claim_id": claim_id,
                    "person_id": member_id(name),
                    "procedure_sequence": sequence,
                    "procedure_code": code,
                    "procedure_date": day(admitted),
                    "data_source": PLAN,
                }
            )
        return claim_id

    def adt(
        self,
        name: str,
        trigger: str,
        when: str,
        *,
        patient_class: str = "I",
        disposition: str | None = None,
        visit: str = "V1",
        hospital: str = "L",
    ) -> str:
        """One ADT message of Lake Hospital's feed (`when`: its event time, e.g.
        "2025-03-10T14:00"); the message control id."""
        control_id = self._next("MSG")
        if not any(link["source_person_id"] == hospital_mrn(name) for link in self.crosswalk):
            self.crosswalk.append(_link(FEED, hospital_mrn(name), person_id(name)))
        moment = datetime.fromisoformat(when)
        self.rows["adt_event"].append(
            {
                "message_control_id": control_id,
                "event_type": trigger,
                "event_datetime": moment,
                "person_id": hospital_mrn(name),
                "patient_class": patient_class,
                "visit_number": visit,
                "discharge_disposition_code": disposition,
                "admit_datetime": moment if trigger in ("A01", "A04") else None,
                "discharge_datetime": moment if trigger == "A03" else None,
                "facility_npi": HOSPITAL_NPI[hospital],
                "data_source": FEED,
            }
        )
        return control_id

    def notice(
        self,
        control_id: str,
        occurred: str,
        *,
        told: tuple[str, ...] = (),
        entitled: int | None = None,
        withheld: str = "",
        outcomes: tuple[str | None, ...] = (),
    ) -> None:
        """What the live feed's notifier made of a message: the teams told at `told` times
        (their outcomes in `outcomes`), the teams entitled (default: as many as told)."""
        times = [datetime.fromisoformat(t) for t in told]
        self.notices.append(
            {
                "data_source": FEED,
                "message_control_id": control_id,
                "kind": "discharge",
                "occurred_at": datetime.fromisoformat(occurred),
                "received_at": datetime.fromisoformat(occurred),
                "entitled": len(times) if entitled is None else entitled,
                "withheld": withheld,
                "notifications": len(times),
                "notified_at": min(times) if times else None,
            }
        )
        for moment, outcome in zip(times, outcomes or (None,) * len(times), strict=True):
            self.notifications.append(
                {
                    "notification_id": self._next(""),
                    "data_source": FEED,
                    "message_control_id": control_id,
                    "team_kind": "primary_care",
                    "created_at": moment,
                    "completed_at": moment if outcome else None,
                    "outcome": outcome,
                }
            )

    def condition(
        self,
        name: str,
        code: str,
        onset: str | None,
        *,
        system: str = "icd-10-cm",
        resolved: str | None = None,
        status: str | None = "active",
    ) -> None:
        self.rows["condition"].append(
            {
                "condition_id": self._next("D"),
                "person_id": chart_id(name),
                "recorded_date": day(onset or "2000-01-01"),
                "onset_date": day(onset) if onset else None,
                "resolved_date": day(resolved) if resolved else None,
                "status": status,
                "source_code_type": system,
                "source_code": code,
                "data_source": CHART,
            }
        )

    def lab(self, name: str, when: str, code: str, value: float | None) -> None:
        self.rows["lab_result"].append(
            {
                "lab_result_id": self._next("L"),
                "person_id": chart_id(name),
                "source_code_type": "loinc",
                "source_code": code,
                "status": "final",
                "result_numeric": value,
                "result_date": day(when),
                "collection_date": day(when),
                "data_source": CHART,
            }
        )

    def observation(
        self,
        name: str,
        when: str,
        code: str,
        value: float | None = None,
        *,
        value_code: str | None = None,
        encounter_id: str | None = None,
        kind: str = "vital-signs",
    ) -> None:
        self.rows["observation"].append(
            {
                "observation_id": self._next("O"),
                "person_id": chart_id(name),
                "encounter_id": encounter_id,
                "observation_date": day(when),
                "observation_type": kind,
                "source_code_type": "loinc",
                "source_code": code,
                "result_numeric": value,
                "result_code": value_code,
                "status": "final",
                "data_source": CHART,
            }
        )

    def blood_pressure(
        self,
        name: str,
        when: str,
        systolic: float,
        diastolic: float,
        encounter_id: str | None = None,
    ) -> None:
        self.observation(name, when, "8480-6", systolic, encounter_id=encounter_id)
        self.observation(name, when, "8462-4", diastolic, encounter_id=encounter_id)

    def procedure(self, name: str, when: str, code: str, system: str = "snomed-ct") -> None:
        self.rows["procedure"].append(
            {
                "procedure_id": self._next("R"),
                "person_id": chart_id(name),
                "procedure_date": day(when),
                "source_code_type": system,
                "source_code": code,
                "status": "completed",
                "data_source": CHART,
            }
        )

    def not_done(self, name: str, when: str, code: str, reason: str) -> None:
        """An observation recorded as not done (status cancelled), for a reason (SNOMED CT)."""
        self.rows["observation"].append(
            {
                "observation_id": self._next("O"),
                "person_id": chart_id(name),
                "observation_date": day(when),
                "observation_type": "survey",
                "source_code_type": "loinc",
                "source_code": code,
                "status": "cancelled",
                "reason_code": reason,
                "data_source": CHART,
            }
        )

    def medication(
        self,
        name: str,
        when: str,
        rxnorm: str,
        *,
        status: str = "active",
        intent: str | None = "order",
        reason: str | None = None,
        days_supply: int | None = None,
    ) -> None:
        """A medication order in the chart (status not-done: ordered not to give)."""
        self.rows["medication"].append(
            {
                "medication_id": self._next("M"),
                "person_id": chart_id(name),
                "prescribing_date": day(when),
                "source_code_type": "rxnorm",
                "source_code": rxnorm,
                "rxnorm_code": rxnorm,
                "status": status,
                "intent": intent,
                "reason_code": reason,
                "days_supply": days_supply,
                "data_source": CHART,
            }
        )

    def immunization(self, name: str, when: str, cvx: str, status: str = "completed") -> None:
        """A vaccine given (CVX), in the chart."""
        self.rows["immunization"].append(
            {
                "immunization_id": self._next("I"),
                "person_id": chart_id(name),
                "source_code_type": "cvx",
                "source_code": cvx,
                "status": status,
                "occurrence_date": day(when),
                "data_source": CHART,
            }
        )

    def screening(self, name: str, when: str, domain: str, positive: bool) -> None:
        """One answered social needs screening item, in the chart (AHC HRSN)."""
        self.rows["sdoh_screening"].append(
            {
                "screening_id": self._next("S"),
                "person_id": chart_id(name),
                "screening_date": day(when),
                "instrument": "AHC HRSN",
                "question_code": self._next("Q"),
                "domain": domain,
                "positive_flag": positive,
                "data_source": CHART,
            }
        )

    def write(self, warehouse: Warehouse) -> None:
        """Append the source rows (one submission) and replace the identity tables.

        Rows go through Parquet files: Ibis cannot put a null decimal into Spark from memory.
        """
        with tempfile.TemporaryDirectory() as folder, warehouse.transaction() as writer:
            for name, rows in self.rows.items():
                path = f"{folder}/{name}.parquet"
                pq.write_table(_table(warehouse, name, rows), path)
                writer.append(name, warehouse.con.read_parquet(path))
            writer.log(lambda: _log_row(warehouse))
        warehouse.replace(
            {
                "person_crosswalk": _table(warehouse, "person_crosswalk", self.crosswalk),
                "person": _table(warehouse, "person", self.people),
                "care_notice": _table(warehouse, "care_notice", self.notices),
                "care_notification": _table(warehouse, "care_notification", self.notifications),
            }
        )


def _org(
    organization_id: str,
    name: str,
    kind: str,
    parent: str | None = None,
    npi: str | None = None,
    payer_type: str | None = None,
) -> dict[str, Any]:
    return {
        "organization_id": organization_id,
        "name": name,
        "organization_type": kind,
        "parent_organization_id": parent,
        "npi": npi,
        "payer_type": payer_type,
        "zip_code": "14604",
        "county": "Monroe",
        "data_source": "collaborative",
    }


def _link(source: str, source_id: str, person: str) -> dict[str, Any]:
    return {
        "data_source": source,
        "source_person_id": source_id,
        "person_id": person,
        "match_probability": 1.0,
        "match_method": "deterministic",
    }


def _table(warehouse: Warehouse, name: str, rows: list[dict[str, Any]]) -> pa.Table:
    schema = warehouse.schemas[name].to_pyarrow()
    decimals = {f.name for f in schema if pa.types.is_decimal(f.type)}

    def value(row: dict[str, Any], column: str) -> Any:
        found = row.get(column)
        return Decimal(str(found)) if column in decimals and found is not None else found

    return pa.Table.from_pylist(
        [{c: value(r, c) for c in schema.names} for r in rows], schema=schema
    )


def _log_row(warehouse: Warehouse) -> dict[str, Any]:
    return {
        "submission_id": warehouse.next_submission_id(),
        "data_source": "tests",
        "status": "loaded",
        "content_sha256": "",
        "files": "[]",
        "rows_read": 0,
        "rows_loaded": 0,
        "rows_quarantined": 0,
        "tables": "{}",
        "started_at": datetime.now(UTC).replace(tzinfo=None),
        "seconds": 0.0,
        "message": "",
    }


class Outcome:
    """A run's patient rows by (person name, measure) and its results, to assert on."""

    def __init__(self, patients: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
        self.patients = {(r["person_id"].removeprefix("P-"), r["measure_id"]): r for r in patients}
        self.rows = patients
        self.results = results

    def events(self, name: str, measure: str) -> list[dict[str, Any]]:
        """The person's rows of a measure counted per event (index stays), by event date."""
        mine = [
            r
            for r in self.rows
            if (r["person_id"].removeprefix("P-"), r["measure_id"]) == (name, measure)
        ]
        return sorted(mine, key=lambda r: r["event_date"])

    def flags(self, name: str, measure: str) -> dict[str, Any] | None:
        """The person's row of a measure, or None when outside its initial population."""
        return self.patients.get((name, measure))

    def result(
        self,
        measure: str,
        entity_type: str = "collaborative",
        entity_id: str = "collaborative",
        stratum_type: str = "all",
        stratum: str = "all",
    ) -> dict[str, Any]:
        for row in self.results:
            key = (row["measure_id"], row["entity_type"], row["entity_id"])
            if key == (measure, entity_type, entity_id) and (
                (row["stratum_type"], row["stratum"]) == (stratum_type, stratum)
            ):
                return row
        raise KeyError((measure, entity_type, entity_id, stratum_type, stratum))


def evaluate(
    region: TinyRegion, warehouse: Warehouse, measures: list[str], **options: Any
) -> Outcome:
    """Write the region, run the measures for YEAR, and read back both derived tables."""
    from commontable.measures import run_measures

    region.write(warehouse)
    run_measures(warehouse, YEAR, measures, **options)
    patients = warehouse.table("measure_patient").to_pyarrow().to_pylist()
    results = warehouse.table("measure_result").to_pyarrow().to_pylist()
    return Outcome(patients, results)

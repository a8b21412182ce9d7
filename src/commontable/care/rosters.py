"""Whom a care team follows, from a roster or from attribution: a CSV of CommonTable person ids
or of the team's own patient ids, a FHIR Group (validated with fhir.resources), or the people
the last measure run attributed to the team's organization. Own patient ids are matched
through identity's crosswalk; an id nobody matched is reported with its row, never guessed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fhir.resources.group import Group
from pydantic import ValidationError

from commontable.errors import UserError
from commontable.warehouse import Warehouse

PERSON_COLUMN, PATIENT_COLUMN = "person_id", "patient_id"


@dataclass
class Roster:
    """A roster read: CommonTable person ids, and the team's own patient ids still to match."""

    person_ids: list[str] = field(default_factory=list)
    patient_ids: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # "row 4: patient id X: not matched"

    def own(self, crosswalk: Mapping[str, str]) -> list[str]:
        """Like `matched`, but only people the crosswalk's member has records of: a person id
        of anyone else is reported, said the same whether or not the person exists."""
        mine = set(crosswalk.values())
        for person_id in self.person_ids:
            if person_id not in mine:
                self.unmatched.append(
                    f"person id {person_id}: not among the people your submissions hold"
                )
        self.person_ids = [p for p in self.person_ids if p in mine]
        return self.matched(crosswalk)

    def matched(self, crosswalk: Mapping[str, str]) -> list[str]:
        """Every person id, the patient ids matched through `crosswalk`; the rest reported."""
        found = list(self.person_ids)
        for patient_id in self.patient_ids:
            person = crosswalk.get(patient_id)
            if person is None:
                self.unmatched.append(f"patient id {patient_id}: no person matched to it yet")
            else:
                found.append(person)
        return list(dict.fromkeys(found))


def read_roster(path: Path) -> Roster:
    """A roster file: CSV with a person_id or a patient_id column, or a FHIR Group (JSON)."""
    return roster_of(path.name, path.read_bytes())


def roster_of(name: str, content: bytes) -> Roster:
    """A roster as uploaded: its file name and bytes (CSV, or a FHIR Group as JSON)."""
    text = content.decode("utf-8-sig", errors="replace")
    if name.lower().endswith(".json") or text.lstrip().startswith("{"):
        return _group(name, text)
    return _csv(name, text)


def _csv(name: str, text: str) -> Roster:
    rows = list(csv.DictReader(io.StringIO(text)))
    columns = {c.strip().lower() for c in (rows[0].keys() if rows else [])}
    if PERSON_COLUMN not in columns and PATIENT_COLUMN not in columns:
        raise UserError(
            f"{name}: a roster CSV needs a person_id column (CommonTable ids) or a patient_id "
            "column (your own patient ids, as your submissions carry them)"
        )
    roster = Roster()
    for row in rows:
        values = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if values.get(PERSON_COLUMN):
            roster.person_ids.append(values[PERSON_COLUMN].upper())
        elif values.get(PATIENT_COLUMN):
            roster.patient_ids.append(values[PATIENT_COLUMN])
    return roster


def _group(name: str, text: str) -> Roster:
    """A FHIR R4/R5 Group of patients: each member's Patient reference id or identifier value is
    the team's own patient id (its Patient resources are the ones it submits)."""
    try:
        group = Group.model_validate(json.loads(text))
    except (ValueError, ValidationError) as error:
        raise UserError(f"{name}: not a valid FHIR Group: {error}") from error
    roster = Roster()
    for member in group.member or []:
        entity = member.entity
        reference = (entity.reference or "") if entity else ""
        if reference.startswith("Patient/"):
            roster.patient_ids.append(reference.removeprefix("Patient/"))
        elif entity is not None and entity.identifier is not None and entity.identifier.value:
            roster.patient_ids.append(entity.identifier.value)
        else:
            roster.unmatched.append(f"a member without a Patient reference: {reference or '-'}")
    return roster


def attributed_people(warehouse: Warehouse, roster_id: str) -> list[str]:
    """The people the last measure run attributed to this organization (as a clinic, a medical
    group or a health plan), in its latest measurement year."""
    patients = warehouse.table("measure_patient")
    mine = patients.filter(
        (patients.clinic == roster_id)
        | (patients.medical_group == roster_id)
        | (patients.health_plan == roster_id)
    )
    latest = mine.period.max().execute()
    if latest is None:
        return []
    people = mine.filter(mine.period == latest).select("person_id").distinct().order_by("person_id")
    return [str(p) for p in people.to_pyarrow()["person_id"].to_pylist()]

"""`commontable measure check-ecqm`: our measures against the official eCQM FHIR test decks.

A deck is `DIR/<MeasureName>/<patient-id>/`: one JSON file per FHIR resource and the expected
`MeasureReport-*.json`. Each deck is loaded as one FHIR submission through the warehouse's reader
into a temporary warehouse (resource ids, which repeat between patients, are prefixed with the
patient's id), every Patient becomes its own person, the matching measure runs for the report's
period, and each population is compared with the expected count (0 or 1). A report with several
population groups (CMS347's four) is compared as their union: a population counts 1 when it
does in any group, as the library scores such a measure as one proportion over the groups.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ibis
import orjson

from commontable.errors import UserError
from commontable.measures.engine import run_measures
from commontable.warehouse import MAPPERS, Warehouse, connect, load_submission

# The decks' measure names and the library's measures they test.
DECKS = {
    "BreastCancerScreeningFHIR": "CMS125",
    "DiabetesGlycemicStatusAssessmentGreaterThan9PercentFHIR": "CMS122",
    "ControllingHighBloodPressureFHIR": "CMS165",
    "ColonCancerScreeningFHIR": "CMS130",
    "CervicalCancerScreeningFHIR": "CMS124",
    "PCSDepressionScreenAndFollowUpFHIR": "CMS2",
    "StatinTherapyforthePreventionandTreatmentofCardiovascularDiseaseFHIR": "CMS347",
    "ChildhoodImmunizationStatusFHIR": "CMS117",
}
# MeasureReport population codes (terminology.hl7.org CodeSystem measure-population) and the
# measure_patient columns holding them.
POPULATIONS = {
    "initial-population": "initial_population",
    "denominator": "denominator",
    "denominator-exclusion": "denominator_exclusion",
    "denominator-exception": "denominator_exception",
    "numerator": "numerator",
}
DESCRIPTION_URL = "http://hl7.org/fhir/us/cqfmeasures/StructureDefinition/cqfm-testCaseDescription"
SOURCE = "ecqm"


@dataclass
class TestPatient:
    """One test case: the patient's resources and the expected MeasureReport."""

    patient_id: str
    description: str
    year: int
    expected: dict[str, int]  # population code -> count
    resources: list[dict[str, Any]]


@dataclass
class PatientCheck:
    """One test case compared: the populations that differ as (code, expected, got)."""

    patient_id: str
    description: str
    differences: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.differences

    def line(self) -> str:
        diffs = ", ".join(
            f"{code} expected {want} got {got}" for code, want, got in self.differences
        )
        return f"  {self.patient_id} ({self.description}): {diffs}"


@dataclass
class DeckCheck:
    """One measure's deck: every test case compared, or `measure_id` None when not built yet."""

    name: str
    measure_id: str | None
    patients: list[PatientCheck] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # resource types the reader does not map
    quarantined: int = 0

    @property
    def passed(self) -> int:
        return sum(p.passed for p in self.patients)

    @property
    def total(self) -> int:
        return len(self.patients)

    @property
    def failures(self) -> list[PatientCheck]:
        return [p for p in self.patients if not p.passed]

    def lines(self) -> list[str]:
        if self.measure_id is None:
            return [f"{self.name}: not built yet"]
        head = f"{self.name} {self.passed}/{self.total}"
        notes = [f"{self.measure_id}"]
        if self.skipped:
            skipped = ", ".join(f"{count} {kind}" for kind, count in sorted(self.skipped.items()))
            notes.append(f"not read: {skipped}")
        if self.quarantined:
            notes.append(f"{self.quarantined} rows quarantined")
        return [f"{head} ({'; '.join(notes)})", *(p.line() for p in self.failures)]


@dataclass
class EcqmCheck:
    """Every deck checked; `ok` when no test case of a built measure fails."""

    decks: list[DeckCheck]

    @property
    def ok(self) -> bool:
        return all(d.passed == d.total for d in self.decks)

    def lines(self) -> list[str]:
        return [line for deck in self.decks for line in deck.lines()]


def _load_json(path: Path) -> dict[str, Any]:
    document = orjson.loads(path.read_bytes())
    if not isinstance(document, dict):
        raise UserError(f"{path}: not a FHIR resource")
    return document


def _description(report: dict[str, Any]) -> str:
    for extension in report.get("extension") or ():
        if extension.get("url") == DESCRIPTION_URL:
            return str(extension.get("valueMarkdown") or extension.get("valueString") or "")
    return ""


def read_patient(folder: Path) -> TestPatient:
    """A test case folder: its resources and the expected populations of its MeasureReport."""
    reports, resources = [], []
    for path in sorted(folder.glob("*.json")):
        resource = _load_json(path)
        if resource.get("resourceType") == "MeasureReport":
            reports.append(resource)
        else:
            resources.append(resource)
    if len(reports) != 1:
        raise UserError(f"{folder}: expected one MeasureReport-*.json, found {len(reports)}")
    report = reports[0]
    expected: dict[str, int] = {}
    for group in report.get("group") or ():
        for population in group.get("population") or ():
            for coding in population.get("code", {}).get("coding") or ():
                code = coding.get("code")
                if code in POPULATIONS:  # several groups: their union (the highest count)
                    count = int(population.get("count", 0))
                    expected[code] = max(count, expected.get(code, count))
    start = (report.get("period") or {}).get("start")
    if not start:
        raise UserError(f"{folder}: the MeasureReport has no period")
    return TestPatient(folder.name, _description(report), int(start[:4]), expected, resources)


def read_deck(folder: Path) -> list[TestPatient]:
    """Every test case of one measure's deck, in folder order."""
    return [read_patient(p) for p in sorted(folder.iterdir()) if p.is_dir()]


def _patient_ids(patient: TestPatient) -> dict[str, str]:
    """Type/id of the patient's resources (the Patient itself kept) -> the id made unique."""
    renamed = {}
    for resource in patient.resources:
        kind, rid = resource.get("resourceType"), resource.get("id")
        if kind != "Patient" and isinstance(rid, str):
            renamed[f"{kind}/{rid}"] = f"{patient.patient_id}-{rid}"
    return renamed


def _renamed(value: Any, renamed: dict[str, str], patient: str) -> Any:
    """A resource with its references to the patient's other resources made unique.

    A test case holds one patient, so every Patient reference points at it: some decks
    (CervicalCancerScreeningFHIR) refer to a placeholder such as Patient/Patient-1.
    """
    if isinstance(value, dict):
        out = {k: _renamed(v, renamed, patient) for k, v in value.items()}
        reference = out.get("reference")
        if isinstance(reference, str) and reference in renamed:
            out["reference"] = f"{reference.partition('/')[0]}/{renamed[reference]}"
        elif isinstance(reference, str) and reference.startswith("Patient/"):
            out["reference"] = f"Patient/{patient}"
        return out
    if isinstance(value, list):
        return [_renamed(v, renamed, patient) for v in value]
    return value


def _own_patient(patient: TestPatient) -> str:
    """The id of the case's Patient resource (the folder's name when it has none)."""
    ids = [r.get("id") for r in patient.resources if r.get("resourceType") == "Patient"]
    return str(ids[0]) if ids and ids[0] else patient.patient_id


def write_submission(patients: list[TestPatient], path: Path) -> dict[str, int]:
    """Every patient's resources as one Bulk NDJSON file; returns the resource types not read."""
    skipped: dict[str, int] = {}
    with path.open("wb") as handle:
        for patient in patients:
            renamed = _patient_ids(patient)
            for resource in patient.resources:
                kind = str(resource.get("resourceType"))
                if kind not in MAPPERS:
                    skipped[kind] = skipped.get(kind, 0) + 1
                unique = _renamed(resource, renamed, _own_patient(patient))
                if kind != "Patient":
                    unique["id"] = renamed.get(f"{kind}/{resource.get('id')}", unique.get("id"))
                handle.write(orjson.dumps(unique) + b"\n")
    return skipped


def write_people(warehouse: Warehouse) -> None:
    """A 1:1 person_crosswalk and a `person` per loaded Patient (the test decks' ids kept)."""
    patient = warehouse.table("patient")
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    crosswalk = patient.select(
        "data_source",
        source_person_id=patient.person_id,
        person_id=patient.person_id,
        match_probability=ibis.literal(1.0),
        match_method=ibis.literal("deterministic"),
        matched_at=ibis.literal(now),
    )
    person = patient.select(
        "person_id",
        "first_name",
        "last_name",
        "birth_date",
        "sex",
        "race",
        "ethnicity",
        "death_date",
        "address",
        "city",
        "state",
        "zip_code",
        "phone",
        records=ibis.literal(1),
        data_sources=ibis.literal(1),
    )
    warehouse.replace({"person_crosswalk": crosswalk, "person": person})


def compare(patient: TestPatient, got: dict[str, bool]) -> PatientCheck:
    """The expected populations against a measure_patient row (absent: in no population)."""
    check = PatientCheck(patient.patient_id, patient.description)
    for code, want in patient.expected.items():
        have = int(bool(got.get(POPULATIONS[code], False)))
        if have != want:
            check.differences.append((code, want, have))
    return check


def check_deck(folder: Path, measure_id: str, workdir: Path) -> DeckCheck:
    """Load one deck into a fresh warehouse under `workdir`, run its measure, compare."""
    patients = read_deck(folder)
    deck = DeckCheck(folder.name, measure_id)
    if not patients:
        return deck
    years = {p.year for p in patients}
    if len(years) != 1:
        raise UserError(f"{folder}: test cases span several periods {sorted(years)}")
    submission = workdir / "submission"
    submission.mkdir()
    deck.skipped = write_submission(patients, submission / f"{folder.name}.ndjson")
    with connect(str(workdir / "warehouse.duckdb")) as warehouse:
        loaded = load_submission(warehouse, submission, SOURCE)
        # the reader reports each resource type it skips once, as one quarantined row
        deck.quarantined = loaded.rows_quarantined - len(deck.skipped)
        write_people(warehouse)
        year = years.pop()
        run_measures(warehouse, year, [measure_id])
        rows = warehouse.table("measure_patient")
        rows = rows.filter((rows.measure_id == measure_id) & (rows.period == year))
        got = {r["person_id"]: r for r in rows.to_pyarrow().to_pylist()}
    deck.patients = [compare(p, got.get(p.patient_id, {})) for p in patients]
    return deck


def check_ecqm(folder: Path, names: list[str] | None = None) -> EcqmCheck:
    """Check every deck under `folder` (or those named, by deck name or measure id)."""
    if not folder.is_dir():
        raise UserError(f"{folder}: no such folder of eCQM test decks")
    decks = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if names:
        wanted = {n.casefold() for n in names}
        decks = [
            d
            for d in decks
            if d.name.casefold() in wanted or DECKS.get(d.name, "").casefold() in wanted
        ]
        if not decks:
            raise UserError(f"no deck under {folder} matches {', '.join(names)}")
    checked = []
    for deck in decks:
        measure_id = DECKS.get(deck.name)
        if measure_id is None:
            checked.append(DeckCheck(deck.name, None))
            continue
        with tempfile.TemporaryDirectory(prefix="ecqm-") as workdir:
            checked.append(check_deck(deck, measure_id, Path(workdir)))
    return EcqmCheck(checked)

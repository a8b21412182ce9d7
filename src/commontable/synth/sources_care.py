"""Submissions of care providers: medical groups (FHIR, CSV, Parquet), hospitals, CBOs, registry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa

from commontable.synth import adt, ehr, fhir_ndjson, hl7_adt, noise, sdoh
from commontable.synth.coverage import MEDICAID, state_on
from commontable.synth.frame import Frame, concat, take, to_table
from commontable.synth.people import age_on
from commontable.synth.sources import Record, _view
from commontable.synth.world import World, age_on_visit
from commontable.synth.writers import Sink

CLINIC_SDOH_SHARE = 0.15  # adult patients screened with AHC HRSN at their last visit of a year
# Hospital 1's patients who opted out of sharing with care teams: a synthetic share, of the low
# single-digit percentages opt-out health information exchanges see.
OPT_OUT_SHARE = 0.02
FHIR_FILES: dict[str, tuple[str, Callable[..., pa.Array]]] = {
    "Patient": ("patient", fhir_ndjson.patients),
    "Encounter": ("encounter", fhir_ndjson.encounters),
    "Condition": ("condition", fhir_ndjson.conditions),
    "Procedure": ("procedure", fhir_ndjson.procedures),
    "MedicationRequest": ("medication", fhir_ndjson.medication_requests),
    "Immunization": ("immunization", fhir_ndjson.immunizations),
}
ADT_COLUMNS = [
    "message_control_id",
    "event_type",
    "event_datetime",
    "sending_facility",
    "person_id",
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "address",
    "city",
    "state",
    "zip_code",
    "phone",
    "social_security_number",
    "patient_class",
    "visit_number",
    "location",
    "attending_npi",
    "admit_source_code",
    "discharge_disposition_code",
    "admit_datetime",
    "discharge_datetime",
    "diagnosis_code",
    "facility_npi",
]

# What a community organization or the registry knows of a person (their patient.csv).
ROSTER_COLUMNS = (
    "person_id", "first_name", "last_name", "sex", "birth_date", "address", "city", "zip_code",
    "phone",
)  # fmt: skip


def _select(frame: Frame, clinic_group: np.ndarray, group: int) -> Frame:
    clinic = frame["clinic"]
    return take(frame, (clinic >= 0) & (clinic_group[np.maximum(clinic, 0)] == group))


def _clinic_sdoh(world: World, visits: Frame, prefix: str) -> Frame:
    rng = world.stream(f"sdoh/{prefix}")
    ages = age_on_visit(world.people, visits)
    chosen = (ages >= 18) & (rng.random(len(ages)) < CLINIC_SDOH_SHARE / 3)
    person, day = visits["person"][chosen], visits["start"][chosen]
    state, _ = state_on(world.coverage, person, day)
    risk = (state == MEDICAID) | world.people["urban"][person]
    return sdoh.screenings(rng, person, day, risk, "", prefix, world.part.serials)


def group_files(
    world: World, out: Path, npi: dict[str, np.ndarray], record: Record, sink: Sink
) -> None:
    """Each medical group's EHR extract: FHIR NDJSON, CSV or Parquet."""
    roster = world.roster
    clinic_group = np.array([c.group for c in roster.clinics])
    for g, group in enumerate(roster.groups):
        visits = _select(world.visits, clinic_group, g)
        records = _select(world.records, clinic_group, g)
        bp = _select(world.bp, clinic_group, g)
        in_group = (world.clinic[:, -1] >= 0) & (
            clinic_group[np.maximum(world.clinic[:, -1], 0)] == g
        )
        courses = take(world.courses, in_group[world.courses["person"]])
        persons = np.unique(
            np.concatenate([visits["person"], records["person"], bp["person"], courses["person"]])
        )
        view, row_of = _view(world, group.slug, persons, noise.CLINIC, npi)
        prefix = "".join(w[0] for w in group.name.split()).upper()
        tables = ehr.extract(
            world.part.serials,
            prefix,
            view,
            row_of,
            visits,
            records,
            bp,
            courses,
            world.conditions,
            npi,
            [c.name for c in roster.clinics],
        )
        screening = _clinic_sdoh(world, visits, prefix)
        screening["person_id"] = view["person_id"].take(pa.array(row_of[screening.pop("person")]))
        folder = out / group.slug
        if group.fmt == "fhir":
            system = f"urn:oid:2.16.840.1.113883.3.9999.{g + 1}"  # the group's MRN namespace
            for resource, (table, build) in FHIR_FILES.items():
                lines = (
                    build(tables[table], system) if resource == "Patient" else build(tables[table])
                )
                sink.lines(lines, folder / f"{resource}.ndjson")
            lines = pa.concat_arrays(
                [
                    fhir_ndjson.labs(tables["lab_result"]),
                    fhir_ndjson.observations(tables["observation"]),
                    fhir_ndjson.social_needs(screening),
                ]
            )
            sink.lines(lines, folder / "Observation.ndjson")
            record(group.slug, "patient", "Patient.ndjson", view["person_id"], view["person"])
            continue
        suffix = ".csv" if group.fmt == "csv" else ".parquet"
        tables["condition"].pop("snomed")
        tables["sdoh_screening"] = screening
        for table, frame in tables.items():
            sink.table(frame, folder / f"{table}{suffix}")
        record(group.slug, "patient", f"patient{suffix}", view["person_id"], view["person"])


def hospital_files(
    world: World, out: Path, npi: dict[str, np.ndarray], record: Record, sink: Sink
) -> None:
    """Hospital 1: HL7v2 ADT messages (adt.hl7), some of them from its Part 2 program, and the
    opt-outs its patients signed (care/<slug>/opt_outs.csv); hospital 2: adt_event.parquet."""
    for h, hospital in enumerate(world.roster.hospitals):
        rng = world.stream(f"adt/{hospital.slug}")
        stay = adt.visits(rng, h, world.ed, world.stays, npi["hospital_staff"][h])
        if h == 0:
            adt.part2_program(world.stream(f"part2/{hospital.slug}"), stay)
        prefix = "".join(w[0] for w in hospital.name.split()).upper()
        feed = adt.events(rng, stay, prefix, world.part.serials)
        view, row_of = _view(world, hospital.slug, feed["person"], noise.HOSPITAL, npi)
        if h == 0:
            opted = world.stream(f"consent/{hospital.slug}").random(len(view["person"]))
            ids = view["person_id"].filter(pa.array(opted < OPT_OUT_SHARE))
            sink.table(pa.table({"patient_id": ids}), _care(out, hospital.slug, "opt_outs.csv"))
        rows = pa.array(row_of[feed["person"]])
        for column, source in (
            ("first_name", "first_name"),
            ("last_name", "last_name"),
            ("address", "address"),
            ("city", "city"),
            ("zip_code", "zip_code"),
            ("phone", "phone"),
            ("social_security_number", "ssn"),
            ("person_id", "person_id"),
        ):
            feed[column] = view[source].take(rows)
        feed["birth_date"] = view["birth_date"][row_of[feed["person"]]]
        feed["sex"] = view["sex"][row_of[feed["person"]]]
        n = len(feed["person"])
        feed["state"] = np.full(n, "NY")
        feed["sending_facility"] = np.full(n, prefix)
        feed["facility_npi"] = np.full(n, hospital.npi)
        table = to_table(feed, ADT_COLUMNS)
        if h == 0:
            name = "adt.hl7"
            sink.lines(
                hl7_adt.messages(table, prefix, hospital.npi or ""), out / hospital.slug / name
            )
        else:
            name = "adt_event.parquet"
            sink.table(table, out / hospital.slug / name)
        record(hospital.slug, "adt_event", name, view["person_id"], view["person"])


def cbo_files(
    world: World, out: Path, npi: dict[str, np.ndarray], record: Record, sink: Sink
) -> None:
    """Each CBO's client roster and the AHC HRSN screenings it did."""
    people = world.people
    count = len(people["person"])
    end = np.datetime64(f"{world.years[-1]}-12-31")
    state, _ = state_on(world.coverage, people["person"], np.full(count, end - 180))
    risk = (state == MEDICAID) | people["urban"]
    adult = age_on(people, end) >= 18
    for c, cbo in enumerate(world.roster.of_type("cbo")):
        rng = world.stream(f"cbo/{cbo.slug}")
        client = adult & (rng.random(count) < np.where(risk, 0.035, 0.006))
        persons = np.flatnonzero(client)
        times = 1 + (rng.random(len(persons)) < 0.35)
        who = np.repeat(persons, times)
        first = np.datetime64(f"{world.years[0]}-01-01")
        last = np.where(np.isnat(world.death[who]), end, world.death[who] - 1)
        span = np.maximum((last - first).astype(np.int64), 1)
        day = first + (rng.random(len(who)) * span).astype(np.int64)
        keep = day <= last
        who, day = who[keep], day[keep]
        view, row_of = _view(world, cbo.slug, who, noise.CBO, npi)
        prefix = f"CBO{c + 1}"
        answers = sdoh.screenings(rng, who, day, risk[who], cbo.domain, prefix, world.part.serials)
        answers["person_id"] = view["person_id"].take(pa.array(row_of[answers.pop("person")]))
        roster = {k: view[k] for k in ROSTER_COLUMNS}
        roster["state"] = np.full(len(view["person"]), "NY")
        folder = out / cbo.slug
        sink.table(roster, folder / "patient.csv")
        sink.table(answers, folder / "sdoh_screening.csv")
        record(cbo.slug, "patient", "patient.csv", view["person_id"], view["person"])
        if c == 0:  # its community health workers follow its clients
            clients = pa.table({"patient_id": view["person_id"]})
            sink.table(clients, _care(out, cbo.slug, "roster.csv"))


def _care(sources: Path, slug: str, name: str) -> Path:
    """Where a member's care coordination file goes: beside `sources/`, not loaded as intake."""
    return sources.parent / "care" / slug / name


def registry_files(
    world: World, out: Path, npi: dict[str, np.ndarray], record: Record, sink: Sink
) -> None:
    """The public health immunization registry: most doses given anywhere in the region."""
    rng = world.stream("registry")
    shots = take(world.records, world.records["kind"] == "immunization")
    shots = take(shots, rng.random(len(shots["person"])) < 0.92)  # NYSIIS completeness, ~90%+
    slug = world.roster.of_type("public health")[0].slug
    view, row_of = _view(world, slug, shots["person"], noise.REGISTRY, npi)
    table = ehr._immunizations(world.part.serials, "IIS", view, row_of, shots)
    patient = {k: view[k] for k in (*ROSTER_COLUMNS, "county")}
    folder = out / slug
    record(slug, "patient", "patient.csv", view["person_id"], view["person"])
    sink.table(patient, folder / "patient.csv")
    sink.table(table, folder / "immunization.csv")


__all__ = ["cbo_files", "concat", "group_files", "hospital_files", "registry_files"]

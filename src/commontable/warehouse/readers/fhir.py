"""FHIR R4 intake: Bulk NDJSON and Bundles of one submission, mapped to canonical tables as text.

Read: Patient, Coverage (eligibility), Encounter, Condition, Observation (lab_result when its
category is laboratory), Procedure, MedicationRequest (medication), Immunization,
ExplanationOfBenefit (medical_claim or pharmacy_claim), Practitioner, Location.
What is refused where:
* the whole file (InvalidSubmission): empty, compressed, not JSON at all, a Bundle or resource
  document that is not valid JSON, an NDJSON file whose last line is cut off (truncated export);
* one resource (RowProblem, ref `line N` or `<Type>/<id>`): a line that is not valid JSON or not a
  JSON object, a resource without resourceType or id, a resource whose fields have the wrong
  shape, a Coverage whose Patient or a request whose Medication is not in the submission, a
  claim diagnosis beyond slot 25;
* resource types no table takes (Provenance, Device...): one RowProblem per file and type with
  the count skipped, ref = the type name. Organization and Medication are read as lookups only.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

import orjson
import pyarrow as pa

from commontable.errors import InvalidSubmission
from commontable.warehouse.readers.base import Batch, Reading, RowProblem
from commontable.warehouse.readers.fhir_claims import (
    coverage,
    explanation_of_benefit,
    finish_coverages,
)
from commontable.warehouse.readers.fhir_clinical import (
    condition,
    finish_medication_requests,
    immunization,
    medication_request,
    observation,
    procedure,
)
from commontable.warehouse.readers.fhir_common import Resource, Sink
from commontable.warehouse.readers.fhir_people import encounter, location, patient, practitioner

BOM = b"\xef\xbb\xbf"
WHITESPACE = b" \t\r\n"
# A broken first line may mean a pretty-printed JSON document; files up to this size are retried.
DOCUMENT_RETRY_BYTES = 256 << 20
SHAPE_ERRORS = (AttributeError, TypeError, KeyError, IndexError, ValueError)
# Submissions this large are parsed by worker processes, a file each (parsing is Python work);
# below, starting the processes costs more than it saves.
PARALLEL_BYTES = 256 << 20
WORKERS = min(2, os.cpu_count() or 1)


def _organization(res: Resource, sink: Sink) -> None:
    if res.get("name"):
        sink.organizations[res["id"]] = res["name"]


def _medication(res: Resource, sink: Sink) -> None:
    if res.get("code"):
        sink.medications[res["id"]] = res["code"]


MAPPERS: dict[str, Callable[[Resource, Sink], None]] = {
    "Patient": patient,
    "Coverage": coverage,
    "Encounter": encounter,
    "Condition": condition,
    "Observation": observation,
    "Procedure": procedure,
    "MedicationRequest": medication_request,
    "Immunization": immunization,
    "ExplanationOfBenefit": explanation_of_benefit,
    "Practitioner": practitioner,
    "Location": location,
    "Organization": _organization,
    "Medication": _medication,
}


def read_fhir(paths: Sequence[Path]) -> Reading:
    """Read the FHIR files of one submission together (a Coverage takes its Patient's demographics
    from any file); one batch per file and table, every value as text."""
    reading = Reading()
    for part in read_fhir_files(paths):
        reading.extend(part)
    return reading


def read_fhir_files(paths: Sequence[Path], workers: int | None = None) -> Iterator[Reading]:
    """`read_fhir` a file at a time: each file's tables once it is read, so the engine can check
    them while the next file is read; last, the rows that needed every file, and the problems.

    A large submission's files are parsed by `workers` processes side by side (by default two
    when it holds PARALLEL_BYTES or more); the rows and problems are the same either way.
    """
    groups = _same_name_groups(paths)
    if workers is None:
        large = sum(p.stat().st_size for p in paths) >= PARALLEL_BYTES
        workers = min(WORKERS, len(groups)) if large else 1
    sink = Sink()
    patients: list[pa.Table] = []
    parts = map(_read_group, groups) if workers <= 1 else _in_workers(groups, workers)
    for part in parts:
        yield _take_part(sink, part, patients)
    if sink.coverages:  # eligibility takes the member's demographics from any file's Patient
        sink.people = {row["person_id"]: row for t in patients for row in t.to_pylist()}
    finish_coverages(sink)
    finish_medication_requests(sink)
    for (file_name, kind), count in sink.skipped.items():
        reason = f"resource type {kind} is not read; {count} resource(s) skipped"
        sink.problems.append(RowProblem(file_name, kind, reason))
    batches = [Batch(table, name, rows.table()) for (name, table), rows in sink.tables.items()]
    yield Reading(batches=batches, problems=sink.problems)


def _same_name_groups(paths: Sequence[Path]) -> list[list[Path]]:
    """The files in order, those of the same name together (their rows are keyed by name)."""
    groups: dict[str, list[Path]] = {}
    for path in paths:
        groups.setdefault(path.name, []).append(path)
    return list(groups.values())


def _read_group(paths: list[Path]) -> Sink:
    """Everything read from files of one name, on its own: the rows of each table as Arrow, and
    what waits for the other files (Patient demographics are taken from the tables later)."""
    sink = Sink(file_name=paths[0].name)
    for path in paths:
        _read_file(path, sink)
    for rows in sink.tables.values():
        rows.flush()
    sink.people = {}
    return sink


def _in_workers(groups: list[list[Path]], workers: int) -> Iterator[Sink]:
    """`_read_group` of each group in worker processes, the largest first (the longest parse
    starts at once), each yielded as soon as it is read; at most `workers` groups are read or
    waiting at a time, so memory holds a bounded number of read files."""
    queue = deque(sorted(groups, key=lambda g: -sum(p.stat().st_size for p in g)))
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        running = {
            pool.submit(_read_group, queue.popleft()) for _ in range(min(workers, len(queue)))
        }
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                if queue:
                    running.add(pool.submit(_read_group, queue.popleft()))
                yield future.result()


def _take_part(sink: Sink, part: Sink, patients: list[pa.Table]) -> Reading:
    """A read file's tables; its medications wait when some of its requests name a Medication
    another file may hold (a table's rows stay one batch). Problems all come last, together."""
    sink.problems += part.problems
    sink.skipped.update(part.skipped)
    sink.organizations.update(part.organizations)
    sink.medications.update(part.medications)
    sink.coverages += part.coverages
    sink.medication_requests += part.medication_requests
    waiting = {"medication"} if part.medication_requests else set()
    batches = []
    for (name, table), rows in part.tables.items():
        if table in waiting:
            sink.tables[(name, table)] = rows
            continue
        batch = Batch(table, name, rows.table())
        if table == "patient":
            patients.append(batch.rows)
        batches.append(batch)
    return Reading(batches)


def _first_byte(path: Path) -> bytes:
    """The first byte that is not whitespace (after a UTF-8 byte order mark), or b"" if none."""
    with path.open("rb") as handle:
        start = handle.read(3)
        if start != BOM:
            handle.seek(0)
        while chunk := handle.read(1 << 16):
            content = chunk.lstrip(WHITESPACE)
            if content:
                return content[:1]
    return b""


def _read_file(path: Path, sink: Sink) -> None:
    first = _first_byte(path)
    if not first:
        raise InvalidSubmission(path.name, "the file is empty: export the FHIR resources again")
    if first == b"\x1f":
        raise InvalidSubmission(path.name, "the file is compressed (gzip): unzip it and send it")
    if first != b"{":
        raise InvalidSubmission(
            path.name,
            "is not FHIR JSON: send NDJSON (one resource per line) or a JSON Bundle, "
            "each resource starting with '{'",
        )
    if path.suffix.lower() == ".json":
        _read_document(path, sink)
    else:
        _read_ndjson(path, sink)


def _read_document(path: Path, sink: Sink) -> None:
    """A .json file: one Bundle (of any type) or one resource."""
    try:
        document = orjson.loads(path.read_bytes().removeprefix(BOM))
    except orjson.JSONDecodeError as error:
        message = f"is not valid JSON ({error}); fix the file or export it again"
        raise InvalidSubmission(path.name, message) from error
    if not isinstance(document, dict) or not isinstance(document.get("resourceType"), str):
        message = "is not a FHIR resource or Bundle: it has no resourceType; export it again"
        raise InvalidSubmission(path.name, message)
    _take(document, sink, "the file")


def _read_ndjson(path: Path, sink: Sink) -> None:
    """Bulk Data NDJSON: one resource per line; a bad line is reported and skipped."""
    read_any = False
    with path.open("rb") as handle:
        if handle.read(len(BOM)) != BOM:
            handle.seek(0)
        for number, line in enumerate(handle, start=1):
            try:
                resource = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                if not line.strip(WHITESPACE):
                    continue
                if not line.endswith(b"\n"):
                    raise InvalidSubmission(
                        path.name,
                        f"the file ends in the middle of a resource at line {number}; "
                        "it looks truncated — export it again",
                    ) from error
                if not read_any and _is_document(path):
                    _read_document(path, sink)
                    return
                reason = f"not valid JSON ({error})"
                sink.problems.append(RowProblem(sink.file_name, f"line {number}", reason))
                read_any = True
                continue
            read_any = True
            if not isinstance(resource, dict):
                reason = f"not a FHIR resource: a JSON {type(resource).__name__}, not an object"
                sink.problems.append(RowProblem(sink.file_name, f"line {number}", reason))
                continue
            _take(resource, sink, number)


def _is_document(path: Path) -> bool:
    """Whether a file whose first line is not JSON is one pretty-printed JSON document."""
    if path.stat().st_size > DOCUMENT_RETRY_BYTES:
        return False
    try:
        orjson.loads(path.read_bytes().removeprefix(BOM))
    except orjson.JSONDecodeError:
        return False
    return True


def _take(resource: Resource, sink: Sink, where: str | int) -> None:
    """Map one resource (or every entry of a Bundle) to its table; `where` is a line number or
    an entry's place, formatted only for a problem."""
    kind = resource.get("resourceType")
    if not isinstance(kind, str):
        reason = "has no resourceType; every FHIR resource needs one"
        sink.problems.append(RowProblem(sink.file_name, _place(where), reason))
        return
    if kind == "Bundle":
        _read_bundle(resource, sink, where)
        return
    mapper = MAPPERS.get(kind)
    if mapper is None:
        key = (sink.file_name, kind)
        sink.skipped[key] = sink.skipped.get(key, 0) + 1
        return
    if not isinstance(resource.get("id"), str) or not resource["id"]:
        reason = "has no id; every resource needs one so its rows can be traced"
        sink.problems.append(RowProblem(sink.file_name, f"{kind} at {_place(where)}", reason))
        return
    try:
        mapper(resource, sink)
    except SHAPE_ERRORS as error:
        reason = f"is not a valid FHIR R4 {kind}: an element has the wrong shape ({error!r})"
        sink.problems.append(RowProblem(sink.file_name, f"{kind}/{resource['id']}", reason))


def _place(where: str | int) -> str:
    return f"line {where}" if isinstance(where, int) else where


def _read_bundle(bundle: Resource, sink: Sink, where: str | int) -> None:
    """Every entry's resource; urn:uuid fullUrls give ids to resources without one."""
    entries = bundle.get("entry") or ()
    if not isinstance(entries, list):
        reason = "is a Bundle whose entry is not a list"
        sink.problems.append(RowProblem(sink.file_name, _place(where), reason))
        return
    aliases: dict[str, str] = {}
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        full_url = entry.get("fullUrl") if resource else None
        if isinstance(resource, dict) and isinstance(full_url, str):
            uuid = full_url.rpartition(":")[2] if full_url.startswith("urn:") else None
            if uuid and not resource.get("id"):
                resource["id"] = uuid
            elif resource.get("id"):
                aliases[full_url] = resource["id"]
    outer, sink.aliases = sink.aliases, aliases
    prefix = "" if where == "the file" else f"{_place(where)}, "
    for position, entry in enumerate(entries, start=1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict):  # entries of a delete or a response carry no resource
            _take(resource, sink, f"{prefix}entry {position}")
    sink.aliases = outer

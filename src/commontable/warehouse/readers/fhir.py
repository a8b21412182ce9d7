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

import os
import re
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
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
from commontable.warehouse.readers.fhir_common import Resource, Sink, TableRows
from commontable.warehouse.readers.fhir_people import encounter, location, patient, practitioner
from commontable.warehouse.readers.memory import reuse_freed_memory
from commontable.warehouse.readers.workers import worker_pool

BOM = b"\xef\xbb\xbf"
WHITESPACE = b" \t\r\n"
# A broken first line may mean a pretty-printed JSON document; files up to this size are retried.
DOCUMENT_RETRY_BYTES = 256 << 20
SHAPE_ERRORS = (AttributeError, TypeError, KeyError, IndexError, ValueError)
# Submissions this large are parsed by worker processes, a file each (parsing is Python work);
# below, starting the processes costs more than it saves.
PARALLEL_BYTES = 256 << 20
PIECE_BYTES = 256 << 20  # of an NDJSON file, parsed by one worker at a time
BATCH_ROWS = 1_000_000  # a table's rows gathered from pieces before they are checked and written
LINE = re.compile(
    r"\bline (\d+)"
)  # how a problem names its line ("line 4", "Observation at line 4")
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
    """`read_fhir` a part at a time: a file's table once BATCH_ROWS of its rows are read, and the
    rest once the file is, so the engine checks them while more is read; last, the rows that
    needed every file, and the problems.

    A large submission is parsed by `workers` processes side by side (by default two when it
    holds PARALLEL_BYTES or more), in pieces of up to PIECE_BYTES of whole lines, handed on in
    file order; the rows and problems are the same either way.
    """
    if workers is None:
        large = sum(p.stat().st_size for p in paths) >= PARALLEL_BYTES
        workers = WORKERS if large else 1
    sink = Sink()
    patients: list[pa.Table] = []
    if workers <= 1:
        pieces = [Piece(p) for p in paths]
        parts: Iterator[Part] = map(_read_piece, pieces)
    else:
        pieces = [piece for p in paths for piece in _pieces(p)]
        parts = _in_workers(pieces, workers)
    unread = Counter(piece.path for piece in pieces)
    lines_before: Counter[Path] = Counter()  # pieces come in file order: their lines are counted on
    held: dict[tuple[str, str], list[Batch]] = {}
    for part in parts:
        offset = lines_before[part.piece.path]
        lines_before[part.piece.path] += part.lines
        sink.problems += [
            replace(p, row_ref=_renumbered(p.row_ref, offset)) for p in part.sink.problems
        ]
        ready = _gathered(held, _take_part(sink, part, patients).batches)
        unread[part.piece.path] -= 1
        if not unread[part.piece.path]:  # the file is read: the rest of its rows go on
            name = part.piece.path.name
            ready += [_joined(held.pop(key)) for key in list(held) if key[0] == name]
        if ready:
            yield Reading(ready)
    if sink.coverages:  # eligibility takes the member's demographics from any file's Patient
        sink.people = {row["person_id"]: row for t in patients for row in t.to_pylist()}
    finish_coverages(sink)
    finish_medication_requests(sink)
    for (file_name, kind), count in sink.skipped.items():
        reason = f"resource type {kind} is not read; {count} resource(s) skipped"
        sink.problems.append(RowProblem(file_name, kind, reason))
    batches = [_joined(same) for same in held.values()]
    batches += [Batch(table, name, rows.table()) for (name, table), rows in sink.tables.items()]
    yield Reading(batches=batches, problems=sink.problems)


def _gathered(held: dict[tuple[str, str], list[Batch]], batches: list[Batch]) -> list[Batch]:
    """Pieces' batches held per file and table until they reach BATCH_ROWS; those that did, as
    one batch each. The engine then writes whole row groups, not many part-filled ones (whose
    merging made the closing checkpoint of a large clinic's export take 12 s)."""
    ready = []
    for batch in batches:
        key = (batch.file_name, batch.table)
        same = held.setdefault(key, [])
        same.append(batch)
        if sum(b.rows.num_rows for b in same) >= BATCH_ROWS:
            ready.append(_joined(held.pop(key)))
    return ready


def _joined(batches: list[Batch]) -> Batch:
    rows = pa.concat_tables([b.rows for b in batches], promote_options="default")
    return Batch(batches[0].table, batches[0].file_name, rows)


@dataclass(frozen=True)
class Piece:
    """Whole lines of one file, from byte `start` to `end` (None: the end of the file)."""

    path: Path
    start: int = 0
    end: int | None = None


@dataclass
class Part:
    """What one piece gave: its rows and what waits for the other files (in `sink`), and how
    many lines it held, so the problems of the next piece of the file are numbered on."""

    piece: Piece
    sink: Sink
    lines: int


def _pieces(path: Path) -> list[Piece]:
    """A Bulk NDJSON file cut at line starts into pieces of about PIECE_BYTES."""
    size = path.stat().st_size
    if path.suffix.lower() == ".json" or size <= PIECE_BYTES:
        return [Piece(path)]
    starts = [0]
    with path.open("rb") as handle:
        for at in range(PIECE_BYTES, size, PIECE_BYTES):
            handle.seek(at - 1)
            handle.readline()  # to the start of the next line (`at` itself, if one starts there)
            if starts[-1] < handle.tell() < size:
                starts.append(handle.tell())
    return [Piece(path, a, b) for a, b in zip(starts, [*starts[1:], None], strict=True)]


def _read_piece(piece: Piece) -> Part:
    """Everything read from one piece, on its own: the rows of each table as Arrow, and what
    waits for the other files (Patient demographics are taken from the tables later)."""
    reuse_freed_memory()  # in a worker process too
    sink = Sink(file_name=piece.path.name)
    lines = _read_file(piece, sink)
    for rows in sink.tables.values():
        rows.flush()
    sink.people = {}
    return Part(piece, sink, lines)


def _in_workers(pieces: list[Piece], workers: int) -> Iterator[Part]:
    """`_read_piece` of each piece in worker processes, yielded in file order (so the rows of a
    batch keep it, and the same rows are checked together whichever worker is faster); at most
    `workers` pieces are read or waiting at a time, so memory stays bounded.

    Workers start by importing the program's main module (Python's rule for processes); where
    that fails (a script without an `if __name__ == "__main__":` guard), the pieces not yet
    read are read here instead.
    """
    queue, left = deque(pieces), list(pieces)
    try:
        with worker_pool(workers) as pool:
            running = deque(
                pool.submit(_read_piece, queue.popleft()) for _ in range(min(workers, len(queue)))
            )
            while running:
                part = running.popleft().result()
                if queue:
                    running.append(pool.submit(_read_piece, queue.popleft()))
                left.remove(part.piece)
                yield part
    except BrokenProcessPool:
        yield from map(_read_piece, left)


def _take_part(sink: Sink, part: Part, patients: list[pa.Table]) -> Reading:
    """A read piece's tables; its medications wait when some of its requests name a Medication
    another file may hold. Problems all come last, together."""
    read = part.sink
    for key, count in read.skipped.items():
        sink.skipped[key] = sink.skipped.get(key, 0) + count
    sink.organizations.update(read.organizations)
    sink.medications.update(read.medications)
    sink.coverages += read.coverages
    sink.medication_requests += read.medication_requests
    waiting = {"medication"} if read.medication_requests else set()
    batches = []
    for (name, table), rows in read.tables.items():
        if table in waiting:
            kept = sink.tables.setdefault((name, table), TableRows(rows.names))
            kept.chunks += rows.chunks
            continue
        batch = Batch(table, name, rows.table())
        if table == "patient":
            patients.append(batch.rows)
        batches.append(batch)
    return Reading(batches)


def _renumbered(ref: str, offset: int) -> str:
    return LINE.sub(lambda found: f"line {int(found[1]) + offset}", ref) if offset else ref


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


def _read_file(piece: Piece, sink: Sink) -> int:
    """Read a piece of a file (its first piece checks what the file is); the lines read."""
    path = piece.path
    if piece.start == 0:
        first = _first_byte(path)
        if not first:
            raise InvalidSubmission(path.name, "the file is empty: export the FHIR resources again")
        if first == b"\x1f":
            raise InvalidSubmission(
                path.name, "the file is compressed (gzip): unzip it and send it"
            )
        if first != b"{":
            raise InvalidSubmission(
                path.name,
                "is not FHIR JSON: send NDJSON (one resource per line) or a JSON Bundle, "
                "each resource starting with '{'",
            )
    if path.suffix.lower() == ".json":
        _read_document(path, sink)
        return 0
    return _read_ndjson(piece, sink)


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


def _read_ndjson(piece: Piece, sink: Sink) -> int:
    """Bulk Data NDJSON: one resource per line; a bad line is reported and skipped. Lines are
    numbered from the piece's start; the number of lines read is returned."""
    path, read_any, number = piece.path, False, 0
    with path.open("rb") as handle:
        if piece.start == 0 and handle.read(len(BOM)) != BOM:
            handle.seek(0)
        handle.seek(max(piece.start, handle.tell()))
        left = None if piece.end is None else piece.end - handle.tell()
        for number, line in enumerate(handle, start=1):
            if left is not None:
                if left <= 0:
                    return number - 1
                left -= len(line)
            try:
                resource = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                if not line.strip(WHITESPACE):
                    continue
                if not line.endswith(b"\n"):
                    at = number + _lines_before(path, piece.start)
                    raise InvalidSubmission(
                        path.name,
                        f"the file ends in the middle of a resource at line {at}; "
                        "it looks truncated — export it again",
                    ) from error
                if not read_any and piece.start == 0 and _is_document(path):
                    _read_document(path, sink)
                    return 0
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
    return number


def _lines_before(path: Path, offset: int) -> int:
    """How many lines a file holds before a byte offset (to name a line in a message)."""
    with path.open("rb") as handle:
        return handle.read(offset).count(b"\n")


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

"""Intake readers: find what each submitted file is and turn it into text rows per table."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from commontable.errors import InvalidSubmission
from commontable.warehouse.contracts import CONTRACTS
from commontable.warehouse.readers.base import ROW_REF, Batch, Reading, RowProblem, trimmed
from commontable.warehouse.readers.limits import Limits, check_file, within_limits
from commontable.warehouse.readers.tabular import read_csv, read_parquet

TABULAR = {".csv": "csv", ".tsv": "csv", ".psv": "csv", ".parquet": "parquet", ".pq": "parquet"}
FHIR = {".ndjson", ".jsonl", ".json"}
HL7 = {".hl7", ".adt"}


def table_for(path: Path) -> str:
    """The canonical table a tabular file feeds, from its name: `medical_claim_2024.csv`."""
    stem = path.name.split(".")[0].lower()
    for name in sorted(CONTRACTS, key=len, reverse=True):
        if stem == name or (stem.startswith(name) and stem[len(name)] in "_- "):
            return name
    raise InvalidSubmission(
        path.name,
        "cannot tell which table this file feeds: start its name with one of "
        + ", ".join(sorted(CONTRACTS))
        + " (e.g. medical_claim_2024.csv)",
    )


def file_format(path: Path) -> str:
    """csv, parquet, fhir or hl7, from the file's name and first bytes."""
    suffix = path.suffix.lower()
    if suffix in TABULAR:
        return TABULAR[suffix]
    if suffix in FHIR:
        return "fhir"
    if suffix in HL7:
        return "hl7"
    if suffix == ".txt":
        with path.open("rb") as handle:
            start = handle.read(8).lstrip(b"\x0b\xef\xbb\xbf")
        return "hl7" if start.startswith(b"MSH") else "csv"
    raise InvalidSubmission(
        path.name,
        "unknown kind of file: send CSV/Parquet named after their table, FHIR R4 as .ndjson or "
        ".json, HL7v2 ADT as .hl7",
    )


def submission_files(path: Path) -> list[Path]:
    """The files of a submission: one file, or every visible file in a folder (recursively)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InvalidSubmission(str(path), "no such file or folder")
    files = sorted(
        p for p in path.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )  # fmt: skip
    if not files:
        raise InvalidSubmission(str(path), "the folder holds no files to load")
    return files


def read_files(files: Sequence[Path], limits: Limits | None = None) -> Iterator[Reading]:
    """Read a submission's files, a chunk at a time, every value trimmed of white space, each
    file within `limits`; FHIR files are read together, as their resources refer to each other
    (what needs another file comes last)."""
    limits = limits or Limits()
    for path in files:
        check_file(path, limits)
    for reading in within_limits(_read(files, limits), limits):
        for batch in reading.batches:
            batch.rows = trimmed(batch.rows)
        yield reading


def _read(files: Sequence[Path], limits: Limits) -> Iterator[Reading]:
    by_format: dict[str, list[Path]] = {}
    for path in files:
        by_format.setdefault(file_format(path), []).append(path)
    for path in by_format.get("csv", []):
        yield from read_csv(path, table_for(path))
    for path in by_format.get("parquet", []):
        yield from read_parquet(path, table_for(path), limits)
    if "fhir" in by_format:
        from commontable.warehouse.readers.fhir import read_fhir_files

        yield from read_fhir_files(by_format["fhir"])
    if "hl7" in by_format:
        from commontable.warehouse.readers.hl7v2 import read_hl7_files

        yield from read_hl7_files(by_format["hl7"])


__all__ = [
    "ROW_REF",
    "Batch",
    "Limits",
    "Reading",
    "RowProblem",
    "file_format",
    "read_files",
    "submission_files",
    "table_for",
]

"""Small FHIR R4 helpers shared by the resource mappers: codes, references, dates, numbers, rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyarrow as pa

from commontable.warehouse.readers.base import RowProblem

Resource = dict[str, Any]
Row = dict[str, str | None]

CHUNK_ROWS = 50_000  # rows kept as Python dicts before they become one Arrow chunk

# FHIR code system URIs (and their OIDs) -> the contract's code type words.
# Sources: terminology.hl7.org/external_terminologies.html,
# hl7.org/fhir/R4/terminologies-systems.html
CODE_TYPES: dict[str, str] = {
    "http://hl7.org/fhir/sid/icd-10-cm": "icd-10-cm",
    "urn:oid:2.16.840.1.113883.6.90": "icd-10-cm",
    "http://hl7.org/fhir/sid/icd-9-cm": "icd-9-cm",
    "urn:oid:2.16.840.1.113883.6.103": "icd-9-cm",
    "http://www.cms.gov/Medicare/Coding/ICD10": "icd-10-pcs",
    "urn:oid:2.16.840.1.113883.6.4": "icd-10-pcs",
    "http://www.ama-assn.org/go/cpt": "cpt",
    "urn:oid:2.16.840.1.113883.6.12": "cpt",
    "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets": "hcpcs",
    "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets": "hcpcs",
    "urn:oid:2.16.840.1.113883.6.285": "hcpcs",
    "http://snomed.info/sct": "snomed-ct",
    "urn:oid:2.16.840.1.113883.6.96": "snomed-ct",
    "http://loinc.org": "loinc",
    "urn:oid:2.16.840.1.113883.6.1": "loinc",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "rxnorm",
    "urn:oid:2.16.840.1.113883.6.88": "rxnorm",
    "http://hl7.org/fhir/sid/cvx": "cvx",
    "urn:oid:2.16.840.1.113883.12.292": "cvx",
    "http://hl7.org/fhir/sid/ndc": "ndc",
    "urn:oid:2.16.840.1.113883.6.69": "ndc",
}
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
SSN_SYSTEM = "http://hl7.org/fhir/sid/us-ssn"


@dataclass
class TableRows:
    """Rows of one table from one file, turned into Arrow columns a chunk at a time."""

    names: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    sparse: dict[str, None] = field(default_factory=dict)  # wide slots seen, in first-seen order
    chunks: list[pa.Table] = field(default_factory=list)

    def add(self, row: Row, sparse: Row | None = None) -> None:
        """Append a row; `sparse` columns (wide diagnosis slots) exist once a row fills them."""
        if sparse:
            row.update(sparse)
            self.sparse.update(dict.fromkeys(sparse))
        self.rows.append(row)
        if len(self.rows) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            # Arrow reads the dicts in C++ (keys not named are ignored): 3x faster than lists.
            kind = pa.struct([(name, pa.string()) for name in (*self.names, *self.sparse)])
            self.chunks.append(pa.Table.from_struct_array(pa.array(self.rows, type=kind)))
            self.rows = []

    def table(self) -> pa.Table:
        """All rows; sparse columns follow the fixed ones in slot order (diagnosis_code_1, _2)."""
        self.flush()
        rows = pa.concat_tables(self.chunks, promote_options="default")
        sparse = sorted(set(rows.column_names) - set(self.names), key=_slot_order)
        return rows.select([*self.names, *sparse])


def _slot_order(name: str) -> tuple[str, int]:
    prefix, _, slot = name.rpartition("_")
    return (prefix, int(slot)) if slot.isdigit() else (name, 0)


def code_type(system: str | None) -> str | None:
    """The contract's word for a code system URI; an unknown URI is kept as it is."""
    if system is None:
        return None
    return CODE_TYPES.get(system, system)


def pick_coding(concept: Resource | None, prefer: Iterable[str]) -> Resource | None:
    """The coding of the first preferred code type, else the first coding with a code."""
    if not concept:
        return None
    codings = concept.get("coding")
    if not codings:
        return None
    if len(codings) == 1:
        return codings[0] if codings[0].get("code") else None
    codings = [c for c in codings if c.get("code")]
    if not codings:
        return None
    for wanted in prefer:
        for coding in codings:
            if CODE_TYPES.get(coding.get("system", "")) == wanted:
                return coding
    return codings[0]


def code_columns(concept: Resource | None, prefer: Iterable[str]) -> Row:
    """source_code_type, source_code and source_description of a CodeableConcept."""
    coding = pick_coding(concept, prefer)
    if coding is None:
        text = concept.get("text") if concept else None
        return {"source_code_type": None, "source_code": None, "source_description": text}
    return {
        "source_code_type": code_type(coding.get("system")),
        "source_code": coding["code"],
        "source_description": coding.get("display") or (concept or {}).get("text"),
    }


def code_of(concept: Resource | None, wanted: str | None = None) -> str | None:
    """The code of a CodeableConcept: of the wanted code type only, or of its first coding."""
    if not concept:
        return None
    for coding in concept.get("coding") or ():
        if wanted is None or CODE_TYPES.get(coding.get("system", "")) == wanted:
            code = coding.get("code")
            if code:
                return str(code)
    return None


def ref_id(reference: Resource | None, aliases: dict[str, str] | None = None) -> str | None:
    """The id a Reference points to: Patient/1, a full URL, urn:uuid:x, or ?identifier=sys|value."""
    if not reference:
        return None
    text = reference.get("reference")
    if not text:
        identifier = reference.get("identifier")
        return identifier.get("value") if identifier else None
    if aliases and text in aliases:
        return aliases[text]
    if "?" in text:  # conditional reference: Practitioner?identifier=system|value
        return text.rpartition("|")[2] or text.rpartition("=")[2]
    if text.startswith("urn:"):  # urn:uuid:... or urn:oid:...
        return text.rpartition(":")[2]
    if "/_history/" in text:
        text = text.partition("/_history/")[0]
    return text.rpartition("/")[2]


def npi_of(reference: Resource | None) -> str | None:
    """The NPI a Reference carries as its identifier or in a conditional reference, if any."""
    if not reference:
        return None
    identifier = reference.get("identifier")
    if identifier and identifier.get("system") == NPI_SYSTEM:
        return identifier.get("value")
    text = reference.get("reference") or ""
    if NPI_SYSTEM + "|" in text:
        return text.rpartition("|")[2]
    return None


def clinician(reference: Resource | None, aliases: dict[str, str] | None = None) -> str | None:
    """A practitioner or facility as the contracts want it: its NPI where known, else its id."""
    return npi_of(reference) or ref_id(reference, aliases)


def day(value: Any) -> str | None:
    """The YYYY-MM-DD part of a FHIR date or dateTime (a partial date stays partial)."""
    return value[:10] if isinstance(value, str) and value else None


def period_start(resource: Resource, prefix: str) -> str | None:
    """<prefix>DateTime, else <prefix>Period.start, else <prefix>Instant, as a date."""
    value = resource.get(prefix + "DateTime")
    if value is None:
        period = resource.get(prefix + "Period")
        value = period.get("start") if period else resource.get(prefix + "Instant")
    return day(value)


def number(value: Any) -> str | None:
    """A JSON number as plain decimal text (no exponent), as the contract's decimal rule wants."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def digits(value: str | None) -> str | None:
    """Only the digits of a phone number; a leading US country code 1 of 11 digits is dropped."""
    if not value:
        return None
    only = "".join(ch for ch in value if ch.isdigit())
    if len(only) == 11 and only[0] == "1":
        only = only[1:]
    return only or None


def row_ref(resource: Resource) -> str:
    return f"{resource['resourceType']}/{resource['id']}"


@dataclass
class Sink:
    """Everything read from one submission so far: rows per (file, table) and cross-file lookups."""

    file_name: str = ""
    tables: dict[tuple[str, str], TableRows] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    # Patient rows by id, for Coverage (eligibility) rows that need the member's demographics.
    people: dict[str, Row] = field(default_factory=dict)
    # Organization names by id, for payers referenced without a display.
    organizations: dict[str, str] = field(default_factory=dict)
    # Medication codes by Medication id, for requests that reference a Medication.
    medications: dict[str, Resource] = field(default_factory=dict)
    # Rows completed once every file has been read: (file name, row, id of what they refer to).
    coverages: list[tuple[str, Row, str | None]] = field(default_factory=list)
    medication_requests: list[tuple[str, Row, str | None]] = field(default_factory=list)
    # fullUrl -> id inside the Bundle being read (urn:uuid references whose uuid is not the id).
    aliases: dict[str, str] = field(default_factory=dict)
    skipped: dict[tuple[str, str], int] = field(default_factory=dict)

    def table(self, name: str, columns: tuple[str, ...]) -> TableRows:
        key = (self.file_name, name)
        rows = self.tables.get(key)
        if rows is None:
            rows = self.tables[key] = TableRows(columns)
        return rows

    def problem(self, resource: Resource, reason: str, table: str | None = None) -> None:
        self.problems.append(RowProblem(self.file_name, row_ref(resource), reason, table))

"""Mistakes real submissions carry, planted in about one row in a thousand for intake to catch.

Each planted error breaks one rule of the canonical contracts (warehouse/contracts) in one row,
so intake quarantines exactly that row; truth/planted_errors.parquet lists every one with the
row reference intake reports (CSV/Parquet `row N` with the header as row 1, FHIR
`<ResourceType>/<id>`, HL7 the MSH-10 message control id).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from commontable.synth.randomness import stream
from commontable.synth.writers import Edit

RATE = 0.001  # share of rows of a file with a rule below that get one error
IMPOSSIBLE, US_DATE, UNKNOWN_CODE = "impossible date", "date as MM/DD/YYYY", "unknown code"
BAD_ICD, BAD_NPI, CURRENCY = "malformed ICD-10-CM code", "NPI check digit wrong", "amount with $"
MISSING, DUPLICATE, BROKEN_PID = "required value missing", "duplicated row", "broken PID segment"
BAD_SEX = "unknown sex code"
# Tabular files, by canonical table: (column, kind of error) rules tried for a chosen row.
TABLE_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "eligibility": (
        ("birth_date", IMPOSSIBLE),
        ("enrollment_start_date", US_DATE),
        ("gender", MISSING),
        ("attributed_npi", BAD_NPI),
    ),
    "medical_claim": (
        ("place_of_service_code", UNKNOWN_CODE),
        ("diagnosis_code_1", BAD_ICD),
        ("rendering_npi", BAD_NPI),
        ("paid_amount", CURRENCY),
        ("claim_start_date", IMPOSSIBLE),
        ("claim_id,claim_line_number", DUPLICATE),
    ),
    "pharmacy_claim": (
        ("paid_amount", CURRENCY),
        ("dispensing_date", US_DATE),
        ("claim_id,claim_line_number", DUPLICATE),
    ),
    "patient": (("birth_date", IMPOSSIBLE), ("sex", MISSING), ("primary_care_npi", BAD_NPI)),
    "encounter": (("encounter_start_date", US_DATE), ("encounter_type", MISSING)),
    "immunization": (("occurrence_date", IMPOSSIBLE),),
    "sdoh_screening": (("screening_date", US_DATE),),
    "adt_event": (
        ("diagnosis_code", BAD_ICD),
        ("attending_npi", BAD_NPI),
        ("person_id", MISSING),
        ("message_control_id", DUPLICATE),
    ),
}
DATE = r"(\d{4})-(\d{2})-(\d{2})"
# FHIR NDJSON files: (column intake reads it into, kind, pattern of the JSON text to change).
FHIR_RULES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Patient.ndjson": (
        ("birth_date", IMPOSSIBLE, f'"birthDate":"{DATE}"'),
        ("birth_date", US_DATE, f'"birthDate":"{DATE}"'),
        ("sex", BAD_SEX, r'"gender":"(female|male)"'),
    ),
    "Encounter.ndjson": (("encounter_start_date", US_DATE, f'"period":{{"start":"{DATE}"'),),
    "Procedure.ndjson": (("procedure_date", IMPOSSIBLE, f'"performedDateTime":"{DATE}"'),),
    "Immunization.ndjson": (("occurrence_date", US_DATE, f'"occurrenceDateTime":"{DATE}"'),),
}
FHIR_REF = re.compile(r'^\{"resourceType":"(\w+)","id":"([^"]+)"')
COLUMNS = ("data_source", "file_name", "row_ref", "column_name", "error", "value")


def bad_value(kind: str, value: object) -> str | None:
    """The text a careless export writes instead of `value`."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    if kind == IMPOSSIBLE:
        return f"{text[:4]}-02-30"
    if kind == US_DATE:
        year, month, day = text[:10].split("-")
        return f"{month}/{day}/{year}"
    if kind == UNKNOWN_CODE:
        return "77"  # unassigned in the CMS place of service code set
    if kind == BAD_ICD:
        return text[1] + text[0] + text[2:]  # a digit first: no ICD-10-CM code starts so
    if kind == BAD_NPI:
        return text[:-1] + str((int(text[-1]) + 1) % 10)
    if kind == CURRENCY:
        return f"${float(text):,.2f}"
    return None


def _fhir_edit(kind: str, match: re.Match[str]) -> str:
    whole, start = match.group(0), match.start(0)
    if kind == BAD_SEX:
        code = match.group(1)[0].upper()  # HL7 v2 style F/M where FHIR wants female/male
        return whole[: match.start(1) - start] + code + whole[match.end(1) - start :]
    year, month, day = match.group(1), match.group(2), match.group(3)
    date = f"{year}-02-30" if kind == IMPOSSIBLE else f"{month}/{day}/{year}"
    return whole[: match.start(1) - start] + date + whole[match.end(3) - start :]


class Flaws:
    """Plants errors in the source files a Sink writes and remembers each one."""

    def __init__(self, seed: int, sources: Path) -> None:
        self.seed = seed
        self.sources = sources
        self.chunk = 0
        self.found: list[tuple[str, ...]] = []

    def _rng(self, path: Path) -> np.random.Generator | None:
        if path.parent.parent != self.sources:
            return None
        return stream(self.seed, f"flaws/{path.parent.name}/{path.name}", self.chunk)

    def _note(self, path: Path, ref: str, column: str, kind: str, value: str | None) -> None:
        self.found.append((path.parent.name, path.name, ref, column, kind, value or ""))

    def table(self, table: pa.Table, path: Path, before: int) -> tuple[pa.Table, list[Edit]]:
        """The rows to write, with duplicated rows in place, and the values to write instead."""
        rules = TABLE_RULES.get(path.name.split(".")[0])
        rng = self._rng(path)
        if rules is None or rng is None:
            return table, []
        n = table.num_rows
        rows = np.sort(rng.choice(n, rng.binomial(n, RATE), replace=False))
        first_rule = rng.integers(0, len(rules), len(rows))
        chosen = [(int(r), self._rule(table, path, int(r), rules, int(k)))
                  for r, k in zip(rows, first_rule, strict=True)]  # fmt: skip
        doubled = np.array([r for r, rule in chosen if rule and rule[1] == DUPLICATE], np.int64)
        if len(doubled):
            table = table.take(pa.array(np.sort(np.concatenate([np.arange(n), doubled]))))
        edits: list[Edit] = []
        for row, rule in chosen:
            if rule is None:
                continue
            column, kind = rule
            at = row + int(np.searchsorted(doubled, row))  # place after the rows doubled before
            if kind == DUPLICATE:
                self._note(path, f"row {before + at + 3}", column, kind, None)
                continue
            value = bad_value(kind, table.column(column)[at].as_py())
            edits.append((at, column, value))
            self._note(path, f"row {before + at + 2}", column, kind, value)
        return table, edits

    def _rule(
        self, table: pa.Table, path: Path, row: int, rules: tuple[tuple[str, str], ...], k: int
    ) -> tuple[str, str] | None:
        """The first rule from the k-th that fits the row: its column is there and filled."""
        for i in range(len(rules)):
            column, kind = rules[(k + i) % len(rules)]
            key = column.split(",")[0]
            if key not in table.column_names or not table.column(key)[row].is_valid:
                continue
            text_kind = kind not in (MISSING, DUPLICATE)
            typed = not pa.types.is_string(table.schema.field(key).type)
            if path.suffix == ".parquet" and text_kind and typed:
                continue
            return column, kind
        return None

    def lines(self, lines: pa.Array | pa.ChunkedArray, path: Path) -> pa.Array:
        """FHIR resources or HL7 messages, a few of them broken."""
        rng = self._rng(path)
        fhir = FHIR_RULES.get(path.name)
        if isinstance(lines, pa.ChunkedArray):
            lines = lines.combine_chunks()
        if rng is None or (fhir is None and path.suffix != ".hl7"):
            return lines
        n = len(lines)
        rows = np.sort(rng.choice(n, rng.binomial(n, RATE), replace=False))
        picks = rng.integers(0, len(fhir) if fhir else 1, len(rows))
        if not len(rows):
            return lines
        changed = [self._line(lines[int(r)].as_py(), path, fhir, int(k))
                   for r, k in zip(rows, picks, strict=True)]  # fmt: skip
        index = np.arange(n)
        index[rows] = n + np.arange(len(rows))
        return pa.concat_arrays([lines, pa.array(changed, pa.string())]).take(pa.array(index))

    def _line(
        self, line: str, path: Path, fhir: tuple[tuple[str, str, str], ...] | None, k: int
    ) -> str:
        if fhir is None:  # HL7: PID split in two, as when a segment is broken across lines
            control_id = line.split("\r", 1)[0].split("|")[9]
            self._note(path, control_id, "PID", BROKEN_PID, None)
            return line.replace("\rPID|1|", "\rPID|1|\r", 1)
        column, kind, pattern = fhir[k]
        ref = FHIR_REF.match(line)
        match = re.search(pattern, line)
        if ref is None or match is None:
            return line
        edited = _fhir_edit(kind, match)
        self._note(path, f"{ref.group(1)}/{ref.group(2)}", column, kind, edited)
        return line[: match.start()] + edited + line[match.end() :]

    def write(self, folder: Path) -> dict[str, int]:
        """truth/planted_errors.parquet: one row per planted error."""
        table = pa.table(
            {c: pa.array([f[i] for f in self.found], pa.string()) for i, c in enumerate(COLUMNS)}
        )
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / "planted_errors.parquet", compression="zstd")
        return {"truth/planted_errors.parquet": table.num_rows}

    @staticmethod
    def write_none(folder: Path) -> dict[str, int]:
        """An empty planted_errors.parquet for a region generated without errors."""
        return Flaws(0, folder).write(folder)

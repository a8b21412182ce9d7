"""Code lists a measure looks for, and how codes in members' records are matched against them.

A code list is either a vendored eCQM value set (by OID) or a few direct codes with the public
source they come from (a CQL direct-reference code, a CPT Category II code, a revenue code).
Codes are compared normalised: code systems by short name, CPT and HCPCS as one system (HCPCS
Level I is CPT), codes in upper case without dots (ICD-10 "E11.9" and claims' "E119" match).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import ibis.expr.types as ir
import pyarrow as pa

from commontable.measures import valuesets

# Source spellings of code systems -> the short name compared (the contracts' code types first).
SYSTEM_ALIASES = {
    "cpt": "hcpcs",
    "cpt-4": "hcpcs",
    "cpt4": "hcpcs",
    "hcpcs": "hcpcs",
    "snomed": "snomed-ct",
    "snomedct": "snomed-ct",
    "sct": "snomed-ct",
    "icd10cm": "icd-10-cm",
    "icd-10": "icd-10-cm",
    "icd10pcs": "icd-10-pcs",
    "lnc": "loinc",
}


def system_name(system: str) -> str:
    """The short name a code system is compared by: a FHIR URI, a short name or an alias."""
    short = valuesets.SYSTEMS.get(system, system).strip().lower()
    return SYSTEM_ALIASES.get(short, short)


def code_value(code: str) -> str:
    """A code as compared: trimmed, upper case, without dots."""
    return code.strip().upper().replace(".", "")


def system_of(column: ir.StringValue) -> ir.StringValue:
    """`system_name` as an expression over a column of code types.

    Expressions do not trim: intake stored every text value trimmed (and Ibis' `strip` on
    Spark also removes the letters f and v, its escapes read as plain letters there).
    """
    low = column.lower()
    return low.substitute(SYSTEM_ALIASES, else_=low)


def code_of(column: ir.StringValue) -> ir.StringValue:
    """`code_value` as an expression over a column of codes."""
    return column.upper().replace(".", "")


@dataclass(frozen=True)
class CodeList:
    """Codes one criterion looks for, as (system short name, code), with where they come from."""

    id: str
    title: str
    codes: tuple[tuple[str, str], ...]
    source: str


@cache
def valueset(oid: str) -> CodeList:
    """A vendored eCQM value set by OID (its expansion as CMS/NLM VSAC published it)."""
    found = valuesets.find(oid)
    pairs = tuple(sorted({(system_name(s), code_value(c)) for s, c in valuesets.codes(oid)}))
    return CodeList(found.oid, found.title, pairs, found.url)


def direct(title: str, system: str, codes: Iterable[str], source: str) -> CodeList:
    """Direct codes (not a value set), e.g. a CQL direct-reference code or CPT Category II codes."""
    pairs = tuple(sorted({(system_name(system), code_value(c)) for c in codes}))
    return CodeList(f"direct:{title}", title, pairs, source)


def concept_rows(lists: Iterable[CodeList]) -> pa.Table:
    """One row per (code list, system, code): the table records are coded against."""
    rows = {(cl.id, system, code) for cl in lists for system, code in cl.codes}
    ordered = sorted(rows)
    return pa.table(
        {
            "codelist": pa.array([r[0] for r in ordered], pa.string()),
            "system": pa.array([r[1] for r in ordered], pa.string()),
            "code": pa.array([r[2] for r in ordered], pa.string()),
        }
    )

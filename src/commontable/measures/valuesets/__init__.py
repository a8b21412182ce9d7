"""The eCQM value set codes the measures need, shipped with the package (CC0 eCQM content).

Vendored by `scripts/vendor_valuesets.py`; each value set keeps its OID, version and source.

Example:
    >>> from commontable.measures.valuesets import codes
    >>> ("http://loinc.org", "4548-4") in codes("HbA1c Laboratory Test")
    True
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Short names for the FHIR code system URIs the value sets use.
SYSTEMS = {
    "http://loinc.org": "loinc",
    "http://snomed.info/sct": "snomed-ct",
    "http://hl7.org/fhir/sid/icd-10-cm": "icd-10-cm",
    "http://www.cms.gov/Medicare/Coding/ICD10": "icd-10-pcs",
    "http://www.ama-assn.org/go/cpt": "cpt",
    "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets": "hcpcs",
    "http://www.nlm.nih.gov/research/umls/hcpcs": "hcpcs",  # VSAC's URI for HCPCS Level II
    "http://www.nlm.nih.gov/research/umls/rxnorm": "rxnorm",
    "http://hl7.org/fhir/sid/cvx": "cvx",
}


@dataclass(frozen=True)
class ValueSet:
    """One vendored value set: identity, provenance and its codes as (system URI, code)."""

    oid: str
    name: str
    title: str
    version: str
    url: str
    measures: tuple[str, ...]
    source: str


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__ or __name__).joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def valuesets() -> dict[str, ValueSet]:
    """Every vendored value set by OID."""
    return {
        row["oid"]: ValueSet(
            row["oid"],
            row["name"],
            row["title"],
            row["version"],
            row["url"],
            tuple(row["measures"].split()),
            row["source"],
        )  # fmt: skip
        for row in _rows("valuesets.csv")
    }


@cache
def _codes() -> dict[str, list[tuple[str, str, str]]]:
    found: dict[str, list[tuple[str, str, str]]] = {}
    for row in _rows("codes.csv"):
        found.setdefault(row["oid"], []).append((row["code_system"], row["code"], row["display"]))
    return found


def find(oid_or_name: str) -> ValueSet:
    """A value set by OID, name or title (case-insensitive); KeyError when none matches."""
    sets = valuesets()
    if oid_or_name in sets:
        return sets[oid_or_name]
    wanted = oid_or_name.casefold()
    for valueset in sets.values():
        if wanted in (valueset.name.casefold(), valueset.title.casefold()):
            return valueset
    raise KeyError(f"no vendored value set named {oid_or_name!r}")


def codes(oid_or_name: str, system: str | None = None) -> list[tuple[str, str]]:
    """(system URI, code) of a value set, optionally of one system (URI or short name)."""
    return [(s, c) for s, c, _ in concepts(oid_or_name, system)]


def concepts(oid_or_name: str, system: str | None = None) -> list[tuple[str, str, str]]:
    """(system URI, code, display) of a value set, optionally of one system."""
    found = _codes().get(find(oid_or_name).oid, [])
    if system is None:
        return list(found)
    return [row for row in found if system in (row[0], SYSTEMS.get(row[0]))]


__all__ = ["SYSTEMS", "ValueSet", "codes", "concepts", "find", "valuesets"]

"""Code lists of the claims-based measures, shipped as CSV files under `data/` with their sources.

Each row is (list, system, code, match, description, source); `match` is "exact" or "prefix"
(every code starting with it: an ICD-10 category, an ICD-10-PCS table). They are matched
against claims' principal and secondary codes directly (data/README.md tells where each list
comes from and which are representative subsets).

Example:
    >>> ClaimCodes.named("pqi.csv", "ACDIAUD").exact
    ('E10649', 'E1065', 'E11649', 'E1165')
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

import ibis
import ibis.expr.types as ir

from commontable.measures.codes import code_of, code_value

DATA = "data"
EXACT, PREFIX = "exact", "prefix"


@dataclass(frozen=True)
class ClaimCodes:
    """One named list: exact codes and code prefixes of one code system, with its source."""

    name: str
    system: str
    exact: tuple[str, ...]
    prefixes: tuple[str, ...]
    source: str

    @staticmethod
    def named(file: str, name: str) -> ClaimCodes:
        """A list by file and name; KeyError when the file has no such list."""
        return _lists(file)[name]

    def matches(self, code: ir.StringValue) -> ir.BooleanValue:
        """True where a code column holds one of the list's codes (dots and case ignored)."""
        value = code_of(code)
        test: ir.BooleanValue = value.isin(self.exact) if self.exact else ibis.literal(False)
        by_length: dict[int, list[str]] = defaultdict(list)
        for prefix in self.prefixes:
            by_length[len(prefix)].append(prefix)
        for length, prefixes in sorted(by_length.items()):
            test = test | value.substr(0, length).isin(prefixes)
        return test.fill_null(False)


@cache
def _lists(file: str) -> dict[str, ClaimCodes]:
    text = resources.files(__package__ or __name__).joinpath(DATA, file).read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: {EXACT: [], PREFIX: []})
    meta: dict[str, tuple[str, str]] = {}
    for row in rows:
        found[row["list"]][row["match"]].append(code_value(row["code"]))
        meta.setdefault(row["list"], (row["system"], row["source"]))
    return {
        name: ClaimCodes(
            name,
            meta[name][0],
            tuple(dict.fromkeys(codes[EXACT])),
            tuple(dict.fromkeys(codes[PREFIX])),
            meta[name][1],
        )
        for name, codes in found.items()
    }

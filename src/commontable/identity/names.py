"""Name forms for matching: nickname groups (BOB ~ ROBERT) and Soundex, as engine expressions."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import ibis
import ibis.expr.types as ir
import pyarrow as pa


@cache
def nickname_forms() -> pa.Table:
    """name -> the formal names it stands for (ROBERT -> [ROBERT], CHRIS -> [CHRISTINE, ...])."""
    text = resources.files("commontable.identity").joinpath("data/nicknames.csv").read_text()
    lines = (line for line in text.splitlines() if line and not line.startswith("#"))
    forms: dict[str, set[str]] = {}
    for row in csv.DictReader(lines):
        formal = row["name"].strip().upper()
        forms.setdefault(formal, set()).add(formal)
        for nickname in row["nicknames"].split():
            forms.setdefault(nickname.upper(), set()).add(formal)
    names = sorted(forms)
    return pa.table(
        {"name": names, "forms": [sorted(forms[n]) for n in names]},
        schema=pa.schema([("name", pa.string()), ("forms", pa.list_(pa.string()))]),
    )


def with_name_forms(records: ir.Table, column: str = "first_name") -> ir.Table:
    """Add `<column>_forms`: the formal names a given name may stand for (itself when unknown).

    Two records share a person's given name when their forms intersect: BOB and ROBERT both
    hold ROBERT; CHRIS holds CHRISTINA, CHRISTINE and CHRISTOPHER.
    """
    lookup = ibis.memtable(nickname_forms()).rename(_name="name", _forms="forms")
    joined = records.left_join(lookup, records[column] == lookup._name)
    forms = ibis.ifelse(
        joined[column].isnull(),
        ibis.null("array<string>"),
        joined._forms.coalesce(ibis.array([joined[column]])),
    )
    return joined.mutate(**{f"{column}_forms": forms}).drop("_name", "_forms")


# Soundex codes (US National Archives, "The Soundex Indexing System", 2007 revision).
_SOUNDEX_DIGITS = (("[BFPV]", "1"), ("[CGJKQSXZ]", "2"), ("[DT]", "3"), ("L", "4"), ("[MN]", "5"))


def soundex(name: ir.StringValue) -> ir.StringValue:
    """American Soundex of an upper-case name (ROBERT -> R163), built from regular expressions.

    Letters become digit classes, vowels (and Y) separate equal codes, H and W do not; runs of
    one code collapse; the first letter is kept as a letter. Runs on DuckDB and Spark alike.
    """
    letters = name.re_replace(r"[^A-Z]", "")
    codes = letters.re_replace(r"[HW]", "")
    for pattern, digit in (*_SOUNDEX_DIGITS, ("R", "6"), ("[AEIOUY]", "0")):
        codes = codes.re_replace(pattern, digit)
    for digit in "123456":
        codes = codes.re_replace(f"{digit}{{2,}}", digit)
    # H and W between two equal codes do not separate them, so they were removed before
    # collapsing; the first letter's own code is dropped after collapsing (PFISTER -> P236).
    first = letters.substr(0, 1)
    tail = ibis.ifelse(first.isin(["H", "W"]), codes, codes.substr(1))
    code = first.concat(tail.re_replace("0", "").rpad(3, "0").substr(0, 3))
    return ibis.ifelse(letters.length() > 0, code, ibis.null(str))

"""The person fields a file can map to, and their normalisation (in the engine, no row loops)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from commontable.errors import UserError
from commontable.identity.names import soundex, with_name_forms

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "address",
    "address_2",
    "city",
    "state",
    "zip",
    "phone",
    "ssn",
)
NAMES = {"first_name", "last_name"}
TEXTS = {"address", "address_2", "city", "state"}
DIGITS = {"zip", "phone", "ssn"}


def check_fields(mapping: dict[str, list[str]]) -> None:
    """Refuse person fields we do not know."""
    unknown = sorted(set(mapping) - set(PERSON_FIELDS))
    if unknown:
        raise UserError(
            f"unknown person field(s) {', '.join(unknown)} in --map; "
            f"use one of: {', '.join(PERSON_FIELDS)}"
        )


def check_mapping(columns: list[str], mapping: dict[str, list[str]], id_column: str) -> None:
    """Refuse unknown person fields and source columns the file does not have."""
    check_fields(mapping)
    missing = sorted({c for cols in mapping.values() for c in cols} - set(columns))
    if id_column not in columns:
        missing = [id_column, *missing]
    if missing:
        raise UserError(
            f"column(s) {', '.join(missing)} not in the file; its columns are: {', '.join(columns)}"
        )


def trim(value: ir.StringValue) -> ir.StringValue:
    """Leading and trailing whitespace removed (Ibis's strip() mis-compiles on Spark)."""
    return value.re_replace(r"^\s+|\s+$", "")


def _blank_to_null(value: ir.StringValue) -> ir.StringValue:
    return trim(value).nullif("")


def _name(value: ir.StringValue) -> ir.StringValue:
    # Hyphens become spaces (SMITH-JONES), other punctuation goes (O'BRIEN -> OBRIEN).
    spaced = value.upper().re_replace(r"[-_/]", " ").re_replace(r"[^A-Z ]", "")
    return _blank_to_null(spaced.re_replace(r" +", " "))


def _text(value: ir.StringValue) -> ir.StringValue:
    return _blank_to_null(value.upper().re_replace(r"[^A-Z0-9]+", " "))


def _digits(value: ir.StringValue) -> ir.StringValue:
    return _blank_to_null(value.re_replace(r"[^0-9]", ""))


def _sex(value: ir.StringValue) -> ir.StringValue:
    first = trim(value).upper().substr(0, 1)
    return first.isin(["M", "F"]).ifelse(first, ibis.null(str))


def _birth_date(value: ir.StringValue) -> ir.StringValue:
    """YYYYMMDD, YYYY-MM-DD or MM/DD/YYYY to ISO YYYY-MM-DD; anything else (or no such day) null."""
    s = trim(value)
    compact, iso, us = (
        r"^(\d{4})(\d{2})(\d{2})$",
        r"^(\d{4})-(\d{1,2})-(\d{1,2})$",
        r"^(\d{1,2})/(\d{1,2})/(\d{4})$",
    )

    def part(compact_i: int, iso_i: int, us_i: int) -> ir.StringValue:
        return ibis.cases(
            (s.re_search(compact), s.re_extract(compact, compact_i)),
            (s.re_search(iso), s.re_extract(iso, iso_i)),
            (s.re_search(us), s.re_extract(us, us_i)),
            else_=ibis.null(str),
        )

    year, month, day = part(1, 1, 3), part(2, 2, 1), part(3, 3, 2)
    text = year.concat("-", month.lpad(2, "0"), "-", day.lpad(2, "0"))
    return text.try_cast("date").cast("string")


_NORMALISE = {
    "birth_date": _birth_date,
    "sex": _sex,
    **{f: _name for f in NAMES},
    **{f: _text for f in TEXTS},
    **{f: _digits for f in DIGITS},
}


def normalised(fields: dict[str, ir.StringValue]) -> dict[str, ir.Value]:
    """Each person field in the form the model compares (upper-case names, digits, ISO dates)."""
    return {field: _NORMALISE[field](value) for field, value in fields.items()}


def with_name_keys(people: ir.Table) -> ir.Table:
    """Add the name forms the model compares: nickname groups of the given name, surname Soundex."""
    if "last_name" in people.columns:
        people = people.mutate(last_name_soundex=soundex(people.last_name))
    if "first_name" in people.columns:
        people = with_name_forms(people, "first_name")
    return people


def person_table(
    raw: ir.Table, id_column: str, mapping: dict[str, list[str]], source: str
) -> ir.Table:
    """record_id, source and each mapped person field, normalised; columns of one field join."""
    check_mapping(list(raw.columns), mapping, id_column)
    fields: dict[str, ir.StringValue] = {}
    for field, columns in mapping.items():
        parts = [_blank_to_null(raw[c].cast("string")) for c in columns]
        fields[field] = parts[0] if len(parts) == 1 else ibis.literal(" ").join(parts)
    people = raw.select(
        record_id=trim(raw[id_column].cast("string")),
        source=ibis.literal(source),
        **normalised(fields),
    )
    return with_name_keys(people)


def parse_mapping(text: str) -> dict[str, list[str]]:
    """Parse 'SOURCE_COL=FIELD,SOURCE_COL2=FIELD' into {field: [source columns]} in order."""
    mapping: dict[str, list[str]] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        column, sep, field = item.partition("=")
        if not sep or not column.strip() or not field.strip():
            raise UserError(f"--map item '{item}' should look like SOURCE_COLUMN=FIELD")
        mapping.setdefault(field.strip(), []).append(column.strip())
    if not mapping:
        raise UserError("--map is empty; give SOURCE_COLUMN=FIELD pairs separated by commas")
    check_fields(mapping)
    return mapping

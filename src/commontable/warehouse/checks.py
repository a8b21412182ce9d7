"""Per-column rules as Ibis expressions: a column's clean typed value and why a value is refused."""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from commontable.warehouse.contracts import Column
from commontable.warehouse.contracts.codes import CodeSystem
from commontable.warehouse.schema import TYPES

DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIMESTAMP = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)?$"
INTEGER = r"^[+-]?[0-9]{1,18}$"
DECIMAL = r"^[+-]?[0-9]{1,15}(\.[0-9]+)?$"
TRUE_WORDS = ("true", "t", "yes", "y", "1")
BOOLEAN_WORDS = (*TRUE_WORDS, "false", "f", "no", "n", "0")
EARLIEST, LATEST = "1900-01-01", "2100-12-31"


@dataclass(frozen=True)
class Checked:
    """A column after checking: the typed value to store and the reason it was refused, if any."""

    value: ir.Value
    error: ir.StringValue


def _reason(*cases: tuple[ir.BooleanValue, str | ir.StringValue]) -> ir.StringValue:
    return ibis.cases(*cases, else_=ibis.null(str))


def _text(raw: ir.StringValue) -> ir.StringValue:
    return raw.nullif("")  # surrounding white space was trimmed in Arrow before staging


def _normalise_code(text: ir.StringValue, system: CodeSystem) -> ir.StringValue:
    code = text.upper()
    for char in system.strip:
        code = code.replace(char, "")
    return code


def npi_check_digit_ok(npi: ir.StringValue) -> ir.BooleanValue:
    """CMS NPI check digit: Luhn over the 9 digits with the constant 24 for the prefix 80840."""
    total: ir.IntegerValue = ibis.literal(24)
    for position in range(9):
        digit = npi.substr(position, 1).try_cast("int64")
        if position % 2 == 0:  # from the right of the 9-digit base, every other digit doubles
            doubled = digit * 2
            digit = doubled - ibis.cases((doubled > 9, 9), else_=0)
        total = total + digit
    check = npi.substr(9, 1).try_cast("int64")
    return ((10 - total % 10) % 10) == check


def check_column(raw: ir.StringValue, column: Column, unknown: list[str] | None = None) -> Checked:
    """Check one text column against its contract rule.

    `unknown` lists normalised values already found missing from the code system's reference
    list (computed once per batch, since the list is too large to inline).
    """
    text = _text(raw)
    missing = (text.isnull(), "required value is missing") if column.required else None
    too_long = (
        text.length() > column.max_length,
        "value is "
        + text.length().cast("string")
        + f" characters; the limit is {column.max_length}",
    )
    value, problems = _typed(text, column, unknown)
    cases = [c for c in (missing, too_long) if c is not None] + problems
    return Checked(value=value, error=_reason(*cases))


def _typed(
    text: ir.StringValue, column: Column, unknown: list[str] | None
) -> tuple[ir.Value, list[tuple[ir.BooleanValue, str | ir.StringValue]]]:
    present = text.notnull()
    kind = column.type
    if kind == "date":
        value = text.try_cast("date")
        return value, [
            (present & ~text.re_search(DATE), "not a date: write it as YYYY-MM-DD"),
            (present & value.isnull(), "not a real calendar date"),
            (present & ((value < ibis.date(EARLIEST)) | (value > ibis.date(LATEST))),
             f"date is outside {EARLIEST[:4]}-{LATEST[:4]}"),
        ]  # fmt: skip
    if kind == "timestamp":
        iso = text.replace("T", " ")
        iso = ibis.cases((iso.length() == 10, iso + " 00:00:00"), else_=iso)
        value = iso.try_cast("timestamp")
        return value, [
            (present & ~text.re_search(TIMESTAMP), "not a date-time: write YYYY-MM-DD HH:MM:SS"),
            (present & value.isnull(), "not a real date-time"),
        ]
    if kind == "integer":
        value = text.try_cast("int64")
        return value, [(present & ~text.re_search(INTEGER), "not a whole number")]
    if kind == "decimal":
        value = text.try_cast(TYPES["decimal"])
        return value, [
            (present & ~text.re_search(DECIMAL), "not a number: use digits and a point, no $ or ,")
        ]
    if kind == "boolean":
        word = text.lower()
        value = ibis.cases((present, word.isin(TRUE_WORDS)), else_=ibis.null(bool))
        return value, [(present & ~word.isin(BOOLEAN_WORDS), "not true or false")]
    return _string(text, column, unknown)


def _string(
    text: ir.StringValue, column: Column, unknown: list[str] | None
) -> tuple[ir.Value, list[tuple[ir.BooleanValue, str | ir.StringValue]]]:
    present = text.notnull()
    problems: list[tuple[ir.BooleanValue, str | ir.StringValue]] = []
    value = text
    if column.allowed:
        if all(v == v.lower() for v in column.allowed):
            value = text.lower()
        elif all(v == v.upper() for v in column.allowed):
            value = text.upper()
        shown = ", ".join(column.allowed)
        problems.append((present & ~value.isin(column.allowed), f"not one of: {shown}"))
    system = column.code_system
    if system:
        value = _normalise_code(text, system)
        label = system.name if system.name.lower().endswith("code") else f"{system.name} code"
        hint = f" ({system.hint})" if system.hint else ""
        problems.append((present & ~value.re_search(system.pattern), f"not a valid {label}{hint}"))
        if system.codes:
            problems.append((present & ~value.isin(sorted(system.codes)), f"unknown {label}"))
        if system.check == "npi_luhn":
            problems.append((present & ~npi_check_digit_ok(value), "NPI check digit is wrong"))
        if unknown:
            problems.append((value.isin(unknown), f"unknown {label}"))
    return value, problems

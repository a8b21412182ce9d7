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
class Refused:
    """Values of a column already refused on the batch's distinct values, once per batch:
    missing from a reference list too large to inline, or failing a check digit."""

    unknown: list[str] | None = None
    # None: not checked beforehand, so the check digit rule runs on every row
    wrong_check_digit: list[str] | None = None


@dataclass(frozen=True)
class Checked:
    """A column after checking: the typed value to store and the reason it was refused, if any."""

    value: ir.Value
    error: ir.StringValue


def _reason(*cases: tuple[ir.BooleanValue, str | ir.StringValue]) -> ir.StringValue:
    return ibis.cases(*cases, else_=ibis.null(str))


def _text(raw: ir.StringValue) -> ir.StringValue:
    return raw.nullif("")  # surrounding white space was trimmed in Arrow by `read_files`


def _normalise_code(text: ir.StringValue, system: CodeSystem) -> ir.StringValue:
    code = text.upper()
    for char in system.strip:
        code = code.replace(char, "")
    return code


def npi_check_digit_ok(npi: ir.StringValue) -> ir.BooleanValue:
    """CMS NPI check digit: Luhn over the 9 digits with the constant 24 for the prefix 80840.

    For a value of 10 ASCII digits (the NPI pattern, checked first); its digits are taken by
    integer arithmetic, which costs a fraction of cutting the text ten times.
    """
    number = npi.try_cast("int64")
    total: ir.IntegerValue = ibis.literal(24)
    for position in range(9):
        digit = (number // 10 ** (9 - position)) % 10
        if position % 2 == 0:  # from the right of the 9-digit base, every other digit doubles
            doubled = digit * 2
            digit = doubled - ibis.cases((doubled > 9, 9), else_=0)
        total = total + digit
    return ((10 - total % 10) % 10) == number % 10


def check_column(raw: ir.StringValue, column: Column, refused: Refused | None = None) -> Checked:
    """Check one text column against its contract rule.

    `refused` holds normalised values already found wrong on the batch's distinct values.
    """
    text = _text(raw)
    missing = (text.isnull(), "required value is missing") if column.required else None
    too_long = (
        text.length() > column.max_length,
        "value is "
        + text.length().cast("string")
        + f" characters; the limit is {column.max_length}",
    )
    value, problems = _typed(text, column, refused or Refused())
    cases = [c for c in (missing, too_long) if c is not None] + problems
    return Checked(value=value, error=_reason(*cases))


def typed_value(raw: ir.StringValue, column: Column) -> ir.Value:
    """A column's clean typed value alone, as a good row stores it."""
    return _typed(_text(raw), column, Refused())[0]


def _typed(
    text: ir.StringValue, column: Column, refused: Refused
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
    return _string(text, column, refused)


def _string(
    text: ir.StringValue, column: Column, refused: Refused
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
            wrong = refused.wrong_check_digit
            if wrong is None:
                problems.append((present & ~npi_check_digit_ok(value), "NPI check digit is wrong"))
            elif wrong:
                problems.append((present & value.isin(wrong), "NPI check digit is wrong"))
        if refused.unknown:
            problems.append((value.isin(refused.unknown), f"unknown {label}"))
    return value, problems

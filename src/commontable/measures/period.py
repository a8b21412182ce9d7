"""The measurement period, and ages and dates measured against it, as Ibis expressions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir

from commontable.errors import UserError

FIRST_YEAR, LAST_YEAR = 1990, 2100


@dataclass(frozen=True)
class Period:
    """A calendar-year measurement period, 1 January to 31 December (CMS eCQMs, 2025 onwards).

    Example:
        >>> Period(2025).start, Period(2025).end
        (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    """

    year: int

    def __post_init__(self) -> None:
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise UserError(f"--period {self.year} is not a measurement year (e.g. 2025)")

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def years_before(self, years: int) -> date:
        """The same first day, `years` earlier: `start of "Measurement Period" - 1 year` in CQL."""
        return date(self.year - years, 1, 1)


def day(value: date) -> ir.DateScalar:
    """A date literal the engine compares with date columns."""
    return ibis.literal(value, type="date")


def age_at(birth_date: ir.DateValue, on: date) -> ir.IntegerValue:
    """Age in whole years on a date: CQL `AgeInYearsAt(date)`, birthdays counted on the day."""
    before_birthday = (birth_date.month() > on.month) | (
        (birth_date.month() == on.month) & (birth_date.day() > on.day)
    )
    return (on.year - birth_date.year() - before_birthday.cast("int64")).cast("int64")


def overlaps(start: ir.DateValue, end: ir.DateValue, first: date, last: date) -> ir.BooleanValue:
    """True where [start, end] (a null end: still going) shares a day with [first, last]."""
    return (start <= day(last)) & (end.isnull() | (end >= day(first)))


def during(when: ir.DateValue, first: date, last: date) -> ir.BooleanValue:
    """True where a date falls in [first, last]."""
    return (when >= day(first)) & (when <= day(last))


def prevalent(start: ir.DateValue, end: ir.DateValue, first: date, last: date) -> ir.BooleanValue:
    """A condition's prevalence shares a day with [first, last] (null start: since ever)."""
    return (start.isnull() | (start <= day(last))) & (end.isnull() | (end >= day(first)))


def age_on(birth_date: ir.DateValue, when: ir.DateValue) -> ir.IntegerValue:
    """`age_at` for a date column: age in whole years on each row's date (e.g. an admission)."""
    before_birthday = (birth_date.month() > when.month()) | (
        (birth_date.month() == when.month()) & (birth_date.day() > when.day())
    )
    return (when.year() - birth_date.year() - before_birthday.cast("int64")).cast("int64")


def days_after(when: ir.DateValue, days: int) -> ir.DateValue:
    """The date `days` days after a date column (before it when negative)."""
    return when + ibis.interval(days=days)

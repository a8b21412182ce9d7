"""Member-years and member-months: the exposure of rates and costs, from eligibility spans."""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from commontable.measures.period import day
from commontable.measures.records import Records


def _covered_days(records: Records, first: ir.DateValue, last: ir.DateValue) -> ir.Table:
    """person_id, days: days covered between two per-person dates (capped at the period's length).

    Overlapping spans (two plans at once) are not counted twice: a person's days are capped.
    """
    period = records.period
    persons = records.persons.select("person_id", _first=first, _last=last)
    spans = records.coverage.join(persons, "person_id")
    start = ibis.greatest(spans.enrollment_start_date, spans._first)
    end = ibis.least(spans.enrollment_end_date.fill_null(spans._last), spans._last)
    covered = spans.select("person_id", days=(end.delta(start, unit="day") + 1).clip(lower=0))
    per_person = covered.group_by("person_id").aggregate(days=covered.days.sum())
    return per_person.select("person_id", days=ibis.least(per_person.days, period.days))


def member_years(records: Records) -> ir.Table:
    """person_id, member_years: days covered in the period over the days of the period."""
    return member_years_aged(records)


def _birthday(birth_date: ir.DateValue, age: int) -> ir.DateValue:
    """The day a person turns `age`; born on 29 February: 1 March (as `period.age_at` counts)."""
    leap_day = (birth_date.month() == 2) & (birth_date.day() == 29)
    year = birth_date.year() + age
    return ibis.ifelse(
        leap_day,
        ibis.date(year, 3, 1),
        ibis.date(year, birth_date.month(), birth_date.day()),
    )


def member_years_aged(
    records: Records, low: int | None = None, high: int | None = None
) -> ir.Table:
    """person_id, member_years: days covered in the period while aged `low` to `high` (inclusive,
    either open), over the days of the period, e.g. adults' exposure for the AHRQ PQIs."""
    period = records.period
    birth = records.persons.birth_date
    first: ir.DateValue = day(period.start)
    last: ir.DateValue = day(period.end)
    if low is not None:
        first = ibis.greatest(first, _birthday(birth, low))
    if high is not None:
        last = ibis.least(last, _birthday(birth, high + 1) - ibis.interval(days=1))
    covered = _covered_days(records, first, last)
    return covered.select("person_id", member_years=covered.days.cast("float64") / period.days)


def member_months(records: Records) -> ir.Table:
    """person_id, member_months: months of the period with at least one day of coverage.

    A partly covered month counts whole, as the Tuva Project counts member months
    (docs: "Enrollment and Member Months", thetuvaproject.com); two plans in one month count once.
    """
    year = records.period.year
    table = ibis.memtable(
        {
            "month": list(range(1, 13)),
            "month_start": [date(year, m, 1) for m in range(1, 13)],
            "next_month": [date(year + (m == 12), m % 12 + 1, 1) for m in range(1, 13)],
        }
    )
    spans = records.coverage
    both = spans.cross_join(table)
    covered = both.filter(
        (both.enrollment_start_date < both.next_month)
        & (both.enrollment_end_date.isnull() | (both.enrollment_end_date >= both.month_start))
    )
    distinct = covered.select("person_id", "month").distinct()
    return distinct.group_by("person_id").aggregate(member_months=distinct.count().cast("float64"))

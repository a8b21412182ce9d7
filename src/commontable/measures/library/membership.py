"""Member-years: the exposure of a rate per 1,000, from eligibility spans in the period."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from commontable.measures.period import day
from commontable.measures.records import Records


def member_years(records: Records) -> ir.Table:
    """person_id, member_years: days covered in the period over the days of the period.

    Overlapping spans (two plans at once) are not counted twice: a person's days are capped at
    the period's length.
    """
    period = records.period
    first, last = day(period.start), day(period.end)
    spans = records.coverage
    spans = spans.filter(
        (spans.enrollment_start_date <= last)
        & (spans.enrollment_end_date.isnull() | (spans.enrollment_end_date >= first))
    )
    start = ibis.greatest(spans.enrollment_start_date, first)
    end = ibis.least(spans.enrollment_end_date.fill_null(last), last)
    covered = spans.select("person_id", days=end.delta(start, unit="day") + 1)
    per_person = covered.group_by("person_id").aggregate(days=covered.days.sum())
    return per_person.select(
        "person_id",
        member_years=ibis.least(per_person.days, period.days).cast("float64") / period.days,
    )

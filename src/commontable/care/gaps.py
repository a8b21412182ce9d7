"""Care gaps: the people of an organization's attributed population who are in a measure's
denominator and do not meet it (no mammogram, blood pressure not controlled, no follow-up
within 7 days of a discharge), by the latest run of each measure, with the reason and the day
the gap was first seen open. Written beside the measures after every run (`refresh_gaps`);
read by the care team's work list, its own organization's only.

Which measures make gaps: proportions of people, and proportions of events where more is
better (a discharge without follow-up); not rates, costs, or events that already went wrong
(a readmission). A gap is the numerator not met (more is better) or met (less is better:
HbA1c above 9%), the denominator exclusions and exceptions aside.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir

from commontable.measures import MEASURES, Measure
from commontable.warehouse import Tables, Warehouse

PAGE_SIZE = 50
ENTITIES = ("clinic", "medical_group", "health_plan")  # whom a person is attributed to


def gap_measures() -> list[Measure]:
    """The library's measures whose unmet denominators are care gaps."""
    return [
        m
        for m in MEASURES.values()
        if m.care_gaps and m.type == "proportion" and (m.unit == "person" or m.higher_is_better)
    ]


def reason(measure: Measure) -> str:
    """What is open, in a care team's words."""
    if measure.higher_is_better:
        return f"{measure.title}: not met"
    return f"{measure.title}: met, and less is better"


def open_gaps(warehouse: Warehouse, today: date) -> ir.Table:
    """Every open gap by the latest period of each measure; a gap already open keeps the day it
    opened, a new one opens `today`."""
    measures = gap_measures()
    rules = ibis.memtable(
        {
            "measure_id": [m.id for m in measures],
            "_better": [m.higher_is_better for m in measures],
            "reason": [reason(m) for m in measures],
        }
    )
    patients = warehouse.table("measure_patient")
    latest = patients.group_by("measure_id").agg(_latest=patients.period.max())
    rows = patients.join(latest, "measure_id").join(rules, "measure_id")
    rows = rows.filter(
        (rows.period == rows._latest)
        & rows.denominator.fill_null(False)
        & ~rows.denominator_exclusion.fill_null(False)
        & ~rows.denominator_exception.fill_null(False)
        & (rows.numerator.fill_null(False) != rows._better)
    )
    gaps = rows.select(
        "person_id", "measure_id", "period", "event_id", "event_date", *ENTITIES, "reason",
    )  # fmt: skip
    before = warehouse.table("care_gap").select(
        "person_id", "measure_id", "period", _event=ibis.coalesce(ibis._.event_id, ""),
        _opened=ibis._.opened_on,
    )  # fmt: skip
    keyed = gaps.mutate(_event=ibis.coalesce(gaps.event_id, ""))
    joined = keyed.left_join(before, ["person_id", "measure_id", "period", "_event"])
    return joined.select(
        *gaps.columns, opened_on=ibis.coalesce(joined._opened, ibis.literal(today))
    )


def refresh_gaps(warehouse: Warehouse, today: date | None = None) -> int:
    """Write the open gaps after a measure run; how many there are."""
    gaps = open_gaps(warehouse, today or date.today()).to_pyarrow()
    warehouse.replace({"care_gap": gaps})
    return gaps.num_rows


@dataclass(frozen=True)
class Gap:
    person_id: str
    measure_id: str
    period: int
    reason: str
    event_date: date | None
    opened_on: date
    attributed_as: str  # clinic, medical group or health plan


def _of(tables: Tables, roster_id: str, measure: str | None) -> ir.Table:
    gaps = tables.table("care_gap")
    mine = gaps.filter(ibis.or_(*[gaps[entity] == roster_id for entity in ENTITIES]))
    if measure:
        mine = mine.filter(mine.measure_id == measure)
    return mine.mutate(
        attributed_as=ibis.cases(
            *[(mine[e] == roster_id, e.replace("_", " ")) for e in ENTITIES], else_=""
        )
    )


def gaps_of(
    tables: Tables, roster_id: str, measure: str | None = None, page: int = 1
) -> tuple[list[Gap], int]:
    """A page of an organization's open gaps (oldest open first) and how many there are."""
    mine = _of(tables, roster_id, measure)
    total = int(mine.count().execute())
    ordered = mine.order_by(["opened_on", "measure_id", "person_id"])
    rows = ordered.limit(PAGE_SIZE, offset=(page - 1) * PAGE_SIZE).to_pyarrow().to_pylist()
    return [_gap(row) for row in rows], total


def _gap(row: dict[str, object]) -> Gap:
    return Gap(
        person_id=str(row["person_id"]),
        measure_id=str(row["measure_id"]),
        period=int(str(row["period"])),
        reason=str(row["reason"]),
        event_date=row["event_date"] if isinstance(row["event_date"], date) else None,
        opened_on=row["opened_on"] if isinstance(row["opened_on"], date) else date.min,
        attributed_as=str(row["attributed_as"]),
    )


def gap_counts(tables: Tables, roster_id: str) -> dict[str, int]:
    """Open gaps per measure, for the filter."""
    mine = _of(tables, roster_id, None)
    counted = mine.group_by("measure_id").agg(n=mine.count()).order_by("measure_id")
    table = counted.to_pyarrow()
    return dict(zip(table["measure_id"].to_pylist(), table["n"].to_pylist(), strict=True))


CSV_COLUMNS = ("person_id", "measure_id", "period", "reason", "event_date", "opened_on",
               "attributed_as")  # fmt: skip


def gaps_csv(tables: Tables, roster_id: str, measure: str | None = None) -> tuple[str, int]:
    """Every open gap of the organization as CSV text, and how many rows."""
    rows: Iterable[dict[str, object]] = (
        _of(tables, roster_id, measure)
        .order_by(["opened_on", "measure_id", "person_id"])
        .select(*CSV_COLUMNS)
        .to_pyarrow()
        .to_pylist()
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return out.getvalue(), count

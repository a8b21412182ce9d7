"""A goal's values by period: its measure's published results for its scope, as one reader
may see them (publishing.reader: the same rules as the results explorer and the report), or the
values staff entered for a custom measure. A blank value, like a result of too few people, is
not used to judge progress.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from commontable.plans.models import Goal
from commontable.plans.tracking import Reading
from commontable.publishing import Reader, ResultCell, read_cells

REPORTED = "reported"
ENTERED = "entered"  # a custom measure's value, typed in by staff


@dataclass(frozen=True)
class Observation:
    """One period's value as this reader may see it; `value` is None where it is blank."""

    period: int
    value: float | None
    ci_low: float | None
    ci_high: float | None
    status: str  # reported | too few | suppressed | withheld (blank for this reader) | entered
    hidden: str | None = None  # why it is blank for this reader
    own_detail: bool = False  # shown to this reader only: the public does not see it

    @property
    def usable(self) -> bool:
        """Whether progress may be judged on it: shown to this reader and reliable."""
        return self.value is not None and self.status in (REPORTED, ENTERED)

    def reading(self) -> Reading | None:
        if not self.usable or self.value is None:
            return None
        return Reading(self.period, self.value, self.ci_low, self.ci_high)


@dataclass(frozen=True)
class Series:
    """A goal's observations, oldest first, and the name its results give the scope."""

    entity_name: str | None
    observations: tuple[Observation, ...]

    def at(self, period: int) -> Observation | None:
        return next((o for o in self.observations if o.period == period), None)


def _observation(cell: ResultCell) -> Observation:
    return Observation(
        cell.period, cell.rate, cell.ci_low, cell.ci_high, cell.status, cell.hidden, cell.own_detail
    )


def series_of(session: Session, goal: Goal, reader: Reader | None) -> Series:
    """The goal's values by period, as `reader` may see them (None: the public)."""
    if goal.measure_id is None:
        entered = [Observation(v.period, v.value, None, None, ENTERED) for v in goal.values]
        return Series(None, tuple(sorted(entered, key=lambda o: o.period)))
    found = read_cells(
        session,
        reader or Reader(),
        measure_id=goal.measure_id,
        entity_type=goal.entity_type,
        entity_id=goal.entity_id,
        stratum_type=goal.stratum_type,
        stratum=goal.stratum,
    )
    cells = sorted(found, key=lambda c: c.period)
    return Series(cells[-1].entity_name if cells else None, tuple(map(_observation, cells)))

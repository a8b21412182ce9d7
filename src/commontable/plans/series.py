"""A goal's values by period: its measure's published results for its scope, as one reader
may see them, or the values staff entered for a custom measure.

A suppressed result's figures are blank unless `privacy.access.may_see_small_cells` shows
them to this reader (the same rule as the results explorer); a blank value, like a result of
too few people, is not used to judge progress.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from commontable.plans.models import Goal
from commontable.plans.tracking import Reading
from commontable.privacy.access import Principal, may_see_small_cells
from commontable.publishing.explorer import SUPPRESSED, family_of
from commontable.publishing.models import PublishedResult

REPORTED = "reported"
ENTERED = "entered"  # a custom measure's value, typed in by staff


@dataclass(frozen=True)
class Observation:
    """One period's value as this reader may see it; `value` is None where it is blank."""

    period: int
    value: float | None
    ci_low: float | None
    ci_high: float | None
    status: str  # reported | too few | suppressed (blank for this reader) | entered
    suppression: str | None = None  # why it is suppressed in public; None: it is not

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


def series_of(session: Session, goal: Goal, principal: Principal | None) -> Series:
    """The goal's values by period, as `principal` may see them (None: the public)."""
    if goal.measure_id is None:
        entered = [Observation(v.period, v.value, None, None, ENTERED) for v in goal.values]
        return Series(None, tuple(sorted(entered, key=lambda o: o.period)))
    query = (
        select(PublishedResult)
        .where(
            PublishedResult.measure_id == goal.measure_id,
            PublishedResult.entity_type == goal.entity_type,
            PublishedResult.entity_id == goal.entity_id,
            PublishedResult.stratum_type == goal.stratum_type,
            PublishedResult.stratum == goal.stratum,
        )
        .order_by(PublishedResult.period)
    )
    rows = list(session.scalars(query))
    family = family_of(session, principal)
    observations = tuple(_as_seen(row, principal, family) for row in rows)
    return Series(rows[-1].entity_name if rows else None, observations)


def _as_seen(
    row: PublishedResult, principal: Principal | None, family: frozenset[int]
) -> Observation:
    if row.suppression is not None and not may_see_small_cells(
        principal, row.organization_id, family
    ):
        return Observation(row.period, None, None, None, SUPPRESSED, row.suppression)
    return Observation(row.period, row.rate, row.ci_low, row.ci_high, row.status, row.suppression)

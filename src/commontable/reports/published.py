"""What the public report may read: published aggregates, with every suppressed cell's figures
dropped as it is read, so no later step can show them.

The report reads only the app DB's published results and member organizations; it never opens
the warehouse, so no patient-level row can reach it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commontable.errors import UserError
from commontable.members.models import Organization, OrganizationType
from commontable.publishing.models import Publication, PublishedMeasure, PublishedResult

SUPPRESSED = "suppressed"  # the status of a cell whose figures were dropped
ALL = "all"  # the stratum type (and stratum) of an entity's whole population
COLLABORATIVE = "collaborative"


@dataclass(frozen=True)
class PublicMeasure:
    """A published measure's description."""

    measure_id: str
    title: str
    type: str
    steward: str
    version: str
    source: str
    higher_is_better: bool


@dataclass(frozen=True)
class PublicCell:
    """One published result as the public may see it: a suppressed cell has no figures at all."""

    measure_id: str
    period: int
    entity_type: str
    entity_id: str
    entity_name: str
    organization_id: int | None
    stratum_type: str
    stratum: str
    suppressed: bool
    denominator: int | None
    numerator: int | None
    member_years: float | None
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    reliability: float | None
    status: str  # reported | too few | suppressed
    comparison: str | None

    @property
    def shown(self) -> bool:
        """Whether it has a rate to show (not suppressed, not empty)."""
        return not self.suppressed and self.rate is not None


@dataclass(frozen=True)
class Member:
    """A member organization, for scorecards and for who owns which clinic."""

    id: int
    name: str
    type: str
    parent_id: int | None


Key = tuple[str, int, str, str]  # measure, period, entity type, stratum type


@dataclass
class Published:
    """Every published period up to the report's, indexed for the pages."""

    period: int
    measures: dict[str, PublicMeasure]
    periods: list[int]  # oldest first, up to the report's period
    published_at: datetime
    members: dict[int, Member]
    collaborative_name: str
    cells: list[PublicCell]
    _index: dict[Key, list[PublicCell]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        index: dict[Key, list[PublicCell]] = defaultdict(list)
        for cell in self.cells:
            index[(cell.measure_id, cell.period, cell.entity_type, cell.stratum_type)].append(cell)
        self._index = dict(index)

    def of(
        self, measure_id: str, entity_type: str, stratum_type: str = ALL, period: int | None = None
    ) -> list[PublicCell]:
        """The cells of one measure, entity type and stratum type in a period (default: the
        report's), in a stable order: by entity name, then stratum."""
        found = self._index.get((measure_id, period or self.period, entity_type, stratum_type), [])
        return sorted(found, key=lambda c: (c.entity_name, c.entity_id, c.stratum))

    def whole(self, measure_id: str, period: int | None = None) -> PublicCell | None:
        """The collaborative's result for everyone."""
        return next(iter(self.of(measure_id, COLLABORATIVE, ALL, period)), None)

    @property
    def baseline(self) -> int:
        """The earliest published period: the impact section's baseline."""
        return self.periods[0]


def public_cell(row: PublishedResult) -> PublicCell:
    """A published row as the public sees it: a suppressed row keeps only who and what it is."""
    hidden = row.suppression is not None
    return PublicCell(
        measure_id=row.measure_id,
        period=row.period,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        entity_name=row.entity_name,
        organization_id=row.organization_id,
        stratum_type=row.stratum_type,
        stratum=row.stratum,
        suppressed=hidden,
        denominator=None if hidden else row.denominator,
        numerator=None if hidden else row.numerator,
        member_years=None if hidden else row.member_years,
        rate=None if hidden else row.rate,
        ci_low=None if hidden else row.ci_low,
        ci_high=None if hidden else row.ci_high,
        reliability=None if hidden else row.reliability,
        status=SUPPRESSED if hidden else row.status,
        comparison=None if hidden else row.comparison,
    )


def _measure(row: PublishedMeasure) -> PublicMeasure:
    return PublicMeasure(
        row.measure_id,
        row.title,
        row.type,
        row.steward,
        row.version,
        row.source,
        row.higher_is_better,
    )


def _members(session: Session) -> dict[int, Member]:
    rows = session.scalars(select(Organization).order_by(Organization.id))
    return {o.id: Member(o.id, o.name, str(o.type.value), o.parent_id) for o in rows}


def collaborative_name(members: Iterable[Member]) -> str:
    """The backbone organization's name (the top one if several), else a plain description."""
    backbone = [m for m in members if m.type == OrganizationType.COLLABORATIVE.value]
    backbone.sort(key=lambda m: (m.parent_id is not None, m.id))
    return backbone[0].name if backbone else "The collaborative"


def read_published(session: Session, period: int) -> Published:
    """Every published result up to `period`, suppressed figures dropped; the period must be
    published."""
    published_at = session.scalar(
        select(Publication.published_at)
        .where(Publication.period == period)
        .order_by(Publication.id.desc())
        .limit(1)
    )
    if published_at is None:
        raise UserError(
            f"no published results for {period}: run `commontable publish --period {period}` first"
        )
    rows = session.scalars(select(PublishedResult).where(PublishedResult.period <= period))
    cells = [public_cell(row) for row in rows]
    members = _members(session)
    return Published(
        period=period,
        measures={
            m.measure_id: _measure(m)
            for m in session.scalars(select(PublishedMeasure).order_by(PublishedMeasure.measure_id))
        },
        periods=sorted({c.period for c in cells}),
        published_at=published_at,
        members=members,
        collaborative_name=collaborative_name(members.values()),
        cells=cells,
    )

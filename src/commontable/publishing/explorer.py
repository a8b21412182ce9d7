"""Reading published results: one measure, period, entity type and stratum type at a time.

Every reader gets the same cells; a suppressed cell's figures are blanked unless
`privacy.access.may_see_small_cells` lets this reader see them (its own organization, staff).
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, fields
from typing import Any

from openpyxl import Workbook
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from commontable.errors import NotFound
from commontable.members.models import Organization
from commontable.privacy.access import Principal, may_see_small_cells
from commontable.publishing.models import PublishedMeasure, PublishedResult

ENTITY_TYPES = {
    "collaborative": "Whole collaborative",
    "clinic": "Clinics",
    "medical_group": "Medical groups",
    "health_plan": "Health plans",
    "hospital": "Hospitals",
    "county": "Counties",
}
STRATUM_TYPES = {
    "all": "Everyone",
    "age_band": "Age band",
    "sex": "Sex",
    "race": "Race",
    "ethnicity": "Ethnicity",
    "payer_type": "Payer type",
    "county": "County",
    "sdoh_risk": "Social risk",
}
SUPPRESSED = "suppressed"  # what a blanked cell's status reads
# Figures of risk-adjusted and cost measures, blanked like the others when suppressed.
ADJUSTED = (
    "expected",
    "oe_ratio",
    "oe_low",
    "oe_high",
    "risk_standardised_rate",
    "member_months",
    "paid_amount",
)


@dataclass(frozen=True)
class Selection:
    """Which results to show."""

    measure_id: str
    period: int
    entity_type: str
    stratum_type: str


@dataclass(frozen=True)
class Cell:
    """A result as one reader may see it: a suppressed cell's figures are None unless shown."""

    entity_type: str
    entity_id: str
    entity_name: str
    stratum_type: str
    stratum: str
    denominator: int | None
    numerator: int | None
    member_years: float | None
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    reliability: float | None
    status: str
    comparison: str | None
    suppression: str | None  # why it is suppressed in public; None: it is not
    expected: float | None = None  # risk-adjusted measures
    oe_ratio: float | None = None
    oe_low: float | None = None
    oe_high: float | None = None
    risk_standardised_rate: float | None = None
    member_months: float | None = None  # cost measures
    paid_amount: float | None = None

    @property
    def blank(self) -> bool:
        return self.status == SUPPRESSED


def measures(session: Session) -> list[PublishedMeasure]:
    """The measures with published results, by id."""
    return list(session.scalars(select(PublishedMeasure).order_by(PublishedMeasure.measure_id)))


def periods(session: Session) -> list[int]:
    """Periods with published results, newest first."""
    query = select(PublishedResult.period).distinct().order_by(PublishedResult.period.desc())
    return list(session.scalars(query))


def choose(
    session: Session,
    measure_id: str | None = None,
    period: int | None = None,
    entity_type: str | None = None,
    stratum_type: str | None = None,
) -> Selection:
    """The selection asked for, with defaults (first measure, latest period, clinics, everyone)."""
    known = [m.measure_id for m in measures(session)]
    years = periods(session)
    if not known or not years:
        raise NotFound("nothing is published yet: run `commontable publish --period P`")
    if measure_id is not None and measure_id not in known:
        raise NotFound(f"no published results for measure {measure_id}")
    if period is not None and period not in years:
        raise NotFound(f"no published results for {period}")
    if entity_type is not None and entity_type not in ENTITY_TYPES:
        raise NotFound(f"unknown entity type {entity_type}; one of: {', '.join(ENTITY_TYPES)}")
    if stratum_type is not None and stratum_type not in STRATUM_TYPES:
        raise NotFound(f"unknown stratum type {stratum_type}; one of: {', '.join(STRATUM_TYPES)}")
    return Selection(
        measure_id or known[0], period or years[0], entity_type or "clinic", stratum_type or "all"
    )


def family_of(session: Session, principal: Principal | None) -> frozenset[int]:
    """The principal's organization and the organizations under it (a medical group's clinics)."""
    if principal is None:
        return frozenset()
    own = principal.organization_id
    query = select(Organization.id).where(
        or_(Organization.id == own, Organization.parent_id == own)
    )
    return frozenset(session.scalars(query))


def cells(session: Session, selection: Selection, principal: Principal | None) -> list[Cell]:
    """The selected results as `principal` may see them, best rate first, blank cells last."""
    query = select(PublishedResult).where(
        PublishedResult.measure_id == selection.measure_id,
        PublishedResult.period == selection.period,
        PublishedResult.entity_type == selection.entity_type,
        PublishedResult.stratum_type == selection.stratum_type,
    )
    family = family_of(session, principal)
    found = [_as_seen(row, principal, family) for row in session.scalars(query)]
    return sorted(found, key=lambda c: (c.rate is None, -(c.rate or 0.0), c.entity_name, c.stratum))


def collaborative_cell(
    session: Session, selection: Selection, principal: Principal | None
) -> Cell | None:
    """The whole collaborative's result for the selection's measure and period (everyone)."""
    everyone = Selection(selection.measure_id, selection.period, "collaborative", "all")
    found = cells(session, everyone, principal)
    return found[0] if found else None


def _as_seen(row: PublishedResult, principal: Principal | None, family: frozenset[int]) -> Cell:
    shown = row.suppression is None or may_see_small_cells(principal, row.organization_id, family)
    figures: dict[str, Any] = {
        "denominator": row.denominator,
        "numerator": row.numerator,
        "member_years": row.member_years,
        "rate": row.rate,
        "ci_low": row.ci_low,
        "ci_high": row.ci_high,
        "reliability": row.reliability,
        **{name: getattr(row, name) for name in ADJUSTED},
    }
    if not shown:
        figures = dict.fromkeys(figures)
    return Cell(
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        entity_name=row.entity_name,
        stratum_type=row.stratum_type,
        stratum=row.stratum,
        status=row.status if shown else SUPPRESSED,
        comparison=row.comparison if shown else None,
        suppression=row.suppression,
        **figures,
    )


# --- downloads ------------------------------------------------------------------------------

EXPORT_COLUMNS = ("measure_id", "period", *(f.name for f in fields(Cell)))


def _export_rows(selection: Selection, found: list[Cell]) -> list[list[object]]:
    return [[selection.measure_id, selection.period, *asdict(cell).values()] for cell in found]


def as_csv(selection: Selection, found: list[Cell]) -> str:
    """The cells as CSV, blank where suppressed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(_export_rows(selection, found))
    return out.getvalue()


def as_xlsx(selection: Selection, found: list[Cell], title: str) -> bytes:
    """The cells as an Excel workbook: one sheet of results and one saying what they are."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "results"
    sheet.append(list(EXPORT_COLUMNS))
    for row in _export_rows(selection, found):
        sheet.append(row)
    about = book.create_sheet("about")
    about.append(["measure", f"{selection.measure_id}: {title}"])
    about.append(["period", selection.period])
    about.append(["entities", ENTITY_TYPES[selection.entity_type]])
    about.append(["strata", STRATUM_TYPES[selection.stratum_type]])
    about.append(["suppression", "cells of 1-10 and their complements are blank (CMS policy)"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- an organization's scorecard --------------------------------------------------------------


@dataclass(frozen=True)
class ScorecardLine:
    """One measure of an organization's scorecard, with the collaborative's rate and its rank."""

    measure: PublishedMeasure
    cell: Cell
    collaborative: Cell | None
    rank: int | None  # 1 = best among peers of its type with a shown, reported rate
    peers: int


def scorecard(
    session: Session, organization_id: int, principal: Principal | None, period: int | None = None
) -> tuple[int | None, list[ScorecardLine]]:
    """The organization's whole-population results in a period (default: the latest)."""
    period = period or next(iter(periods(session)), None)
    if period is None:
        return None, []
    family = family_of(session, principal)
    own = session.scalars(
        select(PublishedResult).where(
            PublishedResult.organization_id == organization_id,
            PublishedResult.period == period,
            PublishedResult.stratum_type == "all",
        )
    ).all()
    lines = []
    for row in sorted(own, key=lambda r: (r.measure_id, r.entity_type)):
        peers = session.scalars(
            select(PublishedResult).where(
                PublishedResult.measure_id == row.measure_id,
                PublishedResult.period == period,
                PublishedResult.entity_type.in_((row.entity_type, "collaborative")),
                PublishedResult.stratum_type == "all",
            )
        ).all()
        whole = next((p for p in peers if p.entity_type == "collaborative"), None)
        ranked = [
            p
            for p in peers
            if p.entity_type == row.entity_type
            and p.suppression is None
            and p.status == "reported"
            and p.rate is not None
        ]
        order = sorted(ranked, key=lambda p: p.rate or 0.0, reverse=row.measure.higher_is_better)
        rank = next((i + 1 for i, p in enumerate(order) if p.id == row.id), None)
        lines.append(
            ScorecardLine(
                measure=row.measure,
                cell=_as_seen(row, principal, family),
                collaborative=_as_seen(whole, principal, family) if whole else None,
                rank=rank,
                peers=len(ranked),
            )
        )
    return period, lines


def headlines(
    session: Session, principal: Principal | None
) -> tuple[int | None, list[tuple[PublishedMeasure, Cell]]]:
    """The whole collaborative's result of every measure in the latest published period."""
    period = next(iter(periods(session)), None)
    if period is None:
        return None, []
    found = []
    for measure in measures(session):
        whole = collaborative_cell(
            session, Selection(measure.measure_id, period, "", ""), principal
        )
        if whole is not None:
            found.append((measure, whole))
    return period, found

"""The results explorer's questions of published results: one measure, period, entity type and
stratum type at a time, an organization's scorecard, the home page's headlines, and downloads.

Every cell comes through the one reader (publishing.reader), so suppression, the sharing rule for
cost figures and the labels are the same here as in the API, the plans and the public report.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from commontable.config import Settings
from commontable.errors import NotFound
from commontable.privacy import Principal, sharing_rule
from commontable.publishing.cells import (
    ALL,
    COLLABORATIVE,
    ENTITY_LABELS,
    REPORTED,
    STRATUM_LABELS,
    ResultCell,
)
from commontable.publishing.models import PublishedMeasure, PublishedResult
from commontable.publishing.reader import Reader, read_cells, reader_for
from commontable.spreadsheets import append_row, csv_text, new_workbook


def reader_of(session: Session, principal: Principal | None, settings: Settings) -> Reader:
    """The reader `principal` is, under the workspace's sharing rule and reliability threshold."""
    return reader_for(
        session,
        principal,
        sharing=sharing_rule(settings.report_cost_sharing),
        min_reliability=settings.report_min_reliability,
    )


@dataclass(frozen=True)
class Selection:
    """Which results to show."""

    measure_id: str
    period: int
    entity_type: str
    stratum_type: str


def published_measures(session: Session) -> list[PublishedMeasure]:
    """The measures with published results, by id."""
    return list(session.scalars(select(PublishedMeasure).order_by(PublishedMeasure.measure_id)))


def published_periods(session: Session) -> list[int]:
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
    known = [m.measure_id for m in published_measures(session)]
    years = published_periods(session)
    if not known or not years:
        raise NotFound("nothing is published yet: run `commontable publish --period P`")
    if measure_id is not None and measure_id not in known:
        raise NotFound(f"no published results for measure {measure_id}")
    if period is not None and period not in years:
        raise NotFound(f"no published results for {period}")
    if entity_type is not None and entity_type not in ENTITY_LABELS:
        raise NotFound(f"unknown entity type {entity_type}; one of: {', '.join(ENTITY_LABELS)}")
    if stratum_type is not None and stratum_type not in STRATUM_LABELS:
        raise NotFound(f"unknown stratum type {stratum_type}; one of: {', '.join(STRATUM_LABELS)}")
    return Selection(
        measure_id or known[0], period or years[0], entity_type or "clinic", stratum_type or "all"
    )


def best_first(found: list[ResultCell]) -> list[ResultCell]:
    """Cells with a rate, highest first; blank cells last, by name."""
    return sorted(found, key=lambda c: (c.rate is None, -(c.rate or 0.0), c.entity_name, c.stratum))


def cells(session: Session, selection: Selection, reader: Reader) -> list[ResultCell]:
    """The selected results as `reader` may see them, highest rate first, blank cells last."""
    found = read_cells(
        session,
        reader,
        measure_id=selection.measure_id,
        period=selection.period,
        entity_type=selection.entity_type,
        stratum_type=selection.stratum_type,
    )
    return best_first(found)


def collaborative_cell(session: Session, selection: Selection, reader: Reader) -> ResultCell | None:
    """The whole collaborative's result for the selection's measure and period (everyone)."""
    everyone = Selection(selection.measure_id, selection.period, COLLABORATIVE, ALL)
    found = cells(session, everyone, reader)
    return found[0] if found else None


# --- downloads ------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "measure_id",
    "period",
    "entity_type",
    "entity_id",
    "entity_name",
    "stratum_type",
    "stratum",
    "denominator",
    "numerator",
    "member_years",
    "rate",
    "ci_low",
    "ci_high",
    "reliability",
    "status",
    "comparison",
    "p_value",
    "q_value",
    "adjustment",
    "expected",
    "oe_ratio",
    "oe_low",
    "oe_high",
    "risk_standardised_rate",
    "member_months",
    "paid_amount",
    "why_blank",
)


def export_row(cell: ResultCell) -> list[object]:
    """A cell as a line of a download: `comparison` is the label every face gives (verdict)."""
    values: dict[str, object] = {
        name: getattr(cell, name) for name in EXPORT_COLUMNS if hasattr(cell, name)
    }
    values["comparison"] = cell.verdict
    values["why_blank"] = cell.hidden
    return [values[name] for name in EXPORT_COLUMNS]


def as_csv(found: list[ResultCell]) -> str:
    """The cells as CSV, blank where hidden from this reader."""
    return csv_text(EXPORT_COLUMNS, (export_row(cell) for cell in found))


def as_xlsx(selection: Selection, found: list[ResultCell], title: str) -> bytes:
    """The cells as an Excel workbook: one sheet of results and one saying what they are."""
    book, sheet = new_workbook()
    sheet.title = "results"
    append_row(sheet, EXPORT_COLUMNS)
    for cell in found:
        append_row(sheet, export_row(cell))
    about = book.create_sheet("about")
    append_row(about, ["measure", f"{selection.measure_id}: {title}"])
    append_row(about, ["period", selection.period])
    append_row(about, ["entities", ENTITY_LABELS[selection.entity_type]])
    append_row(about, ["strata", STRATUM_LABELS[selection.stratum_type]])
    append_row(
        about,
        [
            "blank cells",
            "suppressed to protect small numbers (CMS cell-size policy), or a cost figure "
            "withheld by the sharing rule (see why_blank)",
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- an organization's scorecard --------------------------------------------------------------


@dataclass(frozen=True)
class ScorecardLine:
    """One measure of an organization's scorecard, with the collaborative's rate and its rank."""

    measure: PublishedMeasure
    cell: ResultCell
    collaborative: ResultCell | None
    rank: int | None  # 1 = best among peers of its type with a shown, reported rate
    peers: int


def rank_among(
    cell: ResultCell, peers: list[ResultCell], higher_is_better: bool
) -> tuple[int | None, int]:
    """(its place among peers with a rate shown to everyone and enough people, 1 = best; how
    many): a figure only its own organization sees is not ranked against others'."""
    ranked = [
        p
        for p in peers
        if p.shown and not p.own_detail and p.status == REPORTED and p.rate is not None
    ]
    if cell not in ranked or cell.rate is None:
        return None, len(ranked)
    rate = cell.rate
    if higher_is_better:
        ahead = sum(1 for p in ranked if (p.rate or 0.0) > rate)
    else:
        ahead = sum(1 for p in ranked if (p.rate or 0.0) < rate)
    return ahead + 1, len(ranked)


def scorecard(
    session: Session, organization_id: int, reader: Reader, period: int | None = None
) -> tuple[int | None, list[ScorecardLine]]:
    """The organization's whole-population results in a period (default: the latest)."""
    period = period or next(iter(published_periods(session)), None)
    if period is None:
        return None, []
    described = {m.measure_id: m for m in published_measures(session)}
    own = read_cells(
        session, reader, organization_id=organization_id, period=period, stratum_type=ALL
    )
    lines = []
    for cell in sorted(own, key=lambda c: (c.measure_id, c.entity_type)):
        measure = described[cell.measure_id]
        peers = read_cells(
            session,
            reader,
            measure_id=cell.measure_id,
            period=period,
            entity_types=(cell.entity_type, COLLABORATIVE),
            stratum_type=ALL,
        )
        whole = next((p for p in peers if p.entity_type == COLLABORATIVE), None)
        same = [p for p in peers if p.entity_type == cell.entity_type]
        rank, count = rank_among(cell, same, measure.higher_is_better)
        lines.append(ScorecardLine(measure, cell, whole, rank, count))
    return period, lines


def headlines(
    session: Session, reader: Reader
) -> tuple[int | None, list[tuple[PublishedMeasure, ResultCell]]]:
    """The whole collaborative's result of every measure in the latest published period."""
    period = next(iter(published_periods(session)), None)
    if period is None:
        return None, []
    described = {m.measure_id: m for m in published_measures(session)}
    whole = read_cells(session, reader, period=period, entity_type=COLLABORATIVE, stratum_type=ALL)
    found = [(described[c.measure_id], c) for c in whole if c.measure_id in described]
    return period, sorted(found, key=lambda pair: pair[0].measure_id)

"""The measure results explorer (page, chart, CSV and Excel downloads) and the results API.

Reads published aggregates only (the app DB), never the warehouse: any signed-in member may
look, and suppressed cells come blank unless `privacy.access` shows them to this reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Query, Security
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from commontable.display import Point, interval_chart, interval_text, rate_text
from commontable.errors import NotFound
from commontable.members import get_organization
from commontable.publishing import explorer
from commontable.publishing.cells import (
    ENTITY_LABELS,
    STRATUM_LABELS,
    ResultCell,
    api_model,
    api_view,
)
from commontable.publishing.explorer import Selection
from commontable.publishing.models import PublishedMeasure
from commontable.publishing.reader import Reader
from commontable.routing import Context, bearer

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["results"], dependencies=[Security(bearer)])

MeasureId = Annotated[str | None, Query(max_length=40, description="e.g. CMS125")]
Period = Annotated[int | None, Query(ge=1900, le=2200, description="measurement year")]
EntityType = Annotated[
    str | None, Query(max_length=40, description=f"one of: {', '.join(ENTITY_LABELS)}")
]
StratumType = Annotated[
    str | None, Query(max_length=40, description=f"one of: {', '.join(STRATUM_LABELS)}")
]
PROPORTION = "proportion"


def chart(
    measure: PublishedMeasure,
    selection: Selection,
    found: list[ResultCell],
    whole: ResultCell | None,
) -> str:
    """The selection's rates with their intervals against the collaborative's, as SVG."""
    points = [
        Point(_label(cell, selection), cell.rate, cell.ci_low, cell.ci_high, cell.verdict)
        for cell in found
        if cell.rate is not None
    ]
    if not points:
        return ""
    return interval_chart(
        points,
        title=f"{measure.title}, {selection.period}",
        axis_title="Rate" if measure.type == PROPORTION else f"Rate, {measure.type}",
        percent=measure.type == PROPORTION,
        reference=whole.rate if whole is not None else None,
    )


def _label(cell: ResultCell, selection: Selection) -> str:
    if selection.stratum_type == "all":
        return cell.entity_name
    if selection.entity_type == "collaborative":
        return cell.stratum
    return f"{cell.entity_name}: {cell.stratum}"


@dataclass(frozen=True)
class Selected:
    """The results a request asks for: the measure, the selection, who reads them and the cells
    as that reader sees them."""

    measure: PublishedMeasure
    selection: Selection
    reader: Reader
    cells: list[ResultCell]


def _selected(
    context: Context,
    measure: MeasureId = None,
    period: Period = None,
    entity_type: EntityType = None,
    stratum_type: StratumType = None,
) -> Selected | None:
    """The query's selection (defaults filled in); None while nothing is published."""
    if not explorer.published_periods(context.session):
        return None
    selection = explorer.choose(context.session, measure, period, entity_type, stratum_type)
    described = context.session.get(PublishedMeasure, selection.measure_id)
    assert described is not None  # choose() only picks published measures
    reader = explorer.reader_of(context.session, context.principal, context.settings)
    found = explorer.cells(context.session, selection, reader)
    return Selected(described, selection, reader, found)


Chosen = Annotated[Selected | None, Depends(_selected)]


def _published(chosen: Selected | None) -> Selected:
    if chosen is None:
        raise NotFound("nothing is published yet: run `commontable publish --period P`")
    return chosen


@pages.get("/results", name="results.explore")
def explore(context: Context, chosen: Chosen) -> HTMLResponse:
    if chosen is None:
        return context.page("results/explore.html", nothing=True)
    described, selection, found = chosen.measure, chosen.selection, chosen.cells
    whole = explorer.collaborative_cell(context.session, selection, chosen.reader)
    return context.page(
        "results/explore.html",
        nothing=False,
        measure=described,
        measures=explorer.published_measures(context.session),
        periods=explorer.published_periods(context.session),
        entity_types=ENTITY_LABELS,
        stratum_types=STRATUM_LABELS,
        selection=selection,
        cells=found,
        adjusted=any(cell.oe_ratio is not None for cell in found),
        whole=whole,
        rate_text=lambda rate: rate_text(described, rate),
        interval_text=lambda low, high: interval_text(described, low, high),
        chart=chart(described, selection, found, whole),
        query=(
            f"measure={selection.measure_id}&period={selection.period}"
            f"&entity_type={selection.entity_type}&stratum_type={selection.stratum_type}"
        ),
    )


@pages.get("/organizations/{organization_id}/scorecard", name="results.scorecard")
def scorecard(context: Context, organization_id: int) -> HTMLResponse:
    """The organization's results, for its page (loaded into it) or on their own."""
    organization = get_organization(context.session, organization_id)
    reader = explorer.reader_of(context.session, context.principal, context.settings)
    period, lines = explorer.scorecard(context.session, organization.id, reader)
    return context.page(
        "results/scorecard.html",
        organization=organization,
        period=period,
        lines=lines,
        rate_text=rate_text,
        interval_text=interval_text,
    )


def _filename(selection: Selection, extension: str) -> str:
    return (
        f"{selection.measure_id}-{selection.period}-{selection.entity_type}-"
        f"{selection.stratum_type}.{extension}"
    )


@pages.get("/results/download.csv", name="results.csv")
def download_csv(chosen: Chosen) -> Response:
    published = _published(chosen)
    selection, found = published.selection, published.cells
    return Response(
        explorer.as_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_filename(selection, "csv")}"'},
    )


@pages.get("/results/download.xlsx", name="results.xlsx")
def download_xlsx(chosen: Chosen) -> Response:
    published = _published(chosen)
    selection = published.selection
    return Response(
        explorer.as_xlsx(selection, published.cells, published.measure.title),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_filename(selection, "xlsx")}"'},
    )


# --- JSON API -------------------------------------------------------------------------------


class MeasureOut(BaseModel):
    measure_id: str
    title: str
    type: str
    steward: str
    version: str
    source: str
    higher_is_better: bool


if TYPE_CHECKING:
    CellOut = BaseModel
else:
    CellOut = api_model()


class ResultsOut(BaseModel):
    measure: MeasureOut
    period: int
    entity_type: str
    stratum_type: str
    results: list[CellOut]


class CatalogOut(BaseModel):
    periods: list[int]
    measures: list[MeasureOut]


def _measure_out(measure: PublishedMeasure) -> MeasureOut:
    return MeasureOut.model_validate(measure, from_attributes=True)


@api.get("/results/catalog", name="api.results_catalog")
def api_catalog(context: Context) -> CatalogOut:
    """The published periods (newest first) and measures."""
    return CatalogOut(
        periods=explorer.published_periods(context.session),
        measures=[_measure_out(m) for m in explorer.published_measures(context.session)],
    )


@api.get("/results", name="api.results")
def api_results(chosen: Chosen) -> ResultsOut:
    """Published results of one measure and period, per entity and stratum."""
    published = _published(chosen)
    selection, found = published.selection, published.cells
    return ResultsOut(
        measure=_measure_out(published.measure),
        period=selection.period,
        entity_type=selection.entity_type,
        stratum_type=selection.stratum_type,
        results=[CellOut.model_validate(api_view(cell)) for cell in found],
    )

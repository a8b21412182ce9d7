"""The one factory of published results for tests of what reads them: a published row
(`published_row`, written with `add_cell` as `commontable publish` does) and a cell as a reader
sees it (`result_cell`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from commontable.publishing import FIGURES, ResultCell
from commontable.publishing.models import (
    Publication,
    PublishedMeasure,
    PublishedResult,
    SuppressedResult,
)

CMS125 = {
    "measure_id": "CMS125",
    "title": "Breast Cancer Screening",
    "type": "proportion",
    "steward": "NCQA",
    "version": "CMS125v13",
    "source": "https://ecqi.healthit.gov/ecqm/ec/2025/cms0125v13",
    "higher_is_better": True,
}


def published_row(
    measure_id: str = "CMS125",
    entity_type: str = "collaborative",
    entity_id: str = "collaborative",
    *,
    period: int = 2025,
    entity_name: str | None = None,
    organization_id: int | None = None,
    stratum_type: str = "all",
    stratum: str = "all",
    status: str = "reported",
    comparison: str | None = "average",
    suppression: str | None = None,
    **figures: Any,
) -> dict[str, Any]:
    """One published cell, its figures None unless given; named by its entity id unless told
    (the whole collaborative as pages name it)."""
    unknown = set(figures) - set(FIGURES) - {"adjustment"}
    assert not unknown, f"not figures of a cell: {unknown}"
    whole = entity_type == "collaborative"
    return {
        "measure_id": measure_id,
        "period": period,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "entity_name": entity_name or ("Whole collaborative" if whole else entity_id.title()),
        "organization_id": organization_id,
        "stratum_type": stratum_type,
        "stratum": stratum,
        **dict.fromkeys(FIGURES),
        **figures,
        "status": status,
        "comparison": comparison,
        "suppression": suppression,
    }


def result_cell(
    measure_id: str = "CMS125",
    entity_type: str = "collaborative",
    entity_id: str = "collaborative",
    *,
    period: int = 2025,
    status: str = "reported",
    comparison: str | None = None,
    hidden: str | None = None,
    **values: Any,
) -> ResultCell:
    """A cell as a reader is given it (`hidden`: why its figures are not shown)."""
    return ResultCell(
        measure_id=measure_id,
        period=period,
        entity_type=entity_type,
        entity_id=entity_id,
        entity_name=values.pop("entity_name", entity_id.title()),
        organization_id=values.pop("organization_id", None),
        stratum_type=values.pop("stratum_type", "all"),
        stratum=values.pop("stratum", "all"),
        status=status,
        comparison=comparison,
        verdict=values.pop("verdict", None),
        hidden=hidden,
        own_detail=values.pop("own_detail", False),
        adjustment=values.pop("adjustment", None),
        **values,
    )


def cell(
    entity_id: str,
    organization_id: int | None,
    denominator: int,
    numerator: int,
    *,
    entity_type: str = "health_plan",
    stratum_type: str = "all",
    stratum: str = "all",
    suppression: str | None = None,
    comparison: str = "average",
) -> dict[str, Any]:
    """One published CMS125 2025 result with an interval around its rate."""
    rate = numerator / denominator
    return published_row(
        "CMS125",
        entity_type,
        entity_id,
        entity_name=entity_id.title(),
        organization_id=organization_id,
        stratum_type=stratum_type,
        stratum=stratum,
        comparison=comparison,
        suppression=suppression,
        denominator=denominator,
        numerator=numerator,
        rate=rate,
        ci_low=max(rate - 0.05, 0.0),
        ci_high=min(rate + 0.05, 1.0),
        reliability=0.7,
    )


def add_cell(session: Session, publication_id: int, row: dict[str, Any]) -> PublishedResult:
    """Write one cell as `commontable publish` does: a cell with a `suppression` reason is
    published blank, its figures kept apart in SuppressedResult."""
    values = dict(row)
    reason = values.pop("suppression", None)
    if reason is None:
        cell = PublishedResult(publication_id=publication_id, suppressed=False, **values)
        session.add(cell)
        session.flush()
        return cell
    figures = {name: values.pop(name) for name in FIGURES if name in values}
    status, comparison = values.pop("status"), values.pop("comparison", None)
    cell = PublishedResult(
        publication_id=publication_id,
        suppressed=True,
        status="suppressed",
        comparison=None,
        **values,
    )
    session.add(cell)
    session.flush()
    session.add(
        SuppressedResult(
            result_id=cell.id, reason=reason, status=status, comparison=comparison, **figures
        )
    )
    session.flush()
    return cell


def publish_cells(session: Session, cells: list[dict[str, Any]]) -> None:
    """CMS125's description and one 2025 publication holding `cells`."""
    session.add(PublishedMeasure(**CMS125))
    publication = Publication(
        period=2025,
        published_by="staff",
        results=len(cells),
        suppressed=sum(c["suppression"] is not None for c in cells),
    )
    session.add(publication)
    session.flush()
    for row in cells:
        add_cell(session, publication.id, row)


def publish_sample(session: Session, own_organization_id: int) -> None:
    """Four plans' CMS125 results and the collaborative's, one of them a suppressed cell."""
    publish_cells(
        session,
        [
            cell("collaborative", None, 1200, 780, entity_type="collaborative"),
            cell("cascade", own_organization_id, 400, 300, comparison="better"),
            cell("lakeshore", None, 420, 250),
            cell("genesee", None, 371, 225, comparison="worse"),
            cell("tiny", None, 9, 5, suppression="primary"),
        ],
    )

"""Published results for plans tests: a measure and its cells by period, written as
`commontable publish` would (one publication per period)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from commontable.publishing.models import Publication, PublishedMeasure, PublishedResult
from tests.published_results import add_cell, published_row

BREAST_SCREENING = "CMS125"
ED_VISITS = "ED-VISITS"


def publish_measure(
    db: Session, measure_id: str = BREAST_SCREENING, *, higher_is_better: bool = True
) -> PublishedMeasure:
    """Describe a measure as published: a proportion, or a rate per 1,000 when lower is better."""
    measure = PublishedMeasure(
        measure_id=measure_id,
        title="Breast Cancer Screening" if higher_is_better else "ED visits per 1,000",
        type="proportion" if higher_is_better else "rate per 1,000",
        steward="NCQA",
        version="1",
        source="https://example.org/measure",
        higher_is_better=higher_is_better,
    )
    db.add(measure)
    db.flush()
    return measure


def publish_rate(
    db: Session,
    period: int,
    rate: float,
    *,
    measure_id: str = BREAST_SCREENING,
    entity_type: str = "collaborative",
    entity_id: str = "collaborative",
    organization_id: int | None = None,
    stratum_type: str = "all",
    stratum: str = "all",
    half_width: float = 0.02,
    status: str = "reported",
    suppression: str | None = None,
) -> PublishedResult:
    """One published cell of a period, with a 95% interval of rate ± half_width."""
    publication = Publication(period=period, published_by="test", results=1, suppressed=0)
    db.add(publication)
    db.flush()
    return add_cell(
        db,
        publication.id,
        published_row(
            measure_id,
            entity_type,
            entity_id,
            period=period,
            organization_id=organization_id,
            stratum_type=stratum_type,
            stratum=stratum,
            status=status,
            suppression=suppression,
            denominator=400,
            numerator=int(rate * 400),
            rate=rate,
            ci_low=rate - half_width,
            ci_high=rate + half_width,
            reliability=0.8,
        ),
    )

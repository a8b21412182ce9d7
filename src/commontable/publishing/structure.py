"""What a reader of a period's results can know beyond the cells themselves, for disclosure
control (privacy.disclosure): each measure's shape, the medical groups of clinics, and which
measures add up to which, from the measure library's own definitions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from commontable.measures import COST_CATEGORIES, MEASURES, TOTAL_COST, Measure
from commontable.privacy import (
    AT_LEAST_SUM,
    MEMBER_MONTHS,
    MEMBER_YEARS,
    NUMERATOR,
    PAID,
    SUM,
    MeasureShape,
    Structure,
    Total,
)

# PQI 90 counts each stay meeting any of PQI 01, 03, 05, 07, 08, 11, 12, 14, 15, 16 once; a stay
# has one principal diagnosis, and PQI 05 (40+) and 15 (18-39) split asthma by age, so the
# published single PQIs count disjoint stays of PQI 90 (measures/library/pqi.py).
COMPOSITE = "PQI-90"
COMPOSITE_PARTS = ("PQI-01", "PQI-05", "PQI-07", "PQI-08", "PQI-14", "PQI-15")
# Their exposure: member-years at 18-39 and at 40+ make up the member-years at 18+.
COMPOSITE_EXPOSURE = ("PQI-05", "PQI-15")


def shape(measure: Measure) -> MeasureShape:
    """The values a measure's cells show, and how they relate within a cell."""
    if measure.is_rate:  # events over member-years: events are not a part of the people
        return MeasureShape(measure.id, subset=False, exposure=MEMBER_YEARS)
    if measure.is_cost:  # paid per member-month; its members with a payment are not published
        return MeasureShape(
            measure.id, subset=False, exposure=MEMBER_MONTHS, paid=True, numerator_shown=False
        )
    return MeasureShape(measure.id, subset=True)


def totals(ids: Iterable[str]) -> tuple[Total, ...]:
    """The relations between the published measures `ids`."""
    present = set(ids)
    found: list[Total] = []
    categories = tuple(c for c in COST_CATEGORIES if c in present)
    if TOTAL_COST in present and categories:
        found.append(Total(TOTAL_COST, categories, PAID, SUM))
    parts = tuple(p for p in COMPOSITE_PARTS if p in present)
    if COMPOSITE in present and parts:
        found.append(Total(COMPOSITE, parts, NUMERATOR, AT_LEAST_SUM))
        if all(p in present for p in COMPOSITE_EXPOSURE):
            found.append(Total(COMPOSITE, COMPOSITE_EXPOSURE, MEMBER_YEARS, SUM))
    return tuple(found)


def structure(measure_ids: Iterable[str], medical_group_of: Mapping[str, str]) -> Structure:
    """The publication structure of the measures `measure_ids` (unknown ids: proportions)."""
    ids = sorted(set(measure_ids))
    shapes = {i: shape(MEASURES[i]) if i in MEASURES else MeasureShape(i) for i in ids}
    return Structure(shapes, dict(medical_group_of), totals(ids))

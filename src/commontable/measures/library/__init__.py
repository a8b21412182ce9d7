"""The measure library: one small module per measure (or measure family: PQIs, costs), by id."""

from __future__ import annotations

from commontable.errors import UserError
from commontable.measures.definition import Measure
from commontable.measures.library import (
    cms2,
    cms117,
    cms122,
    cms124,
    cms125,
    cms130,
    cms165,
    cms347,
    coordination,
    cost_of_care,
    ed_visits,
    follow_up,
    inpatient_admissions,
    pqi,
    readmission,
)

MEASURES: dict[str, Measure] = {
    m.id: m
    for m in (
        cms125.MEASURE,
        cms122.MEASURE,
        cms165.MEASURE,
        cms130.MEASURE,
        cms124.MEASURE,
        cms2.MEASURE,
        cms347.MEASURE,
        cms117.MEASURE,
        ed_visits.MEASURE,
        inpatient_admissions.MEASURE,
        readmission.MEASURE,
        *pqi.MEASURES,
        follow_up.MEASURE,
        *cost_of_care.MEASURES,
        *coordination.MEASURES,
    )
}


def select(ids: list[str] | None = None) -> list[Measure]:
    """The measures asked for by id (case-insensitive), or every measure; unknown ids refused."""
    if not ids:
        return list(MEASURES.values())
    by_id = {key.casefold(): measure for key, measure in MEASURES.items()}
    unknown = [i for i in ids if i.casefold() not in by_id]
    if unknown:
        raise UserError(f"no measure {', '.join(unknown)}; the library has: {', '.join(MEASURES)}")
    chosen = dict.fromkeys(by_id[i.casefold()].id for i in ids)
    return [MEASURES[i] for i in chosen]


__all__ = ["MEASURES", "select"]

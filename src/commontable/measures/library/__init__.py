"""The measure library: one small module per measure, registered here by id."""

from __future__ import annotations

from commontable.errors import UserError
from commontable.measures.definition import Measure
from commontable.measures.library import (
    cms122,
    cms124,
    cms125,
    cms130,
    cms165,
    ed_visits,
    inpatient_admissions,
)

MEASURES: dict[str, Measure] = {
    m.id: m
    for m in (
        cms125.MEASURE,
        cms122.MEASURE,
        cms165.MEASURE,
        cms130.MEASURE,
        cms124.MEASURE,
        ed_visits.MEASURE,
        inpatient_admissions.MEASURE,
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

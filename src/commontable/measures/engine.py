"""`commontable measure run`: every measure of a period, patient rows then results, in one go.

Writes the derived tables `measure_patient` and `measure_result`. A run replaces the rows of
its period and measures and keeps every other period's (and measure's) rows. A risk-adjusted
measure's rows get their expected probabilities, and a rate's or cost's its age/sex standardised
expected amounts (adjustment.py), before they are counted.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from commontable.errors import UserError
from commontable.measures.adjustment import with_expected, with_standardised_expected
from commontable.measures.attribution import PRIMARY_CARE_VISITS
from commontable.measures.codes import CodeList
from commontable.measures.definition import Measure
from commontable.measures.entities import ALL, COLLABORATIVE
from commontable.measures.library import select
from commontable.measures.period import Period
from commontable.measures.populations import patient_rows, people
from commontable.measures.providers import provider_shares
from commontable.measures.records import computed, read_records
from commontable.measures.results import counts, result_table
from commontable.measures.statistics import MIN_DENOMINATOR
from commontable.warehouse import Warehouse

Progress = Callable[[str, int, int], None]


@dataclass
class MeasureRun:
    """What a run wrote, and the collaborative-wide result of each measure."""

    period: int
    measures: list[Measure]
    patient_rows: int
    result_rows: int
    seconds: float
    collaborative: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> str:
        count = len(self.measures)
        return (
            f"measure: {count} measure{'s' if count != 1 else ''} for {self.period}: "
            f"{self.patient_rows:,} patient rows, {self.result_rows:,} results in "
            f"{self.seconds:.1f} s"
        )


def code_lists(measures: Sequence[Measure]) -> list[CodeList]:
    """Every code list a run needs: its measures' and attribution's, each once."""
    found: dict[str, CodeList] = {}
    for codes in (*(m.codes for m in measures), PRIMARY_CARE_VISITS):
        for code_list in codes:
            found.setdefault(code_list.id, code_list)
    return list(found.values())


def _organization_names(warehouse: Warehouse) -> dict[str, str]:
    roster = warehouse.table("organization")
    named = roster.group_by("organization_id").aggregate(name=roster.name.max())
    return {r["organization_id"]: r["name"] for r in named.to_pyarrow().to_pylist()}


def _kept(warehouse: Warehouse, name: str, period: int, ids: list[str]) -> ir.Table:
    """The rows of a derived table this run does not replace, copied before it is rewritten."""
    table = warehouse.table(name)
    other = table.filter((table.period != period) | ~table.measure_id.isin(ids))
    return warehouse.materialize(other, f"keep_{name}")


def run_measures(
    warehouse: Warehouse,
    period: int,
    measure_ids: list[str] | None = None,
    *,
    min_denominator: int = MIN_DENOMINATOR,
    progress: Progress | None = None,
) -> MeasureRun:
    """Compute measures for a period; write `measure_patient` and `measure_result`.

    Example:
        >>> run = run_measures(warehouse, 2025, ["CMS125"])  # doctest: +SKIP
        >>> print(run.summary())  # doctest: +SKIP
        measure: 1 measure for 2025: 512 patient rows, 301 results in 1.2 s
    """
    started = time.perf_counter()
    measures = select(measure_ids)
    total = len(measures) + 4

    def report(what: str, done: int) -> None:
        if progress is not None:
            progress(what, done, total)

    try:
        records = read_records(
            warehouse, Period(period), code_lists(measures), lambda what: report(what, 0)
        )
        report("attribution", 1)
        everyone = computed(warehouse, people(records), "attribution")
        rows = []
        cluster_variances: dict[str, float] = {}
        for done, measure in enumerate(measures, start=2):
            report(measure.id, done)
            found = computed(warehouse, patient_rows(measure, records, everyone), measure.id)
            if measure.risk_adjustment is not None:
                adjusted = with_expected(found, measure, records)
                found = computed(warehouse, adjusted.rows, f"{measure.id} risk adjustment")
                if adjusted.cluster_variance is not None:
                    cluster_variances[measure.id] = adjusted.cluster_variance
            elif measure.is_standardised:
                standardised = with_standardised_expected(found, measure)
                found = computed(warehouse, standardised, f"{measure.id} standardisation")
            rows.append(found)
        patient_count = sum(int(r.count().execute()) for r in rows)
        if patient_count == 0:
            raise UserError(
                f"nobody is in any measure's population for {period}: nothing was computed or "
                "written; load that year's submissions and match them first, or check --period"
            )
        patients = ibis.union(*rows, distinct=False)
        report("results", total - 2)
        counted = computed(warehouse, counts(patients), "results").to_pyarrow()
        paid = computed(warehouse, provider_shares(records, everyone, measures), "providers")
        names = _organization_names(warehouse)
        results = result_table(
            counted,
            measures,
            period,
            names,
            min_denominator=min_denominator,
            cluster_variances=cluster_variances,
            providers=paid.to_pyarrow(),
        )
        report("writing", total - 1)
        ids = [m.id for m in measures]
        kept_patients = _kept(warehouse, "measure_patient", period, ids)
        kept_results = _kept(warehouse, "measure_result", period, ids)
        new_results = warehouse.stage(results, "measure_results")
        warehouse.replace(
            {
                "measure_patient": ibis.union(
                    kept_patients, warehouse.conform("measure_patient", patients), distinct=False
                ),
                "measure_result": ibis.union(
                    kept_results, warehouse.conform("measure_result", new_results), distinct=False
                ),
            }
        )
    finally:
        warehouse.release()
    return MeasureRun(
        period=period,
        measures=measures,
        patient_rows=patient_count,
        result_rows=results.num_rows,
        seconds=round(time.perf_counter() - started, 2),
        collaborative=_collaborative(results),
    )


def _collaborative(results: pa.Table) -> list[dict[str, Any]]:
    rows = results.to_pylist()
    return [r for r in rows if r["entity_type"] == COLLABORATIVE and r["stratum_type"] == ALL]

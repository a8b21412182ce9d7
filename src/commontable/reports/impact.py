"""Admissions and readmissions avoided against the baseline period, and what they are worth.

Method: expected events this period = the baseline period's (earliest published) rate applied
to this period's population; where both periods publish every age band of the collaborative,
band by band (indirect age standardisation: sum of baseline band rate x this period's band
exposure), so an older population is not taken for worse care. Avoided = expected - observed.
Their dollar value uses the region's own average paid per admission: inpatient paid per member
per month x 12 / admissions per member-year, both of the collaborative this period.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from commontable.display import money, number, per
from commontable.publishing import ResultCell
from commontable.reports.published import PublicMeasure, Published

AGE_BAND = "age_band"
COLLABORATIVE = "collaborative"
# The measures counting admissions, and what their events are called.
ADMISSION_MEASURES = {
    "IP-ADMISSIONS": "hospital admissions",
    "PQI-90": "potentially preventable admissions (PQI overall composite)",
    "HWR-30": "unplanned readmissions within 30 days",
}
ALL_ADMISSIONS = "IP-ADMISSIONS"
INPATIENT_COST = "COST-INPATIENT-PMPM"
COVERAGE_TOLERANCE = 0.01  # the age bands must hold all but 1% of the exposure


@dataclass(frozen=True)
class CostPerAdmission:
    """The region's average paid per admission, or why it is not available."""

    value: float | None
    note: str


@dataclass(frozen=True)
class Avoided:
    """One admissions measure's events avoided this period against the baseline."""

    measure: PublicMeasure
    events: str
    baseline_period: int
    period: int
    baseline_rate: float | None
    rate: float | None
    observed: int | None
    expected: float | None
    avoided: float | None
    adjusted: bool  # age-standardised; False: crude rates
    value: float | None  # dollars
    note: str


def _exposure(measure: PublicMeasure, cell: ResultCell) -> float | None:
    """Member-years of a rate; index events (the denominator) of a proportion."""
    return cell.member_years if per(measure) > 1 else cell.denominator


def _expected(measure: PublicMeasure, baseline_rate: float, exposure: float) -> float:
    return baseline_rate * exposure / per(measure)


def age_standardised_expected(
    measure: PublicMeasure, baseline: list[ResultCell], current: list[ResultCell], total: float
) -> float | None:
    """Expected events at the baseline's age-band rates; None unless every band is published in
    both periods and the bands hold (nearly) all of this period's exposure."""
    rates = {c.stratum: c.rate for c in baseline if c.shown}
    expected, covered = 0.0, 0.0
    for cell in current:
        exposure = None if cell.hidden is not None else _exposure(measure, cell)
        if exposure is None:
            return None
        if exposure == 0:
            continue
        rate = rates.get(cell.stratum)
        if rate is None:
            return None
        expected += _expected(measure, rate, exposure)
        covered += exposure
    if not current or total <= 0 or abs(covered - total) > COVERAGE_TOLERANCE * total:
        return None
    return expected


def cost_per_admission(published: Published) -> CostPerAdmission:
    """Inpatient paid per member-month x 12 / admissions per member-year, this period."""
    cost_measure = published.measures.get(INPATIENT_COST)
    cost = published.whole(INPATIENT_COST)
    admissions = published.whole(ALL_ADMISSIONS)
    if cost_measure is None or cost is None:
        return CostPerAdmission(None, "unavailable: no inpatient cost measure is published")
    if cost.hidden is not None:
        return CostPerAdmission(
            None, f"unavailable: the inpatient cost figure is not shown ({cost.hidden})"
        )
    if admissions is None or not admissions.shown or not cost.shown or not admissions.rate:
        return CostPerAdmission(None, "unavailable: the admission rate is not published")
    assert cost.rate is not None
    measure = published.measures[ALL_ADMISSIONS]
    value = cost.rate * 12 / (admissions.rate / per(measure))
    return CostPerAdmission(
        value,
        f"inpatient paid per member per month ({number(cost_measure, cost.rate)}) x 12, divided "
        f"by admissions per member-year ({admissions.rate / per(measure):.3f}): "
        f"{money(value)} per admission in {published.period}",
    )


def avoided(published: Published, measure_id: str, cost: CostPerAdmission) -> Avoided | None:
    """The measure's events avoided this period against the baseline; None if not published."""
    measure = published.measures.get(measure_id)
    now = published.whole(measure_id)
    if measure is None or now is None:
        return None
    first = published.baseline
    then = published.whole(measure_id, first)
    empty = Avoided(
        measure=measure,
        events=ADMISSION_MEASURES[measure_id],
        baseline_period=first,
        period=published.period,
        baseline_rate=None if then is None else then.rate,
        rate=now.rate,
        observed=now.numerator,
        expected=None,
        avoided=None,
        adjusted=False,
        value=None,
        note="",
    )
    if first == published.period:
        note = f"{first} is the only published period: it is the baseline."
        return replace(empty, note=note)
    exposure = _exposure(measure, now)
    if then is None or not then.shown or not now.shown or exposure is None or not exposure:
        return replace(empty, note="not computed: a result of one of the two periods is suppressed")
    assert then.rate is not None
    assert now.numerator is not None
    expected = age_standardised_expected(
        measure,
        published.of(measure_id, COLLABORATIVE, AGE_BAND, first),
        published.of(measure_id, COLLABORATIVE, AGE_BAND),
        float(exposure),
    )
    adjusted = expected is not None
    if expected is None:
        expected = _expected(measure, then.rate, float(exposure))
    saved = expected - now.numerator
    value = None if cost.value is None else saved * cost.value
    how = "age-standardised over the published age bands" if adjusted else "crude rates"
    return replace(
        empty,
        expected=expected,
        avoided=saved,
        adjusted=adjusted,
        value=value,
        note=f"{how}; dollar value: {cost.note if cost.value is None else money(value)}",
    )


def impact(published: Published) -> tuple[CostPerAdmission, list[Avoided]]:
    """The cost per admission, and every published admissions measure's events avoided."""
    cost = cost_per_admission(published)
    found = [avoided(published, measure_id, cost) for measure_id in ADMISSION_MEASURES]
    return cost, [a for a in found if a is not None]

"""Admissions and readmissions avoided against the baseline period, age-standardised where the
published age bands allow, valued at the region's own average paid per admission."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commontable.publishing import ResultCell
from commontable.reports.impact import age_standardised_expected, avoided, cost_per_admission
from commontable.reports.published import PublicMeasure, Published
from tests.published_results import result_cell
from tests.reports.conftest import Built

ADMISSIONS = PublicMeasure("IP-ADMISSIONS", "Admissions", "rate per 1,000", "", "", "", False)
READMISSIONS = PublicMeasure("HWR-30", "Readmissions", "proportion", "", "", "", False)
INPATIENT = PublicMeasure("COST-INPATIENT-PMPM", "Inpatient cost", "cost PMPM", "", "", "", False)


def whole(
    measure: PublicMeasure,
    period: int,
    rate: float,
    exposure: float,
    *,
    band: str = "all",
    suppressed: bool = False,
) -> ResultCell:
    """The collaborative's result (or one age band's): events from the rate and exposure."""
    per_year = measure.type.startswith("rate")
    events = round(rate * exposure / (1000 if per_year else 1))
    cell = result_cell(
        measure.measure_id,
        "collaborative",
        "collaborative",
        period=period,
        entity_name="Whole collaborative",
        stratum_type="all" if band == "all" else "age_band",
        stratum=band,
        denominator=0 if per_year else int(exposure),
        numerator=events,
        member_years=exposure if per_year else None,
        rate=rate,
    )
    return hidden(cell, "suppressed") if suppressed else cell


def hidden(cell: ResultCell, status: str, why: str = "Suppressed") -> ResultCell:
    """The cell as the public reader gives it when its figures are hidden."""
    return result_cell(
        cell.measure_id,
        cell.entity_type,
        cell.entity_id,
        period=cell.period,
        status=status,
        hidden=why,
        entity_name=cell.entity_name,
        stratum_type=cell.stratum_type,
        stratum=cell.stratum,
    )


def region(*cells: ResultCell, period: int = 2025) -> Published:
    measures = {m.measure_id: m for m in (ADMISSIONS, READMISSIONS, INPATIENT)}
    return Published(
        period=period,
        measures={k: v for k, v in measures.items() if any(c.measure_id == k for c in cells)},
        periods=sorted({c.period for c in cells}),
        published_at=datetime(2026, 5, 1, tzinfo=UTC),
        audit=None,
        members={},
        collaborative_name="Test",
        cells=list(cells),
    )


NO_COST = cost_per_admission(region(whole(ADMISSIONS, 2025, 80, 10_000)))


def test_avoided_admissions_are_the_baselines_rate_on_this_periods_population() -> None:
    found = region(whole(ADMISSIONS, 2024, 90, 9_000), whole(ADMISSIONS, 2025, 80, 10_000))
    result = avoided(found, "IP-ADMISSIONS", NO_COST)
    assert result is not None
    assert result.expected == pytest.approx(900)  # 90 per 1,000 x 10,000 member-years
    assert result.observed == 800
    assert result.avoided == pytest.approx(100)
    assert not result.adjusted
    assert "crude rates" in result.note


def test_an_older_population_is_not_taken_for_worse_care() -> None:
    """Both bands' rates are unchanged; the population moved to the older band."""
    cells = [
        whole(ADMISSIONS, 2024, 50, 8_000, band="18-64"),
        whole(ADMISSIONS, 2024, 200, 2_000, band="65+"),
        whole(ADMISSIONS, 2024, 80, 10_000),
        whole(ADMISSIONS, 2025, 50, 6_000, band="18-64"),
        whole(ADMISSIONS, 2025, 200, 4_000, band="65+"),
        whole(ADMISSIONS, 2025, 110, 10_000),
    ]
    result = avoided(region(*cells), "IP-ADMISSIONS", NO_COST)
    assert result is not None
    assert result.adjusted
    assert result.expected == pytest.approx(50 * 6 + 200 * 4)  # 1,100: as observed
    assert result.avoided == pytest.approx(0)


def test_a_suppressed_age_band_falls_back_to_crude_rates() -> None:
    bands = [
        whole(ADMISSIONS, 2024, 50, 8_000, band="18-64"),
        whole(ADMISSIONS, 2025, 50, 6_000, band="18-64", suppressed=True),
    ]
    total = 10_000.0
    assert age_standardised_expected(ADMISSIONS, bands[:1], bands[1:], total) is None


def test_bands_must_hold_the_whole_population() -> None:
    then = [whole(ADMISSIONS, 2024, 50, 8_000, band="18-64")]
    now = [whole(ADMISSIONS, 2025, 50, 6_000, band="18-64")]
    assert age_standardised_expected(ADMISSIONS, then, now, 10_000.0) is None
    assert age_standardised_expected(ADMISSIONS, then, now, 6_000.0) == pytest.approx(300)


def test_readmissions_avoided_count_index_stays() -> None:
    found = region(whole(READMISSIONS, 2024, 0.15, 1_000), whole(READMISSIONS, 2025, 0.12, 1_000))
    result = avoided(found, "HWR-30", NO_COST)
    assert result is not None
    assert result.avoided == pytest.approx(30)


def test_with_one_period_it_is_the_baseline() -> None:
    result = avoided(region(whole(ADMISSIONS, 2025, 80, 10_000)), "IP-ADMISSIONS", NO_COST)
    assert result is not None
    assert result.avoided is None
    assert "only published period" in result.note


def test_the_dollar_value_uses_the_regions_paid_per_admission() -> None:
    cost = whole(INPATIENT, 2025, 120.0, 1_000)
    cells = [whole(ADMISSIONS, 2024, 90, 9_000), whole(ADMISSIONS, 2025, 80, 10_000), cost]
    found = region(*cells)
    per_admission = cost_per_admission(found)
    assert per_admission.value == pytest.approx(120.0 * 12 / 0.080)  # $18,000
    result = avoided(found, "IP-ADMISSIONS", per_admission)
    assert result is not None
    assert result.value == pytest.approx(100 * 18_000)
    why = "Withheld: fewer than 5 providers contribute to it (2)"
    others = [c for c in cells if c is not cost]
    withheld = cost_per_admission(region(*others, hidden(cost, "withheld", why)))
    assert withheld.value is None
    assert "not shown (Withheld: fewer than 5 providers" in withheld.note


def test_without_a_cost_measure_the_value_is_unavailable() -> None:
    assert NO_COST.value is None
    assert NO_COST.note == "unavailable: no inpatient cost measure is published"


def test_the_impact_page_states_counts_value_and_method(built: Built) -> None:
    page = built.page("impact.html")
    assert "Events avoided in 2025 against the rates of 2024" in page
    assert ">100.0<" in page  # admissions: 900 expected, 800 observed
    assert ">30.0<" in page  # readmissions: 150 expected, 120 observed
    assert "$1,851,750" in page  # 100 x $123.45 x 12 / 0.080
    assert "indirect age standardisation" in page

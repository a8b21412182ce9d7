"""Better, no different or worse than the rest of the collaborative: said only where the
difference is statistically significant and the result is reliable enough (a threshold the
collaborative sets, 0.7 by default)."""

from __future__ import annotations

from dataclasses import replace

from commontable.reports.verdicts import group_verdict, verdict
from tests.published_results import result_cell
from tests.reports.conftest import Built
from tests.reports.test_safety_zone import row_of

CELL = result_cell(
    "CMS125",
    "clinic",
    "birch",
    comparison="better",
    denominator=186,
    numerator=157,
    rate=0.844,
    ci_low=0.785,
    ci_high=0.889,
    reliability=0.91,
)


def test_a_significant_reliable_result_is_labelled() -> None:
    assert verdict(CELL).kind == "better"
    worse = verdict(replace(CELL, comparison="worse"))
    assert worse.text == "Worse than the rest of the collaborative"


def test_a_significant_result_below_the_reliability_threshold_is_not_labelled() -> None:
    found = verdict(replace(CELL, reliability=0.69))
    assert found.kind is None
    assert found.text == "Not rated: reliability 0.69 is below 0.70"


def test_the_threshold_is_the_collaboratives() -> None:
    assert verdict(replace(CELL, reliability=0.55), min_reliability=0.5).kind == "better"
    assert verdict(CELL, min_reliability=0.95).kind is None


def test_a_reliable_result_that_is_not_significant_is_no_different() -> None:
    assert verdict(replace(CELL, comparison="average")).text == (
        "No different from the rest of the collaborative"
    )


def test_without_a_reliability_estimate_there_is_no_label() -> None:
    found = verdict(replace(CELL, reliability=None))
    assert (found.kind, found.text) == (
        None,
        "Not rated: reliability is not estimated for this result",
    )


def test_too_few_and_suppressed_results_are_not_labelled() -> None:
    assert verdict(replace(CELL, status="too few")).kind is None
    hidden = replace(CELL, status="suppressed", hidden="Suppressed to protect small numbers")
    assert verdict(hidden).kind is None
    assert verdict(replace(CELL, comparison=None)).kind is None


def test_groups_of_people_are_compared_on_significance_alone() -> None:
    group = replace(CELL, entity_type="collaborative", stratum_type="race", reliability=None)
    assert group_verdict(group).text == "Better than the rest of the collaborative"


def test_the_measure_page_labels_only_significant_reliable_results(built: Built) -> None:
    page = built.page("measures/CMS125.html")
    assert "Better than the rest of the collaborative" in row_of(page, "Birch Clinic")
    cedar = row_of(page, "Cedar Clinic")  # significant, reliability 0.55
    assert "Not rated: reliability 0.55 is below 0.70" in cedar
    assert "Better" not in cedar
    assert "No different from the rest of the collaborative" in row_of(page, "Dogwood Clinic")
    assert "Worse than the rest of the collaborative" in row_of(page, "Elm Clinic")


def test_the_charts_colour_only_labelled_results(built: Built) -> None:
    chart = (built.site / "charts" / "CMS125-clinic.svg").read_text()
    assert chart.count('fill="#009E73"') >= 1  # Birch, better
    assert chart.count('fill="#D55E00"') >= 1  # Elm, worse
    assert 'fill="#767676"' in chart  # Cedar: not rated

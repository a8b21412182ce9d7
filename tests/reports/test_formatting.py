"""Figures as people read them, for every measure type the library has; a plain explanation
for every library measure."""

from __future__ import annotations

import pytest

from commontable.display.formatting import interval_text, number, rate_text, unit
from commontable.measures.definition import TYPES
from commontable.measures.library import MEASURES
from commontable.reports.explanations import PLAIN
from commontable.reports.published import PublicMeasure


def measure(kind: str) -> PublicMeasure:
    return PublicMeasure("X", "X", kind, "", "", "", True)


@pytest.mark.parametrize(
    ("kind", "value", "bare", "full", "what"),
    [
        ("proportion", 0.71, "71.0%", "71.0%", "percent"),
        ("rate per 1,000", 575.04, "575.0", "575.0 per 1,000 member-years",
         "per 1,000 member-years"),
        ("rate per 100,000", 1234.56, "1,234.6", "1,234.6 per 100,000 member-years",
         "per 100,000 member-years"),
        ("cost PMPM", 412.345, "$412.35", "$412.35 PMPM", "dollars per member per month"),
    ],
)  # fmt: skip
def test_each_measure_type_reads_with_its_unit(
    kind: str, value: float, bare: str, full: str, what: str
) -> None:
    assert number(measure(kind), value) == bare
    assert rate_text(measure(kind), value) == full
    assert unit(measure(kind)) == what


def test_every_type_of_the_library_is_formatted() -> None:
    assert {m: unit(measure(m)) for m in TYPES}.keys() == set(TYPES)
    assert all(unit(measure(m)) != m for m in TYPES)


def test_missing_figures_print_nothing() -> None:
    assert number(measure("proportion"), None) == ""
    assert number(measure("proportion"), float("nan")) == ""
    assert interval_text(measure("proportion"), 0.1, None) == ""


def test_every_library_measure_has_a_plain_explanation() -> None:
    assert set(MEASURES) <= set(PLAIN)

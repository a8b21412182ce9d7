"""Figures as people read them: 71.0%, 575.0 per 1,000 member-years, $412.35 per member-month."""

from __future__ import annotations

import math
import re
from typing import Protocol

PROPORTION = "proportion"


class Typed(Protocol):
    """Anything that says what kind of figure a measure gives: a published or public measure."""

    @property
    def type(self) -> str: ...


def _missing(value: float | None) -> bool:
    return value is None or math.isnan(value)


def is_proportion(measure: Typed) -> bool:
    return measure.type == PROPORTION


def is_money(measure: Typed) -> bool:
    return "cost" in measure.type.lower() or "pmpm" in measure.type.lower()


def is_cost(measure: Typed) -> bool:
    """A price or cost measure (paid per member-month), which the sharing rule covers."""
    return is_money(measure)


def per(measure: Typed) -> int:
    """The member-years a rate is per (1,000 or 100,000); 1 for other types."""
    found = re.search(r"per ([\d,]+)", measure.type)
    return int(found.group(1).replace(",", "")) if found else 1


def unit(measure: Typed) -> str:
    """What the number counts, for axis titles and table headings."""
    if is_proportion(measure):
        return "percent"
    if is_money(measure):
        return "dollars per member per month"
    if per(measure) > 1:
        return f"per {per(measure):,} member-years"
    return measure.type


def number(measure: Typed, value: float | None) -> str:
    """The bare figure, without its unit: 71.0%, 575.0, $412.35."""
    if _missing(value):
        return ""
    assert value is not None
    if is_proportion(measure):
        return f"{value:.1%}"
    if is_money(measure):
        return f"${value:,.2f}"
    return f"{value:,.1f}"


def rate_text(measure: Typed, value: float | None) -> str:
    """The figure with its unit: 71.0%, 575.0 per 1,000 member-years, $412.35 PMPM."""
    shown = number(measure, value)
    if not shown or is_proportion(measure):
        return shown
    if is_money(measure):
        return f"{shown} PMPM"
    return f"{shown} {unit(measure)}" if per(measure) > 1 else shown


def interval_text(measure: Typed, low: float | None, high: float | None) -> str:
    """A 95% interval: 65.2% to 70.1%."""
    if _missing(low) or _missing(high):
        return ""
    return f"{number(measure, low)} to {number(measure, high)}"


def count_text(value: int | float | None) -> str:
    """A count with thousands separators; member-years to one decimal."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def reliability_text(value: float | None) -> str:
    return "" if _missing(value) else f"{value:.2f}"


def money(value: float | None) -> str:
    """Dollars, rounded to the dollar: $1,234,567."""
    if _missing(value):
        return ""
    assert value is not None
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.0f}"

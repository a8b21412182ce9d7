"""Values of goals as people write and read them: 72% or 0.72 for a proportion, 575.0 per
1,000 for a rate, $412.50 PMPM for a cost."""

from __future__ import annotations

from commontable.errors import UserError

PROPORTION = "proportion"
COST = "cost PMPM"


def value_text(unit: str, value: float | None) -> str:
    """A value in its unit, for pages and the command line; blank for None."""
    if value is None:
        return ""
    if unit == PROPORTION:
        return f"{value:.1%}"
    if unit == COST:
        return f"${value:,.2f} PMPM"
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if unit.startswith("rate "):
        return f"{value:,.1f} {unit.removeprefix('rate ')}"
    return f"{number} {unit}".strip()


def share_text(share: float | None) -> str:
    """How far along, as a percentage of the way from baseline to target."""
    return "" if share is None else f"{share:.0%}"


def parse_value(text: str, unit: str, what: str = "value") -> float:
    """A value typed into a form or a command: "72%" and "0.72" are the same proportion;
    thousands separators and a leading $ are allowed."""
    cleaned = text.strip().replace(",", "").removeprefix("$").strip()
    percent = cleaned.endswith("%")
    try:
        value = float(cleaned.removesuffix("%").strip())
    except ValueError:
        raise UserError(f"the {what} '{text}' is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise UserError(f"the {what} '{text}' is not a number")
    if percent:
        value /= 100
    if unit == PROPORTION and not 0 <= value <= 1:
        raise UserError(f"the {what} '{text}' is a proportion: write it as 72% or 0.72")
    return value

"""Reading the plan pages' form fields: optional choices from selects, enum values, dates."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TypeVar

from commontable.appdb import MAX_ID
from commontable.errors import UserError

Choice = TypeVar("Choice", bound=StrEnum)
HIGHER, LOWER = "higher", "lower"


def optional_id(value: str, what: str) -> int | None:
    """A select's id, or None for its empty "none" option."""
    value = value.strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID):
        raise UserError(f"'{value}' is not a {what}")
    return int(value)


def optional_date(value: str, what: str) -> date | None:
    """A date field left empty, or filled as 2027-12-31."""
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(f"{what} '{value}' is not a date like 2027-12-31") from None


def higher_is_better(value: str) -> bool:
    """A custom measure's direction from its select."""
    if value not in (HIGHER, LOWER):
        raise UserError(f"say whether higher or lower is better, not '{value}'")
    return value == HIGHER

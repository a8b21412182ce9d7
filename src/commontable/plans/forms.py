"""Reading the plan pages' own form fields: a custom measure's direction."""

from __future__ import annotations

from commontable.errors import UserError

HIGHER, LOWER = "higher", "lower"


def higher_is_better(value: str) -> bool:
    """A custom measure's direction from its select."""
    if value not in (HIGHER, LOWER):
        raise UserError(f"say whether higher or lower is better, not '{value}'")
    return value == HIGHER

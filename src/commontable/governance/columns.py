"""Column types governance's tables share."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


def choice(kind: type[StrEnum], name: str) -> Enum:
    """A VARCHAR with a CHECK on the allowed values: identical on SQLite and PostgreSQL (the
    same column type as the members' tables use)."""
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,  # room for new values without widening the column
        validate_strings=True,
        values_callable=lambda members: [member.value for member in members],
    )

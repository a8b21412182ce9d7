"""The declarative base every part's tables derive from, and the column types they share."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Dialect, Enum, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# The largest row id an INTEGER column holds on PostgreSQL: the web refuses larger ids (422)
# before they reach the database, whose drivers fail on integers past 64 bits.
MAX_ID = 2**31 - 1
# Named constraints, so migrations can drop and alter them by name on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every app DB table; one MetaData, so Alembic sees the whole schema."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def choice(kind: type[StrEnum], name: str) -> Enum:
    """A VARCHAR with a CHECK on the allowed values: identical on SQLite and PostgreSQL."""
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,  # room for new values without widening the column
        validate_strings=True,
        values_callable=lambda members: [member.value for member in members],
    )


def utcnow() -> datetime:
    """Now, timezone-aware in UTC: the only kind of timestamp the app DB stores."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and read back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the app DB stores timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        # SQLite keeps no zone; what it holds was written as UTC by process_bind_param.
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

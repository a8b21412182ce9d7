"""What governance's routes share: the signed-in person, form fields with names made from
ids (a rating per item, a rank per option), and times typed into a form."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, TypeVar

from fastapi import Depends, Path, Request

from commontable.appdb import MAX_ID
from commontable.errors import UserError
from commontable.members import Person, get_person
from commontable.routing.context import RouteContext

RowId = Annotated[int, Path(ge=1, le=MAX_ID)]  # a row id in a path


async def _form_fields(request: Request) -> dict[str, str]:
    """Every text field of the posted form (Starlette parses the form once per request)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(_form_fields)]


def signed_in_person(context: RouteContext) -> Person:
    """The person signed in (governance's routes are for people, not API tokens)."""
    person_id = context.signed_in.person_id
    if person_id is None:
        raise UserError("only a signed-in person may do this")
    return get_person(context.session, person_id)


def utc_time(value: str, what: str) -> datetime:
    """A time typed into a form (2025-03-10T17:00, as datetime-local sends it), read as UTC."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UserError(f"{what} '{value}' is not a date and time like 2025-03-10T17:00") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


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


Choice = TypeVar("Choice", bound=StrEnum)


def one_of(kind: type[Choice], value: str, what: str) -> Choice:
    """An enum value from a form field; anything else says what the choices are."""
    try:
        return kind(value)
    except ValueError:
        raise UserError(f"'{value}' is not a {what}; one of: {', '.join(kind)}") from None


def optional_one_of(kind: type[Choice], value: str, what: str) -> Choice | None:
    """An enum value from a form field that may be left empty."""
    return one_of(kind, value, what) if value.strip() else None

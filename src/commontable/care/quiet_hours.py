"""A team's quiet hours: email and webhooks wait until they end; the work list never waits."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commontable.errors import UserError


class Quiet(Protocol):
    quiet_from: time | None
    quiet_until: time | None
    time_zone: str


def zone_of(name: str) -> ZoneInfo:
    """An IANA time zone ("America/Chicago"), or a UserError naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UserError(
            f"unknown time zone {name!r}: give an IANA name like America/Chicago"
        ) from error


def _quiet(at: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= at < end
    return at >= start or at < end  # over midnight, e.g. 20:00 to 07:00


def after_quiet_hours(team: Quiet, now: datetime) -> datetime:
    """`now`, or when the team's quiet hours around `now` end (in UTC)."""
    start, end = team.quiet_from, team.quiet_until
    if start is None or end is None or start == end:
        return now
    local = now.astimezone(zone_of(team.time_zone))
    if not _quiet(local.time(), start, end):
        return now
    zone = local.tzinfo
    ends = datetime.combine(local.date(), end, tzinfo=zone)
    if ends <= local:
        ends = datetime.combine(local.date() + timedelta(days=1), end, tzinfo=zone)
    return ends.astimezone(UTC)

"""What the measures of coordination read of the care teams' work: for each event the live feed
received, how many teams were entitled to hear of it, whether consent withheld it and when the
first team was told; for each notification, what came of it. Copied from the app DB into the
warehouse (`care_notice`, `care_notification`) at every measure run, whole.

No name, birth date or note leaves the app DB: the rows carry the message's id, by which the
measures join them to the person's `adt_event` row, and what the notifier and the team decided.
Retracted events (A11, A13) are left out, as are their notifications: they did not happen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
from sqlalchemy import Engine, func, select

from commontable.appdb import transaction
from commontable.care.models import CareEvent, CareTeam, Notification
from commontable.warehouse import Warehouse


def copy_notices(engine: Engine, warehouse: Warehouse) -> int:
    """Replace the warehouse's copy of the care events and notifications; the events copied."""
    told = (
        select(
            Notification.event_id,
            func.count().label("notifications"),
            func.min(Notification.created_at).label("notified_at"),
        )
        .group_by(Notification.event_id)
        .subquery()
    )
    events = (
        select(
            CareEvent.data_source,
            CareEvent.message_control_id,
            CareEvent.kind,
            CareEvent.occurred_at,
            CareEvent.received_at,
            CareEvent.entitled,
            CareEvent.withheld,
            func.coalesce(told.c.notifications, 0),
            told.c.notified_at,
        )
        .outerjoin(told, told.c.event_id == CareEvent.id)
        .where(CareEvent.retracted_at.is_(None))
    )
    notifications = (
        select(
            Notification.id,
            CareEvent.data_source,
            CareEvent.message_control_id,
            CareTeam.kind,
            Notification.created_at,
            Notification.completed_at,
            Notification.outcome,
        )
        .join(CareEvent, Notification.event_id == CareEvent.id)
        .join(CareTeam, Notification.team_id == CareTeam.id)
        .where(CareEvent.retracted_at.is_(None))
    )
    with transaction(engine) as session:
        event_rows = session.execute(events).all()
        notification_rows = session.execute(notifications).all()
    notified = [(str(row[0]), *row[1:]) for row in notification_rows]
    warehouse.replace(
        {
            "care_notice": _arrow(warehouse.schemas["care_notice"].to_pyarrow(), event_rows),
            "care_notification": _arrow(
                warehouse.schemas["care_notification"].to_pyarrow(), notified
            ),
        }
    )
    return len(event_rows)


def _arrow(schema: pa.Schema, rows: Sequence[Sequence[Any]]) -> pa.Table:
    """Rows as columns: enums as their values, times as naive UTC (the warehouse's timestamps)."""
    names = schema.names
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    data = {name: [_plain(v) for v in column] for name, column in zip(names, columns, strict=True)}
    return pa.Table.from_pydict(data, schema=schema)


def _plain(value: object) -> object:
    if isinstance(value, str):  # StrEnum members too: their value
        return str(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value

"""The measures' copy of the care teams' work: every standing event with what the notifier made
of it, every notification with its outcome, and nothing about the patient."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from commontable.care.models import Notification, Outcome, WorkStatus
from commontable.care.notices import copy_notices
from commontable.warehouse import Warehouse, connect
from tests.care.conftest import CareRegion
from tests.care.messages import visit_message
from tests.care.test_notify import RECEIVED, feed


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    with connect(str(tmp_path / "warehouse.duckdb")) as store:
        yield store


def _copied(db: Session, warehouse: Warehouse) -> tuple[list[dict], list[dict]]:
    db.commit()
    copy_notices(db.get_bind(), warehouse)  # type: ignore[arg-type]
    notices = warehouse.table("care_notice").to_pyarrow().to_pylist()
    told = warehouse.table("care_notification").to_pyarrow().to_pylist()
    return notices, told


def test_each_event_is_copied_with_its_teams_and_first_notification(
    db: Session, care_region: CareRegion, warehouse: Warehouse
) -> None:
    feed(db, care_region, visit_message("A03", "M1", patient_class="I", disposition="01"))
    (notice,), told = _copied(db, warehouse)
    assert (notice["message_control_id"], notice["entitled"], notice["notifications"]) == (
        "M1",
        2,
        2,
    )
    assert notice["notified_at"] == RECEIVED.replace(tzinfo=None)
    assert notice["occurred_at"] == datetime(2025, 3, 1, 10, 15)
    assert len(told) == 2


def test_a_completed_notification_carries_its_outcome(
    db: Session, care_region: CareRegion, warehouse: Warehouse
) -> None:
    feed(db, care_region, visit_message("A04", "M1"))
    first = db.scalars(select(Notification).order_by(Notification.id)).first()
    assert first is not None
    first.status, first.outcome, first.note = WorkStatus.COMPLETED, Outcome.CONTACTED, "called her"
    first.completed_at = RECEIVED
    _, told = _copied(db, warehouse)
    assert sorted(str(row["outcome"]) for row in told) == ["None", "contacted"]


def test_a_retracted_event_and_its_notifications_are_not_copied(
    db: Session, care_region: CareRegion, warehouse: Warehouse
) -> None:
    feed(db, care_region, visit_message("A04", "M1"), visit_message("A11", "M2"))
    notices, told = _copied(db, warehouse)
    assert (notices, told) == ([], [])


def test_nothing_about_the_patient_is_copied(
    db: Session, care_region: CareRegion, warehouse: Warehouse
) -> None:
    feed(db, care_region, visit_message("A04", "M1"))
    notices, told = _copied(db, warehouse)
    values = {str(v) for row in notices + told for v in row.values()}
    assert not values & {"Sarah Moore", "1973-10-16", "H1001", "R10.9", "called her"}

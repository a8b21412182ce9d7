"""After a match, the live feed's events follow their people: a provisional patient's events
take the matched person, and the teams that follow that person are told, late."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commontable.audit import Actor
from commontable.care import reconcile
from commontable.care.events import meaning
from commontable.care.models import CareEvent, ConsentDecision, Notification
from commontable.care.notify import PersonRef, notify
from commontable.care.teams import record_consent
from commontable.identity.arrivals import provisional_id
from commontable.warehouse import Warehouse, adt_message, connect
from tests.care.conftest import SARAH, CareRegion
from tests.care.messages import visit_message
from tests.care.test_notify import RECEIVED

NEWCOMER = "H2002"  # a patient the feed's matcher did not know: kept under a provisional id


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    with connect(str(tmp_path / "warehouse.duckdb")) as store:
        yield store


def _arrives(db: Session, region: CareRegion, *messages: str) -> None:
    source = region.hospital.data_source
    meanings = [meaning(adt_message(m) or {}, source, RECEIVED) for m in messages]
    provisional = PersonRef(provisional_id(source, NEWCOMER), provisional=True)
    notify(db, [m for m in meanings if m is not None], {(source, NEWCOMER): provisional})
    db.commit()


def _matched(warehouse: Warehouse, region: CareRegion, person: str = SARAH) -> None:
    """The next match links the newcomer's record to `person`."""
    schema = warehouse.schemas["person_crosswalk"].to_pyarrow()
    row = {
        "data_source": region.hospital.data_source,
        "source_person_id": NEWCOMER,
        "person_id": person,
        "match_probability": 0.99,
        "match_method": "splink",
    }
    warehouse.replace({"person_crosswalk": pa.Table.from_pylist([row], schema=schema)})


def _notifications(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Notification)) or 0


def test_a_provisional_patients_event_notifies_nobody_until_matched(
    db: Session, care_region: CareRegion
) -> None:
    _arrives(db, care_region, visit_message("A04", "M1", NEWCOMER))
    assert _notifications(db) == 0


def test_after_the_match_the_event_has_its_person_and_her_teams_are_told_late(
    db: Session, care_region: CareRegion, warehouse: Warehouse
) -> None:
    _arrives(db, care_region, visit_message("A04", "M1", NEWCOMER))
    _matched(warehouse, care_region)
    done = reconcile(db.get_bind(), warehouse)  # type: ignore[arg-type]
    db.expire_all()
    event = db.scalars(select(CareEvent)).one()
    assert (event.person_id, event.provisional) == (SARAH, False)
    assert (done.events, done.notifications) == (1, 2)
    assert _notifications(db) == 2


def test_reconciling_again_tells_nobody_twice(
    db: Session, care_region: CareRegion, warehouse: Warehouse
) -> None:
    _arrives(db, care_region, visit_message("A04", "M1", NEWCOMER))
    _matched(warehouse, care_region)
    reconcile(db.get_bind(), warehouse)  # type: ignore[arg-type]
    again = reconcile(db.get_bind(), warehouse)  # type: ignore[arg-type]
    assert (again.events, again.notifications) == (0, 0)
    assert _notifications(db) == 2


def test_a_matched_person_who_opted_out_is_still_not_told_of(
    db: Session, care_region: CareRegion, warehouse: Warehouse
) -> None:
    record_consent(db, Actor(), [SARAH], ConsentDecision.OPT_OUT, care_region.plan)
    _arrives(db, care_region, visit_message("A04", "M1", NEWCOMER))
    _matched(warehouse, care_region)
    done = reconcile(db.get_bind(), warehouse)  # type: ignore[arg-type]
    assert (done.events, done.notifications) == (1, 0)
    db.expire_all()
    assert db.scalars(select(CareEvent.withheld)).one() == "the person opted out"


def test_a_retracted_event_stays_as_it_was(
    db: Session, care_region: CareRegion, warehouse: Warehouse
) -> None:
    _arrives(
        db,
        care_region,
        visit_message("A04", "M1", NEWCOMER),
        visit_message("A11", "M2", NEWCOMER),
    )
    _matched(warehouse, care_region)
    done = reconcile(db.get_bind(), warehouse)  # type: ignore[arg-type]
    assert done.events == 0

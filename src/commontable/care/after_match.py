"""After a match: the live feed's events follow their people. An event kept under a provisional
id (a patient the feed's matcher did not know) takes the person id the crosswalk now gives its
patient, as does one whose person a merge or split changed, and every care team entitled to it
now and not yet told is notified, late (the measures of coordination count how late)."""

from __future__ import annotations

from datetime import datetime

import ibis
from sqlalchemy import Engine, select, tuple_

from commontable.appdb import transaction
from commontable.care.models import CareEvent
from commontable.care.notify import Notified, notify_again
from commontable.warehouse import Warehouse

Patient = tuple[str, str]  # (data_source, source_person_id)


def reconcile(engine: Engine, warehouse: Warehouse, now: datetime | None = None) -> Notified:
    """Re-key the standing events whose person the crosswalk changed; notify the teams now
    entitled. Returns what the late round made (`events`: the events re-keyed)."""
    with transaction(engine) as session:
        kept = session.execute(
            select(CareEvent.data_source, CareEvent.source_person_id, CareEvent.person_id)
            .where(CareEvent.retracted_at.is_(None))
            .distinct()
        )
        changed = _changed(
            warehouse, [(source, patient, person) for source, patient, person in kept]
        )
        if not changed:
            return Notified()
        events = list(
            session.scalars(
                select(CareEvent).where(
                    CareEvent.retracted_at.is_(None),
                    tuple_(CareEvent.data_source, CareEvent.source_person_id).in_(changed),
                )
            )
        )
        for event in events:
            event.person_id = changed[(event.data_source, event.source_person_id)]
            event.provisional = False
        session.flush()
        done = notify_again(session, events, now)
        done.events = len(events)
        return done


def _changed(warehouse: Warehouse, kept: list[tuple[str, str, str]]) -> dict[Patient, str]:
    """The patients whose person in the crosswalk differs from the one their events carry."""
    if not kept:
        return {}
    sources, patients, persons = (list(column) for column in zip(*kept, strict=True))
    events = ibis.memtable(
        {"data_source": sources, "source_person_id": patients, "_kept": persons},
        schema={"data_source": "string", "source_person_id": "string", "_kept": "string"},
    )
    crosswalk = warehouse.table("person_crosswalk").select(
        "data_source", "source_person_id", "person_id"
    )
    joined = events.join(crosswalk, ["data_source", "source_person_id"])
    rows = joined.filter(joined.person_id != joined._kept).to_pyarrow().to_pylist()
    return {(r["data_source"], r["source_person_id"]): r["person_id"] for r in rows}

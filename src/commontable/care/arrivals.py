"""The feed's accepted messages made into encounter events and notifications, a round at a time,
seconds after they arrive (the warehouse load follows on its own schedule)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import tzinfo
from pathlib import Path

from sqlalchemy import Engine

from commontable.appdb import transaction, utcnow
from commontable.care.events import Encounter, Retraction, meaning
from commontable.care.notify import Notified, PersonRef, SourcePerson, notify
from commontable.identity import ArrivalMatcher, crosswalk_version, provisional_id, source_people
from commontable.warehouse import Warehouse, adt_message

log = logging.getLogger(__name__)
Resolve = Callable[[Sequence[Encounter]], dict[SourcePerson, PersonRef]]
WarehouseTurn = Callable[[], AbstractContextManager[Warehouse]]


class FeedPeople:
    """Who a feed's patients are: the person the last match made of each patient id (its
    crosswalk); for an id it has not seen, the person the saved model matches the message's
    demographics to; else a provisional id until the next match. Read again (and the model's
    known persons with it) after a load, when a match has run since."""

    EVERY_SECONDS = 60.0

    def __init__(
        self, warehouse: WarehouseTurn, source: str, model: Path, threshold: float = 0.9
    ) -> None:
        self.warehouse, self.source = warehouse, source
        self.model, self.threshold = model, threshold
        self.known: dict[str, str] = {}
        self.matched: dict[str, str] = {}  # ids the model matched since the crosswalk was read
        self.matcher: ArrivalMatcher | None = None
        self.version: tuple[object, ...] | None = None
        self.read_at = -self.EVERY_SECONDS
        self.lock = threading.Lock()
        self.refresh()

    def refresh(self) -> None:
        """Read the crosswalk again if a minute has passed and a match has run since."""
        if time.monotonic() - self.read_at < self.EVERY_SECONDS:
            return
        self.read_at = time.monotonic()
        with self.warehouse() as store:
            version = crosswalk_version(store)
            if version == self.version:
                return
            known = source_people(store, self.source)
            matcher = ArrivalMatcher(store, self.model, self.threshold)
        with self.lock:
            if self.matcher is not None:
                self.matcher.close()
            self.known, self.matcher, self.matched, self.version = known, matcher, {}, version

    def resolve(self, encounters: Sequence[Encounter]) -> dict[SourcePerson, PersonRef]:
        """Each encounter's person (see the class)."""
        with self.lock:
            unseen = {
                e.source_person_id: e.demographics
                for e in encounters
                if e.source_person_id not in self.known and e.source_person_id not in self.matched
            }
            if unseen and self.matcher is not None:
                self.matched.update(self.matcher.match(unseen))
            resolved: dict[SourcePerson, PersonRef] = {}
            for encounter in encounters:
                key = (encounter.data_source, encounter.source_person_id)
                person_id = self.known.get(key[1]) or self.matched.get(key[1])
                resolved[key] = (
                    PersonRef(person_id)
                    if person_id is not None
                    else PersonRef(provisional_id(*key), provisional=True)
                )
            return resolved


class Arrivals:
    """Makes one member's feed messages into events and notifications in the app DB."""

    def __init__(self, engine: Engine, data_source: str, resolve: Resolve, zone: tzinfo) -> None:
        self.engine = engine
        self.data_source = data_source
        self.resolve = resolve
        self.zone = zone
        self.notified = Notified()
        self.unreadable = 0  # accepted, but a load would quarantine them: nothing to notify
        self._lock = threading.Lock()  # rounds run one at a time

    def meanings(self, messages: Sequence[str]) -> list[Encounter | Retraction]:
        received = utcnow()
        found: list[Encounter | Retraction] = []
        for text in messages:
            row = adt_message(text)
            if row is None:
                self.unreadable += 1
                continue
            meant = meaning(row, self.data_source, received, self.zone)
            if meant is not None:
                found.append(meant)
        return found

    def round(self, messages: Sequence[str]) -> Notified:
        """One round: the messages' events kept and notified, in one transaction."""
        with self._lock:
            meanings = self.meanings(messages)
            if not meanings:
                return Notified()
            encounters = [m for m in meanings if isinstance(m, Encounter)]
            with transaction(self.engine) as session:
                done = notify(session, meanings, self.resolve(encounters))
            self.notified.add(done)
            return done

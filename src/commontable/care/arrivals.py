"""The feed's accepted messages made into encounter events and notifications, a round at a time,
seconds after they arrive (the warehouse load follows on its own schedule)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import tzinfo

from sqlalchemy import Engine

from commontable.appdb import transaction, utcnow
from commontable.care.events import Encounter, Retraction, meaning
from commontable.care.notify import Notified, PersonRef, SourcePerson, notify
from commontable.identity import provisional_id
from commontable.warehouse import adt_message

log = logging.getLogger(__name__)
SourcePeople = Callable[[], Mapping[str, str]]  # the member's patient ids -> person ids


class Arrivals:
    """Makes one member's feed messages into events and notifications in the app DB."""

    def __init__(
        self, engine: Engine, data_source: str, people: SourcePeople, zone: tzinfo
    ) -> None:
        self.engine = engine
        self.data_source = data_source
        self.people = people
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

    def resolve(self, encounters: Sequence[Encounter]) -> dict[SourcePerson, PersonRef]:
        """Each encounter's person: matched already, or provisional until the next match."""
        known = self.people()
        resolved: dict[SourcePerson, PersonRef] = {}
        for encounter in encounters:
            key = (encounter.data_source, encounter.source_person_id)
            person_id = known.get(encounter.source_person_id)
            resolved[key] = (
                PersonRef(person_id)
                if person_id is not None
                else PersonRef(provisional_id(*key), provisional=True)
            )
        return resolved

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

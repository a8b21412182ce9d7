"""What an accepted ADT message means to a care team: an encounter event (ED visit, admission,
discharge, transfer, death) with the minimum it needs, a retraction of an earlier one (A11,
A13), or nothing to notify (A08 updates, outpatient registrations).

Trigger events per HL7 v2.5.1 chapter 3; patient class per Table 0004; discharge disposition
per the NUBC UB-04 patient discharge status (FL 17), which PV1-36 carries in US feeds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from commontable.care.models import CareSetting, EventKind

# HL7 Table 0004 patient class -> the setting a team chooses to hear.
SETTINGS = {
    "E": CareSetting.EMERGENCY,
    "I": CareSetting.INPATIENT,
    "O": CareSetting.OUTPATIENT,
    "R": CareSetting.OUTPATIENT,  # recurring patient
    "P": CareSetting.OUTPATIENT,  # preadmit
    "B": CareSetting.OBSTETRICS,
}
# NUBC patient discharge status codes for death: 20 expired, 40 expired at home, 41 expired in a
# medical facility, 42 expired, place unknown (the last three for hospice claims).
EXPIRED = frozenset({"20", "40", "41", "42"})
# A11 cancels an admit or visit notification (A01, A04); A13 cancels a discharge (A03).
CANCELS = {
    "A11": frozenset({EventKind.ADMISSION, EventKind.ED_VISIT}),
    "A13": frozenset({EventKind.DISCHARGE, EventKind.DEATH}),
}


@dataclass(frozen=True)
class Encounter:
    """One notifiable event of one source person, with what a care team may be shown."""

    data_source: str
    message_control_id: str
    trigger: str
    kind: EventKind
    setting: CareSetting
    source_person_id: str
    occurred_at: datetime
    facility: str
    location: str
    visit_number: str
    diagnosis_code: str
    discharge_disposition: str
    demographics: Mapping[str, str | None]  # for matching the person

    @property
    def patient_name(self) -> str:
        """Given then family name, as a care team reads it."""
        names = (self.demographics.get("first_name"), self.demographics.get("last_name"))
        return " ".join(name.strip() for name in names if name and name.strip())


@dataclass(frozen=True)
class Retraction:
    """A cancel (A11, A13): the visit's earlier events of these kinds did not happen."""

    data_source: str
    message_control_id: str
    source_person_id: str
    visit_number: str
    kinds: frozenset[EventKind]


DEMOGRAPHICS = (
    "first_name", "last_name", "birth_date", "sex", "address", "city", "state", "zip_code",
    "phone", "social_security_number",
)  # fmt: skip


def _text(row: Mapping[str, str | None], name: str) -> str:
    return (row.get(name) or "").strip()


def _kind(trigger: str, setting: CareSetting, disposition: str) -> EventKind | None:
    if trigger == "A01":
        return EventKind.ED_VISIT if setting is CareSetting.EMERGENCY else EventKind.ADMISSION
    if trigger == "A04":  # a registration: notified when it is an emergency visit
        return EventKind.ED_VISIT if setting is CareSetting.EMERGENCY else None
    if trigger == "A02":
        return EventKind.TRANSFER
    if trigger == "A03":
        return EventKind.DEATH if disposition in EXPIRED else EventKind.DISCHARGE
    return None  # A08 updates the patient's information: nothing new happened


def occurred(text: str, fallback: datetime, zone: tzinfo) -> datetime:
    """An ADT row's time (the sender's local time, HL7 DTM without its offset) in UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return fallback
    return (moment.replace(tzinfo=zone) if moment.tzinfo is None else moment).astimezone(UTC)


def meaning(
    row: Mapping[str, str | None], data_source: str, received: datetime, zone: tzinfo = UTC
) -> Encounter | Retraction | None:
    """What one ADT row (warehouse `adt_row`) means to care teams; `zone` is the sender's."""
    trigger = _text(row, "event_type")
    source_person_id = _text(row, "person_id")
    visit = _text(row, "visit_number")
    control_id = _text(row, "message_control_id")
    if trigger in CANCELS:
        return Retraction(data_source, control_id, source_person_id, visit, CANCELS[trigger])
    setting = SETTINGS.get(_text(row, "patient_class").upper(), CareSetting.OTHER)
    disposition = _text(row, "discharge_disposition_code")
    kind = _kind(trigger, setting, disposition)
    if kind is None:
        return None
    when = {
        EventKind.DISCHARGE: "discharge_datetime",
        EventKind.DEATH: "discharge_datetime",
        EventKind.ADMISSION: "admit_datetime",
        EventKind.ED_VISIT: "admit_datetime",
    }.get(kind, "event_datetime")
    return Encounter(
        data_source=data_source,
        message_control_id=control_id,
        trigger=trigger,
        kind=kind,
        setting=setting,
        source_person_id=source_person_id,
        occurred_at=occurred(_text(row, when) or _text(row, "event_datetime"), received, zone),
        facility=_text(row, "sending_facility"),
        location=_text(row, "location"),
        visit_number=visit,
        diagnosis_code=_text(row, "diagnosis_code").replace(".", "").upper()[:20],
        discharge_disposition=disposition[:10],
        demographics={name: row.get(name) for name in DEMOGRAPHICS},
    )

"""Da Vinci Unsolicited Notifications (HL7 FHIR US IG, STU 1.1, FHIR R4): a notification Bundle
a member's system posts (type message; a MessageHeader whose event is an admit, discharge or
transfer notification and whose focus is the Encounter; the Patient, Location and Condition
beside it), validated with fhir.resources and read into the row an ADT message makes, so it
notifies through the same rules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from commontable.errors import UserError

ADT_TABLE = "adt_event"  # where the warehouse keeps what a notification tells
EVENT_SYSTEM = "http://hl7.org/fhir/us/davinci-alerts/CodeSystem/notification-event"
# The notification event (Da Vinci notification-event CodeSystem) -> HL7 v2 trigger event; an
# admit in the emergency department is an ED registration (A04).
TRIGGERS = {
    "notification-admit": "A01",
    "notification-discharge": "A03",
    "notification-transfer": "A02",
}
# Encounter.class (HL7 v3 ActCode) -> HL7 v2 patient class (Table 0004).
PATIENT_CLASSES = {
    "EMER": "E", "IMP": "I", "ACUTE": "I", "NONAC": "I", "OBSENC": "O", "AMB": "O",
    "SS": "O", "HH": "O", "VR": "O", "PRENC": "P",
}  # fmt: skip
# Encounter.hospitalization.dischargeDisposition (HL7 terminology discharge-disposition) -> the
# NUBC patient discharge status a US ADT feed carries; NUBC codes themselves pass through.
DISPOSITIONS = {
    "home": "01", "alt-home": "01", "hosp": "02", "snf": "03", "other-hcf": "05",
    "aadvice": "07", "exp": "20", "rehab": "62", "long": "63", "psy": "65", "oth": "70",
}  # fmt: skip
NUBC_SYSTEM = "https://www.nubc.org/CodeSystem/PatDischargeStatus"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"


def _problem(what: str) -> UserError:
    return UserError(f"not a Da Vinci notification Bundle: {what}")


def adt_row_of_bundle(data: Any) -> dict[str, str | None]:
    """The adt_event row a notification Bundle stands for; UserError says what to fix."""
    try:
        bundle = Bundle.model_validate(data)
    except (ValidationError, ValueError, TypeError) as error:
        raise _problem(f"invalid FHIR R4 Bundle: {error}") from error
    if bundle.type != "message" or not bundle.entry:
        raise _problem("Bundle.type must be message, with the MessageHeader first")
    header: Any = bundle.entry[0].resource
    if header is None or header.get_resource_type() != "MessageHeader":
        raise _problem("the first entry must be the MessageHeader")
    by_url: dict[str, Any] = {
        e.fullUrl: e.resource for e in bundle.entry if e.fullUrl and e.resource is not None
    }
    by_type: dict[str, Any] = {}
    for entry in bundle.entry:
        if entry.resource is not None:
            by_type.setdefault(entry.resource.get_resource_type(), entry.resource)
    coding = header.eventCoding
    if coding is None or coding.system != EVENT_SYSTEM or coding.code not in TRIGGERS:
        allowed = ", ".join(TRIGGERS)
        raise _problem(f"MessageHeader.eventCoding must be {EVENT_SYSTEM} {allowed}")
    focus = [by_url.get(f.reference) for f in header.focus or [] if f.reference]
    encounter = next((r for r in focus if r and r.get_resource_type() == "Encounter"), None)
    encounter = encounter or by_type.get("Encounter")
    if encounter is None:
        raise _problem("the MessageHeader's focus must be an Encounter in the Bundle")
    patient = by_url.get(encounter.subject.reference) if encounter.subject else None
    patient = patient or by_type.get("Patient")
    if patient is None:
        raise _problem("the Encounter's subject must be a Patient in the Bundle")
    patient_id = _patient_id(patient)
    if not patient_id:
        raise _problem("the Patient needs an identifier (its medical record number)")
    control_id = (bundle.identifier.value if bundle.identifier else None) or header.id
    if not control_id:
        raise _problem("Bundle.identifier (or the MessageHeader's id) names the message")
    patient_class = PATIENT_CLASSES.get(encounter.class_fhir.code or "", "")
    trigger = TRIGGERS[coding.code]
    if trigger == "A01" and patient_class == "E":
        trigger = "A04"
    location = by_type.get("Location")
    name = (patient.name or [None])[0]
    address = (patient.address or [None])[0]
    phone = next((t.value for t in patient.telecom or [] if t.system == "phone"), None)
    period = encounter.period
    return {
        "message_control_id": str(control_id),
        "event_type": trigger,
        "event_datetime": _time(bundle.timestamp),
        "sending_facility": _facility(encounter, location),
        "person_id": patient_id,
        "first_name": " ".join(name.given or []) if name else None,
        "last_name": name.family if name else None,
        "birth_date": str(patient.birthDate) if patient.birthDate else None,
        "sex": patient.gender,
        "address": " ".join(address.line or []) if address else None,
        "city": address.city if address else None,
        "state": address.state if address else None,
        "zip_code": address.postalCode if address else None,
        "phone": phone,
        "social_security_number": None,
        "patient_class": patient_class,
        "visit_number": (encounter.identifier[0].value if encounter.identifier else None)
        or encounter.id,
        "location": location.name if location is not None else None,
        "discharge_disposition_code": _disposition(encounter),
        "admit_datetime": _time(period.start) if period else None,
        "discharge_datetime": _time(period.end) if period else None,
        "diagnosis_code": _diagnosis(by_type.get("Condition"), encounter),
    }


TIMES = ("event_datetime", "admit_datetime", "discharge_datetime")


def warehouse_row(row: Mapping[str, str | None]) -> dict[str, str | None]:
    """The row as the warehouse keeps an ADT message's: times in the sender's own wall-clock
    time, without the offset (as HL7 v2 sends them), YYYY-MM-DD HH:MM:SS."""
    kept = dict(row)
    for name in TIMES:
        value = kept.get(name)
        if value:
            kept[name] = datetime.fromisoformat(value).replace(tzinfo=None).isoformat(sep=" ")
    return kept


def _patient_id(patient: Any) -> str | None:
    """The medical record number (identifier typed MR), else the first identifier."""
    identifiers = patient.identifier or []
    for identifier in identifiers:
        codes = [c.code for c in (identifier.type.coding or [])] if identifier.type else []
        if "MR" in codes and identifier.value:
            return str(identifier.value)
    first = next((i.value for i in identifiers if i.value), None)
    return str(first) if first else None


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _facility(encounter: Any, location: Any) -> str | None:
    provider = encounter.serviceProvider
    if provider is not None and provider.display:
        return str(provider.display)
    return str(location.name) if location is not None and location.name else None


def _disposition(encounter: Any) -> str | None:
    stay = encounter.hospitalization
    concept = stay.dischargeDisposition if stay is not None else None
    for coding in concept.coding or [] if concept is not None else []:
        if coding.system == NUBC_SYSTEM:
            return str(coding.code)
        if coding.code in DISPOSITIONS:
            return DISPOSITIONS[coding.code]
    return None


def _diagnosis(condition: Any, encounter: Any) -> str | None:
    """The ICD-10-CM code of the notification's Condition, or of the Encounter's reason."""
    concepts = [condition.code] if condition is not None and condition.code else []
    concepts += encounter.reasonCode or []
    for concept in concepts:
        for coding in concept.coding or []:
            if coding.system == ICD10CM and coding.code:
                return str(coding.code)
    return None

"""Da Vinci Unsolicited Notifications posted by a member's system: validated, kept as the
member's encounter event and notified like an ADT message; a bad Bundle is refused with what
to fix, as an OperationOutcome."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from commontable.appdb import transaction
from commontable.audit import Actor, app_db_engine
from commontable.care.fhir_notifications import EVENT_SYSTEM, adt_row_of_bundle
from commontable.care.models import SubscriptionSource, TeamKind
from commontable.care.teams import create_team, follow
from commontable.cli import app
from commontable.config import load_settings
from commontable.errors import UserError
from commontable.members import OrganizationType, Role, add_organization, add_person
from commontable.members.login_sessions import start_login_session
from commontable.warehouse import connect, writing
from commontable.web import create_app
from commontable.web.gate import csrf_token_for

COOKIE = "commontable_session"
HOSPITAL = "lakeside-general-hospital"


def bundle(
    event: str = "notification-admit",
    encounter_class: str = "EMER",
    disposition: str | None = None,
    control_id: str = "msg-1",
) -> dict[str, Any]:
    """A notification Bundle as the Da Vinci IG shapes one (MessageHeader, Encounter, Patient,
    Location, Condition)."""
    encounter: dict[str, Any] = {
        "resourceType": "Encounter", "id": "enc-1",
        "status": "finished" if disposition else "in-progress",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                  "code": encounter_class},
        "identifier": [{"system": "urn:lgh:visit", "value": "V77"}],
        "subject": {"reference": "urn:uuid:patient-1"},
        "period": {"start": "2025-03-01T10:15:00-05:00", "end": "2025-03-01T16:00:00-05:00"},
        "serviceProvider": {"display": "Lakeside General Hospital"},
    }  # fmt: skip
    if disposition:
        encounter["hospitalization"] = {"dischargeDisposition": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/discharge-disposition",
            "code": disposition}]}}  # fmt: skip
    return {
        "resourceType": "Bundle", "type": "message", "timestamp": "2025-03-01T16:01:00-05:00",
        "identifier": {"system": "urn:lgh:messages", "value": control_id},
        "entry": [
            {"fullUrl": "urn:uuid:header-1", "resource": {
                "resourceType": "MessageHeader", "id": "header-1",
                "eventCoding": {"system": EVENT_SYSTEM, "code": event},
                "source": {"endpoint": "https://lgh.example/fhir"},
                "focus": [{"reference": "urn:uuid:encounter-1"}]}},
            {"fullUrl": "urn:uuid:encounter-1", "resource": encounter},
            {"fullUrl": "urn:uuid:patient-1", "resource": {
                "resourceType": "Patient", "id": "patient-1",
                "identifier": [{"type": {"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
                    "system": "urn:lgh:mrn", "value": "H1001"}],
                "name": [{"family": "Moore", "given": ["Sarah"]}],
                "gender": "female", "birthDate": "1973-10-16"}},
            {"fullUrl": "urn:uuid:location-1", "resource": {
                "resourceType": "Location", "name": "LGH Emergency Department"}},
            {"fullUrl": "urn:uuid:condition-1", "resource": {
                "resourceType": "Condition", "subject": {"reference": "urn:uuid:patient-1"},
                "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm",
                                     "code": "I50.9"}]}}},
        ],
    }  # fmt: skip


def test_an_ed_admit_notification_is_an_ed_registration() -> None:
    row = adt_row_of_bundle(bundle())
    assert (row["event_type"], row["patient_class"], row["person_id"]) == ("A04", "E", "H1001")
    assert (row["diagnosis_code"], row["visit_number"]) == ("I50.9", "V77")


def test_an_expired_discharge_carries_the_nubc_expired_status() -> None:
    row = adt_row_of_bundle(bundle("notification-discharge", "IMP", disposition="exp"))
    assert (row["event_type"], row["discharge_disposition_code"]) == ("A03", "20")


def test_a_bundle_of_another_kind_is_refused_with_what_to_fix() -> None:
    with pytest.raises(UserError, match="Bundle.type must be message"):
        adt_row_of_bundle({**bundle(), "type": "collection"})


def test_an_invalid_fhir_bundle_is_refused() -> None:
    broken = bundle()
    broken["entry"][2]["resource"]["birthDate"] = "1973-13-45"
    with pytest.raises(UserError, match="invalid FHIR R4 Bundle"):
        adt_row_of_bundle(broken)


@dataclass
class Members:
    web: TestClient
    hospital: dict[str, str]  # the hospital's data submitter's cookie and CSRF header
    clinic: dict[str, str]
    clinic_submitter: dict[str, str]
    workspace: Path


@pytest.fixture
def members(tmp_path: Path) -> Iterator[Members]:
    assert CliRunner().invoke(app, ["init", str(tmp_path)]).exit_code == 0
    settings = load_settings(tmp_path)
    rows = pa.table({
        "data_source": [HOSPITAL], "source_person_id": ["H1001"], "person_id": ["P000000001"],
        "match_probability": [1.0], "match_method": ["deterministic"],
        "matched_at": [datetime(2025, 1, 1)],
    })  # fmt: skip
    with writing(settings, refresh=True) as store:
        store.replace({"person_crosswalk": rows})
    engine = app_db_engine(settings)
    with transaction(engine) as session:
        hospital = add_organization(session, "Lakeside General Hospital",
                                    OrganizationType.HOSPITAL, data_source=HOSPITAL)  # fmt: skip
        clinic = add_organization(session, "Riverside Clinic", OrganizationType.CLINIC)
        team = create_team(session, Actor(), clinic, "Care team", TeamKind.PRIMARY_CARE)
        follow(session, Actor(), team, ["P000000001"], SubscriptionSource.ROSTER)
        sender = add_person(session, "feed@lgh.example", "Feed", hospital,
                            roles=[Role.DATA_SUBMITTER])  # fmt: skip
        reader = add_person(session, "care@riverside.example", "Care", clinic,
                            roles=[Role.CARE_TEAM])  # fmt: skip
        clinic_sender = add_person(session, "data@riverside.example", "Data", clinic,
                                   roles=[Role.DATA_SUBMITTER])  # fmt: skip
        people = (sender, reader, clinic_sender)
        secrets = [start_login_session(session, p) for p in people]
    engine.dispose()
    headers = [{"Cookie": f"{COOKIE}={s}", "X-CSRF-Token": csrf_token_for(s)} for s in secrets]
    with TestClient(create_app(settings)) as web:
        yield Members(web, *headers, tmp_path)


def test_a_posted_notification_reaches_the_clinics_work_list(members: Members) -> None:
    answer = members.web.post("/api/care/notifications/fhir", json=bundle(),
                              headers=members.hospital)  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["issue"][0]["diagnostics"] == "1 event kept, 1 notifications"
    seen = members.web.get("/api/care/notifications", headers=members.clinic).json()
    (notification,) = seen["notifications"]
    assert (notification["event"], notification["person_id"]) == ("ED visit", "P000000001")
    assert notification["diagnosis_category"] == "Diseases of the circulatory system"


def test_a_notification_sent_again_is_kept_once(members: Members) -> None:
    for _ in range(2):
        answer = members.web.post("/api/care/notifications/fhir", json=bundle(),
                                  headers=members.hospital)  # fmt: skip
    assert answer.json()["issue"][0]["diagnostics"] == "already received"


def test_a_bad_bundle_gets_an_operation_outcome_saying_what_to_fix(members: Members) -> None:
    answer = members.web.post("/api/care/notifications/fhir", json={"resourceType": "Bundle"},
                              headers=members.hospital)  # fmt: skip
    assert answer.status_code == 400
    assert answer.json()["resourceType"] == "OperationOutcome"
    assert "Bundle" in answer.json()["issue"][0]["diagnostics"]


def test_a_posted_notification_is_kept_in_the_warehouse_like_a_feed_message(
    members: Members,
) -> None:
    members.web.post("/api/care/notifications/fhir", json=bundle(), headers=members.hospital)
    with connect(str(members.workspace / "warehouse.duckdb")) as store:
        rows = store.table("adt_event").to_pyarrow().to_pylist()
    (row,) = rows
    assert (row["message_control_id"], row["event_type"], row["data_source"]) == (
        "msg-1",
        "A04",
        HOSPITAL,
    )
    assert (row["person_id"], row["visit_number"]) == ("H1001", "V77")


def test_a_notification_sent_again_is_loaded_once(members: Members) -> None:
    for _ in range(2):
        members.web.post("/api/care/notifications/fhir", json=bundle(), headers=members.hospital)
    with connect(str(members.workspace / "warehouse.duckdb")) as store:
        assert store.table("adt_event").count().execute() == 1


def test_a_member_that_may_not_send_encounter_events_is_refused(members: Members) -> None:
    answer = members.web.post("/api/care/notifications/fhir", json=bundle(),
                              headers=members.clinic_submitter)  # fmt: skip
    assert answer.status_code == 403
    assert "may not send adt_event" in answer.json()["issue"][0]["diagnostics"]
    seen = members.web.get("/api/care/notifications", headers=members.clinic).json()
    assert seen["notifications"] == []

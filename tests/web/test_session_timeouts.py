"""A sign-in ends after a while without use, and patient-level pages ask for the password again
when it was given long ago."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from commontable.appdb import transaction, utcnow
from commontable.audit import AuditAction
from commontable.members import Person, Role, add_person
from commontable.members.models import LoginSession
from tests.app_fixtures import AppDatabase
from tests.web.conftest import PASSWORD, Region, csrf_of, signed_in
from tests.web.test_sign_in import audited


@pytest.fixture
def steward(db: Session, region: Region) -> Person:
    person = add_person(
        db,
        "dana@cascade.example",
        "Dana Steward",
        region.own,
        roles=[Role.STAFF, Role.DATA_STEWARD],
        password=PASSWORD,
    )
    db.commit()
    return person


def age_sessions(app_db: AppDatabase, **minutes_ago: int) -> None:
    """Move every session's `last_seen_at` / `authenticated_at` that many minutes back."""
    with transaction(app_db.engine) as session:
        values = {name: utcnow() - timedelta(minutes=m) for name, m in minutes_ago.items()}
        session.execute(update(LoginSession).values(**values))


def test_a_sign_in_unused_for_thirty_minutes_has_ended(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    age_sessions(app_db, last_seen_at=31)
    answer = client.get("/members")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/sign-in?")


def test_a_sign_in_in_use_goes_on(client: TestClient, region: Region, app_db: AppDatabase) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    age_sessions(app_db, last_seen_at=29)
    assert client.get("/members").status_code == 200
    age_sessions(app_db, last_seen_at=29)  # each use counts afresh
    assert client.get("/members").status_code == 200


def test_patient_level_pages_ask_for_the_password_again_after_fifteen_minutes(
    client: TestClient, steward: Person, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, steward)
    age_sessions(app_db, authenticated_at=16)
    assert client.get("/members").status_code == 200  # other pages go on
    answer = client.get("/match-review")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in/confirm?next=%2Fmatch-review"


def test_confirming_the_password_opens_patient_level_pages_and_is_audited(
    client: TestClient, steward: Person, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, steward)
    age_sessions(app_db, authenticated_at=16)
    page = client.get("/sign-in/confirm?next=/match-review").text
    fields = {"password": PASSWORD, "next": "/match-review", "csrf_token": csrf_of(page)}
    answer = client.post("/sign-in/confirm", data=fields)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/match-review"
    assert client.get("/match-review").status_code == 200
    assert [who for _, who in audited(app_db, AuditAction.CONFIRM_PASSWORD)] == [steward.email]


def test_a_wrong_password_keeps_patient_level_pages_closed(
    client: TestClient, steward: Person, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, steward)
    age_sessions(app_db, authenticated_at=16)
    page = client.get("/sign-in/confirm").text
    fields = {"password": "not it at all", "next": "/", "csrf_token": csrf_of(page)}
    assert client.post("/sign-in/confirm", data=fields).status_code == 401
    assert client.get("/match-review").status_code == 303
    assert len(audited(app_db, AuditAction.SIGN_IN_FAILED)) == 1


def test_the_api_asks_a_long_signed_in_person_to_confirm(
    client: TestClient, steward: Person, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, steward)
    age_sessions(app_db, authenticated_at=16)
    answer = client.get("/api/match-review")
    assert answer.status_code == 401
    assert "confirm your password" in answer.json()["detail"]

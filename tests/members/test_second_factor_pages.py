"""The second factor: people whose roles reach patient-level data give a code from an
authenticator app after their password (setting it up the first time); a code works once."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from commontable.appdb import transaction, utcnow
from commontable.audit import AuditAction
from commontable.config import Settings
from commontable.members import Person, Role, add_person, get_person
from commontable.members.second_factor import MAX_CODE_FAILURES, SecretBox
from commontable.web import create_app
from commontable.web.options import WebOptions
from tests.app_fixtures import AppDatabase
from tests.web.conftest import PASSWORD, Region, csrf_of
from tests.web.test_sign_in import audited, sign_in

KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def analyst(db: Session, region: Region) -> Person:
    person = add_person(
        db, "ana@cascade.example", "Ana Lyst", region.own, roles=[Role.ANALYST], password=PASSWORD
    )
    db.commit()
    return person


def box(settings: Settings) -> SecretBox:
    return SecretBox.from_file(Path(settings.resolve(settings.secrets_key_file)))


@pytest.fixture
def enrolled(analyst: Person, app_db: AppDatabase, settings: Settings) -> Person:
    """The analyst with KEY as their second factor."""
    with transaction(app_db.engine) as session:
        get_person(session, analyst.id).totp_secret = box(settings).seal(KEY)
    return analyst


def code_at(offset_steps: int = 0) -> str:
    return pyotp.TOTP(KEY).at(utcnow() + timedelta(seconds=30 * offset_steps))


def give_code(client: TestClient, code: str) -> object:
    page = client.get("/sign-in/code?next=/members").text
    return client.post(
        "/sign-in/code", data={"code": code, "next": "/members", "csrf_token": csrf_of(page)}
    )


def test_an_analyst_sets_up_a_second_factor_after_the_password(
    client: TestClient, analyst: Person
) -> None:
    answer = sign_in(client, analyst.email, PASSWORD)
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert answer.headers["location"] == "/sign-in/enrol?next=%2F"  # type: ignore[attr-defined]
    assert client.get("/members").status_code == 303  # not signed in yet


def test_setting_up_with_a_right_code_signs_in_and_keeps_the_secret_encrypted(
    client: TestClient, analyst: Person, app_db: AppDatabase
) -> None:
    sign_in(client, analyst.email, PASSWORD)
    page = client.get("/sign-in/enrol?next=/").text
    key = re.search(r'id="totp-key">([A-Z2-7]+)<', page)
    sealed = re.search(r'name="sealed" value="([^"]+)"', page)
    assert key is not None
    assert sealed is not None
    assert "<svg" in page
    answer = client.post(
        "/sign-in/enrol",
        data={
            "code": pyotp.TOTP(key.group(1)).now(),
            "sealed": sealed.group(1),
            "next": "/",
            "csrf_token": csrf_of(page),
        },
    )
    assert answer.status_code == 303
    assert client.get("/members").status_code == 200
    with transaction(app_db.engine) as session:
        stored = get_person(session, analyst.id).totp_secret
    assert stored is not None
    assert key.group(1) not in stored
    assert [who for _, who in audited(app_db, AuditAction.ENROL_SECOND_FACTOR)] == [analyst.email]


def test_an_enrolled_person_signs_in_with_the_right_code_only(
    client: TestClient, enrolled: Person, app_db: AppDatabase
) -> None:
    answer = sign_in(client, enrolled.email, PASSWORD)
    assert answer.headers["location"] == "/sign-in/code?next=%2F"  # type: ignore[attr-defined]
    assert give_code(client, "000000").status_code == 401  # type: ignore[attr-defined]
    assert client.get("/members").status_code == 303
    accepted = give_code(client, code_at())
    assert accepted.status_code == 303  # type: ignore[attr-defined]
    assert accepted.headers["location"] == "/members"  # type: ignore[attr-defined]
    assert client.get("/members").status_code == 200
    assert len(audited(app_db, AuditAction.SECOND_FACTOR_FAILED)) == 1


def test_a_code_is_accepted_once(client: TestClient, enrolled: Person) -> None:
    code = code_at()
    sign_in(client, enrolled.email, PASSWORD)
    assert give_code(client, code).status_code == 303  # type: ignore[attr-defined]
    client.cookies.clear()
    sign_in(client, enrolled.email, PASSWORD)
    assert give_code(client, code).status_code == 401  # type: ignore[attr-defined]


def test_too_many_wrong_codes_end_the_half_signed_in_session(
    client: TestClient, enrolled: Person
) -> None:
    sign_in(client, enrolled.email, PASSWORD)
    answers = [give_code(client, "000000") for _ in range(MAX_CODE_FAILURES)]
    assert "sign in again with your password" in answers[-1].text  # type: ignore[attr-defined]
    assert client.get("/sign-in/code").status_code == 303  # back to the password
    assert client.get("/members").status_code == 303


def test_a_viewer_signs_in_with_the_password_alone(
    client: TestClient, region: Region, db: Session
) -> None:
    add_person(db, "vi@cascade.example", "Vi", region.own, roles=[Role.VIEWER], password=PASSWORD)
    db.commit()
    assert sign_in(client, "vi@cascade.example", PASSWORD).headers["location"] == "/"  # type: ignore[attr-defined]


def test_with_the_second_factor_optional_an_analyst_not_enrolled_needs_only_the_password(
    settings: Settings, analyst: Person
) -> None:
    app = create_app(settings, WebOptions(second_factor="optional"))
    with TestClient(app, follow_redirects=False) as client:
        assert sign_in(client, analyst.email, PASSWORD).headers["location"] == "/"  # type: ignore[attr-defined]


def test_an_admin_resets_a_lost_second_factor_and_it_is_audited(
    client: TestClient, enrolled: Person, region: Region, app_db: AppDatabase
) -> None:
    from tests.web.conftest import signed_in

    admin = region.people[Role.ADMIN]
    signed_in(client, app_db, admin)
    page = client.get(f"/organizations/{region.own.id}").text
    assert "Reset second factor" in page
    answer = client.post(
        f"/people/{enrolled.id}/second-factor/reset", data={"csrf_token": csrf_of(page)}
    )
    assert answer.status_code == 303
    assert audited(app_db, AuditAction.RESET_SECOND_FACTOR) == [(admin.id, enrolled.email)]
    client.cookies.clear()
    assert (
        sign_in(client, enrolled.email, PASSWORD)
        .headers["location"]
        .startswith(  # type: ignore[attr-defined]
            "/sign-in/enrol"
        )
    )

"""Signing in and out: server-side sessions, redirects for the anonymous, and an audit trail."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from commontable.appdb import transaction
from commontable.audit import AuditAction, entries
from commontable.members import (
    ApiToken,
    Person,
    get_person,
    revoke_token,
    start_login_session,
)
from tests.app_fixtures import AppDatabase
from tests.web.conftest import COOKIE, PASSWORD, Region, bearer, csrf_of


def sign_in(client: TestClient, email: str, password: str, next: str = "/") -> object:
    form = client.get(f"/sign-in?next={next}")
    fields = {"email": email, "password": password, "next": next, "csrf_token": csrf_of(form.text)}
    return client.post("/sign-in", data=fields)


def audited(app_db: AppDatabase, action: AuditAction) -> list[tuple[int | None, str]]:
    with transaction(app_db.engine) as session:
        return [(e.actor_person_id, e.target) for e in entries(session, action=action)]


def test_a_page_sends_the_anonymous_to_sign_in_and_back(client: TestClient) -> None:
    answer = client.get("/members?type=clinic")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=%2Fmembers%3Ftype%3Dclinic"


def test_the_api_answers_401_to_the_anonymous(client: TestClient) -> None:
    answer = client.get("/api/organizations")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"


def test_the_right_password_signs_in_and_returns_to_the_page_asked_for(
    client: TestClient, ada: Person
) -> None:
    answer = sign_in(client, "Ada@Cascade.example", PASSWORD, next="/members")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/members"
    assert client.get("/members").status_code == 200


def test_a_wrong_password_shows_the_form_again(client: TestClient, ada: Person) -> None:
    answer = sign_in(client, "ada@cascade.example", "not the password at all")
    assert answer.status_code == 401
    assert "wrong email or password" in answer.text
    assert COOKIE not in client.cookies


def test_signing_in_is_audited(client: TestClient, ada: Person, app_db: AppDatabase) -> None:
    sign_in(client, "ada@cascade.example", PASSWORD)
    assert audited(app_db, AuditAction.SIGN_IN) == [(ada.id, "ada@cascade.example")]


def test_a_failed_sign_in_is_audited_without_an_actor(
    client: TestClient, ada: Person, app_db: AppDatabase
) -> None:
    sign_in(client, "ada@cascade.example", "not the password at all")
    sign_in(client, "nobody@cascade.example", "not the password at all")
    assert audited(app_db, AuditAction.SIGN_IN_FAILED) == [
        (None, "ada@cascade.example"),
        (None, "nobody@cascade.example"),
    ]


def test_sign_in_never_sends_the_browser_to_another_site(client: TestClient, ada: Person) -> None:
    answer = sign_in(client, "ada@cascade.example", PASSWORD, next="//evil.example/")
    assert answer.headers["location"] == "/"


def test_signing_out_ends_the_session_and_is_audited(
    client: TestClient, ada: Person, app_db: AppDatabase
) -> None:
    sign_in(client, "ada@cascade.example", PASSWORD)
    secret = client.cookies[COOKIE]
    home = client.get("/")
    answer = client.post("/sign-out", data={"csrf_token": csrf_of(home.text)})
    assert answer.headers["location"] == "/sign-in"
    client.cookies.set(COOKIE, secret)  # a copy of the old cookie no longer works
    assert client.get("/").headers["location"].startswith("/sign-in")
    assert audited(app_db, AuditAction.SIGN_OUT) == [(ada.id, "Ada Lovelace")]


def test_an_expired_session_sends_the_browser_to_sign_in(
    client: TestClient, ada: Person, app_db: AppDatabase
) -> None:
    with transaction(app_db.engine) as session:
        secret = start_login_session(session, get_person(session, ada.id), lifetime=timedelta(0))
    client.cookies.set(COOKIE, secret)
    assert client.get("/").headers["location"].startswith("/sign-in")


def test_a_revoked_api_token_is_refused(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    with transaction(app_db.engine) as session:
        revoke_token(session, session.get_one(ApiToken, region.own_token_id))
    answer = client.get("/api/organizations", headers=bearer(region.own_token))
    assert answer.status_code == 401
    assert "revoked" in answer.json()["detail"]


def test_an_api_token_does_not_open_pages(client: TestClient, region: Region) -> None:
    answer = client.get("/members", headers=bearer(region.own_token))
    assert answer.headers["location"].startswith("/sign-in")

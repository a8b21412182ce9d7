"""CSRF: a state-changing request made with the session cookie must carry the session's token,
in the form (csrf_token) or, from HTMX, in the X-CSRF-Token header."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from commontable.appdb import transaction
from commontable.members import ApiToken, Role
from tests.app_fixtures import AppDatabase
from tests.web.conftest import Region, bearer, signed_in


def token_names(app_db: AppDatabase) -> list[str]:
    with transaction(app_db.engine) as session:
        return list(session.scalars(select(ApiToken.name).order_by(ApiToken.id)))


def test_a_form_without_the_token_is_refused_and_changes_nothing(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, region.people[Role.ADMIN])
    answer = client.post(f"/organizations/{region.own.id}/tokens", data={"name": "forged"})
    assert answer.status_code == 403
    assert "security token" in answer.text
    assert "forged" not in token_names(app_db)


def test_a_form_with_another_sessions_token_is_refused(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    other_token = signed_in(client, app_db, region.people[Role.STAFF])
    signed_in(client, app_db, region.people[Role.ADMIN])
    fields = {"name": "forged", "csrf_token": other_token}
    answer = client.post(f"/organizations/{region.own.id}/tokens", data=fields)
    assert answer.status_code == 403


def test_the_form_field_token_is_accepted(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    token = signed_in(client, app_db, region.people[Role.ADMIN])
    fields = {"name": "lab feed", "scopes": "submit", "csrf_token": token}
    answer = client.post(f"/organizations/{region.own.id}/tokens", data=fields)
    assert answer.status_code == 201
    assert "lab feed" in token_names(app_db)


def test_the_htmx_header_token_is_accepted(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    token = signed_in(client, app_db, region.people[Role.ADMIN])
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    answer = client.post(
        f"/organizations/{region.own.id}/tokens",
        data={"name": "lab feed", "scopes": "submit"},
        headers=headers,
    )
    assert answer.status_code == 201


def test_the_sign_in_form_without_its_token_is_refused(client: TestClient, region: Region) -> None:
    fields = {"email": "admin@cascade.example", "password": "whatever it is"}
    assert client.post("/sign-in", data=fields).status_code == 403


def test_api_calls_with_a_bearer_token_need_no_csrf_token(
    client: TestClient, region: Region
) -> None:
    files = {"files": ("eligibility.csv", b"person_id\n")}
    answer = client.post("/api/submissions", files=files, headers=bearer(region.own_token))
    assert answer.status_code == 202  # queued for the intake, not refused at the door
    job = client.get(answer.headers["location"], headers=bearer(region.own_token)).json()
    assert job["outcome"]["status"] == "rejected"


def test_a_token_that_is_not_even_ascii_is_refused(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, region.people[Role.ADMIN])
    fields = {"name": "forged", "csrf_token": "ünïcode"}
    answer = client.post(f"/organizations/{region.own.id}/tokens", data=fields)
    assert answer.status_code == 403

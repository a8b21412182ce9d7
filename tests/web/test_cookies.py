"""The session cookie: HttpOnly, SameSite=Lax, Secure on https, named as configured."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from commontable.config import CONFIG_FILE, Settings
from commontable.members import Role, add_person
from commontable.web import WebOptions, create_app
from tests.web.conftest import PASSWORD, Region, csrf_of


@pytest.fixture
def account(db: Session, region: Region) -> str:
    add_person(db, "ada@cascade.example", "Ada", region.own, roles=[Role.VIEWER], password=PASSWORD)
    db.commit()
    return "ada@cascade.example"


def session_cookie(client: TestClient, email: str) -> str:
    """The Set-Cookie header that signing in sends."""
    form = client.get("/sign-in")
    fields = {"email": email, "password": PASSWORD, "csrf_token": csrf_of(form.text)}
    answer = client.post("/sign-in", data=fields)
    assert answer.status_code == 303
    return next(c for c in answer.headers.get_list("set-cookie") if "Max-Age=0" not in c)


@pytest.fixture
def https(settings: Settings) -> Iterator[TestClient]:
    options = WebOptions(cookie_name="ct_sid", session_hours=8)
    app = create_app(settings, options)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        yield client


def test_the_session_cookie_is_http_only_and_same_site_lax(
    client: TestClient, account: str
) -> None:
    cookie = session_cookie(client, account)
    assert cookie.startswith("commontable_session=cts_")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie


def test_the_session_cookie_is_not_secure_on_plain_http(client: TestClient, account: str) -> None:
    assert "Secure" not in session_cookie(client, account)


def test_on_https_the_cookie_is_secure_named_as_configured_and_expires_with_the_session(
    https: TestClient, account: str
) -> None:
    cookie = session_cookie(https, account)
    assert cookie.startswith("ct_sid=")
    assert "Secure" in cookie
    assert f"Max-Age={8 * 3600}" in cookie


def test_pages_are_never_cached_and_carry_security_headers(client: TestClient) -> None:
    answer = client.get("/sign-in")
    assert answer.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_the_cookie_is_named_as_the_workspaces_web_table_says(
    settings: Settings, account: str
) -> None:
    (settings.workspace / CONFIG_FILE).write_text('[web]\ncookie_name = "ct_workspace"\n')
    with TestClient(create_app(settings), follow_redirects=False) as client:
        assert session_cookie(client, account).startswith("ct_workspace=cts_")

"""One gate for every route: a route with no access rule is refused, even to an admin, and
the app will not start with a route that bypasses the gate."""

from __future__ import annotations

import html

import pytest
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient
from starlette.requests import Request

from commontable.members import Role
from commontable.web.app import refuse_ungated_routes
from tests.app_fixtures import AppDatabase
from tests.web.conftest import Region, signed_in


def test_a_route_without_an_access_rule_is_refused_to_an_admin(
    app: FastAPI, region: Region, app_db: AppDatabase
) -> None:
    app.add_api_route("/unlisted", lambda: {"secret": 42}, name="unlisted")
    with TestClient(app) as client:
        signed_in(client, app_db, region.people[Role.ADMIN])
        answer = client.get("/unlisted")
    assert answer.status_code == 403
    assert "no access rule covers the route 'unlisted'" in html.unescape(answer.text)


def test_a_route_that_bypasses_the_gate_stops_the_app_from_starting(app: FastAPI) -> None:
    def bare(request: Request) -> PlainTextResponse:
        return PlainTextResponse("no gate")

    app.add_route("/bare", bare, name="bare")
    with pytest.raises(RuntimeError, match=r"route bare \(/bare\) does not pass the access gate"):
        refuse_ungated_routes(app)

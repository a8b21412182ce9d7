"""Numbers in paths and queries: one beyond any stored id names nothing (404, never a 500)."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from commontable.web.app import routes_of
from tests.app_fixtures import AppDatabase
from tests.web.conftest import Region
from tests.web.test_authorization_matrix import _headers, _request_of

HUGE = str(2**64)


def _routes_with_numbers(app: FastAPI) -> list[str]:
    return sorted(
        str(route.name) for route in routes_of(app) if re.search(r"\{\w+_id\}", route.path)
    )


def test_an_id_beyond_64_bits_in_any_path_is_not_found(
    app: FastAPI, client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    headers = _headers("admin", region, app_db)
    found = {}
    for name in _routes_with_numbers(app):
        method, template = _request_of(app, name)
        path = re.sub(r"\{(\w+_id)\}", HUGE, template).replace("{role}", "viewer")
        path = path.replace("{number}", HUGE)
        found[name] = client.request(method, path, headers=headers).status_code
    assert found, "no route takes an id"
    assert {name: status for name, status in found.items() if status != 404} == {}


@pytest.mark.parametrize(
    "query",
    [f"page={HUGE}", f"offset={HUGE}", f"period={HUGE}", f"page=-{HUGE}"],
)
def test_a_number_beyond_64_bits_in_a_query_is_not_found(
    client: TestClient, region: Region, app_db: AppDatabase, query: str
) -> None:
    headers = _headers("admin", region, app_db)
    for path in ("/match-review", "/api/match-review", "/results", "/submissions"):
        assert client.get(f"{path}?{query}", headers=headers).status_code == 404, path

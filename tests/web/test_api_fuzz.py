"""API fuzzing: requests generated from the OpenAPI document never make the server fail."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy.orm import Session

from tests.published_results import publish_sample
from tests.web.conftest import Region, bearer


@pytest.fixture
def api_schema(app: FastAPI, region: Region, db: Session) -> schemathesis.BaseSchema:
    """The app's own OpenAPI document, over a region with published results."""
    publish_sample(db, region.own.id)
    db.commit()
    return schemathesis.openapi.from_asgi("/api/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_generated_requests_get_no_server_error(case: schemathesis.Case, region: Region) -> None:
    case.call_and_validate(headers=bearer(region.own_token), checks=[not_a_server_error])

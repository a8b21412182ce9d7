"""A small published world: a roster, measure results with small cells, an app DB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from commontable.warehouse import Warehouse, connect, load_submission
from commontable.warehouse.schema import MEASURE_RESULT
from tests.app_fixtures import app_db, db
from tests.web.conftest import (  # the page tests' app, client and personas
    app,
    client,
    empty_warehouse,
    quick_password_hashes,
    region,
    settings,
)

__all__ = [
    "app",
    "app_db",
    "client",
    "db",
    "empty_warehouse",
    "quick_password_hashes",
    "region",
    "settings",
]

ROSTER = """organization_id,name,organization_type,parent_organization_id,npi,tin
ORG-GRP-1,Flower City Medical Group,medical group,,,123456789
ORG-CLINIC-1,Flower City Downtown,clinic,ORG-GRP-1,1234567893,
ORG-CLINIC-2,Flower City Greece,clinic,ORG-GRP-1,1245319599,
ORG-PLAN-1,Finger Lakes Health Plan,health plan,,,165085877
ORG-OTHER-1,Someone Else,other,,,
"""


def result(
    entity_type: str,
    entity_id: str,
    denominator: int,
    numerator: int,
    *,
    stratum_type: str = "all",
    stratum: str = "all",
    measure_id: str = "CMS125",
    period: int = 2025,
) -> dict[str, Any]:
    """One measure_result row with plausible statistics."""
    rate = numerator / denominator if denominator else None
    return {
        "measure_id": measure_id,
        "period": period,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "entity_name": {"collaborative": "Whole collaborative"}.get(entity_type, entity_id),
        "stratum_type": stratum_type,
        "stratum": stratum,
        "initial_population": denominator,
        "denominator_exclusion": 0,
        "denominator_exception": 0,
        "denominator": denominator,
        "numerator": numerator,
        "member_years": None,
        "rate": rate,
        "ci_low": None if rate is None else max(rate - 0.05, 0.0),
        "ci_high": None if rate is None else min(rate + 0.05, 1.0),
        "reliability": 0.8,
        "status": "reported" if denominator >= 30 else "too few",
        "comparison": "average",
    }


RESULTS = [
    result("collaborative", "collaborative", 400, 200),
    result("collaborative", "collaborative", 220, 110, stratum_type="sex", stratum="female"),
    result("collaborative", "collaborative", 180, 90, stratum_type="sex", stratum="male"),
    result("medical_group", "ORG-GRP-1", 400, 200),
    result("clinic", "ORG-CLINIC-1", 8, 5),  # small: primary
    result("clinic", "ORG-CLINIC-2", 392, 195),  # its complement
    result("health_plan", "ORG-PLAN-1", 400, 200),
]


def write_results(store: Warehouse, rows: list[dict[str, Any]]) -> None:
    store.replace(
        {"measure_result": pa.Table.from_pylist(rows, schema=MEASURE_RESULT.to_pyarrow())}
    )


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    """A warehouse with the roster loaded and 2025's CMS125 results written."""
    roster = tmp_path / "organization.csv"
    roster.write_text(ROSTER)
    store = connect(str(tmp_path / "warehouse.duckdb"))
    load_submission(store, roster, "collaborative")
    write_results(store, RESULTS)
    yield store
    store.close()

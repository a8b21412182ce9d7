"""Price and cost figures reach a member only where the sharing rule allows (Statement 6 on the
providers paid): through the explorer, its CSV and Excel downloads, the API and scorecards, a
withheld figure never arrives; the organization it is about still sees its own."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from commontable.members import Role
from commontable.publishing.models import Publication, PublishedMeasure
from tests.app_fixtures import AppDatabase
from tests.published_results import add_cell, published_row
from tests.web.conftest import Region, bearer, signed_in

QUERY = "measure=TCOC-PMPM&period=2025&entity_type=health_plan&stratum_type=all"
# Unique figures: the withheld ones must appear nowhere a viewer elsewhere can read.
SHARED = 412.37  # Lakeshore: 12 providers paid, the largest 18%
FEW_PROVIDERS = 523.81  # Cascade (the viewer's own plan): 3 providers
ONE_DOMINATES = 634.29  # Riverside: 9 providers, one paid 61%


def cost_cell(
    entity_id: str, organization_id: int | None, rate: float, paid: tuple[int, float]
) -> dict[str, object]:
    return published_row(
        "TCOC-PMPM",
        "health_plan",
        entity_id,
        organization_id=organization_id,
        comparison="worse",
        denominator=1000,
        member_months=11_000.0,
        paid_amount=rate * 11_000,
        rate=rate,
        ci_low=rate - 20,
        ci_high=rate + 20,
        reliability=0.9,
        providers=paid[0],
        largest_provider_share=paid[1],
    )


@pytest.fixture
def published(db: Session, region: Region) -> None:
    db.add(
        PublishedMeasure(
            measure_id="TCOC-PMPM",
            title="Total cost of care per member per month",
            type="cost PMPM",
            steward="CommonTable",
            version="1",
            source="https://thetuvaproject.com/",
            higher_is_better=False,
        )
    )
    publication = Publication(period=2025, published_by="staff", results=3, suppressed=0)
    db.add(publication)
    db.flush()
    for row in (
        cost_cell("lakeshore", None, SHARED, (12, 0.18)),
        cost_cell("cascade", region.own.id, FEW_PROVIDERS, (3, 0.5)),
        cost_cell("riverside", region.other.id, ONE_DOMINATES, (9, 0.61)),
    ):
        add_cell(db, publication.id, row)
    db.commit()


def texts(client: TestClient, token: str, scorecard_of: int) -> dict[str, str]:
    """Everything one viewer can read of the plans' costs (and one organization's scorecard),
    as text."""
    book = load_workbook(io.BytesIO(client.get(f"/results/download.xlsx?{QUERY}").content))
    return {
        "explorer": client.get(f"/results?{QUERY}").text,
        "csv": client.get(f"/results/download.csv?{QUERY}").text,
        "xlsx": "\n".join(
            ",".join(str(v) for v in row) for row in book["results"].iter_rows(values_only=True)
        ),
        "api": client.get(f"/api/results?{QUERY}", headers=bearer(token)).text,
        "scorecard": client.get(f"/organizations/{scorecard_of}/scorecard").text,
    }


@pytest.mark.usefixtures("published")
def test_a_viewer_never_receives_a_withheld_cost_figure(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.outsider)  # at Riverside: Cascade's figure is withheld
    found = texts(client, region.other_token, scorecard_of=region.own.id)
    assert [face for face, text in found.items() if f"{FEW_PROVIDERS:.2f}" in text] == []


@pytest.mark.usefixtures("published")
def test_a_figure_with_one_provider_over_a_quarter_is_withheld_too(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])  # at Cascade
    found = texts(client, region.own_token, scorecard_of=region.other.id)
    assert [face for face, text in found.items() if f"{ONE_DOMINATES:.2f}" in text] == []


@pytest.mark.usefixtures("published")
def test_a_figure_inside_the_safety_zone_is_shared(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.outsider)
    assert f"{SHARED:.2f}" in client.get(f"/results?{QUERY}").text


@pytest.mark.usefixtures("published")
def test_a_withheld_figure_says_why(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.outsider)
    rows = {
        r["entity_id"]: r
        for r in csv.DictReader(io.StringIO(client.get(f"/results/download.csv?{QUERY}").text))
    }
    assert rows["cascade"]["rate"] == ""
    assert rows["cascade"]["why_blank"] == "Withheld: fewer than 5 providers contribute to it (3)"


@pytest.mark.usefixtures("published")
def test_an_organization_sees_its_own_withheld_figure(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])  # at Cascade
    assert f"{FEW_PROVIDERS:.2f}" in client.get(f"/results?{QUERY}").text


@pytest.mark.usefixtures("published")
def test_the_api_gives_null_for_a_withheld_figure(client: TestClient, region: Region) -> None:
    answer = client.get(f"/api/results?{QUERY}", headers=bearer(region.other_token)).json()
    cascade = next(r for r in answer["results"] if r["entity_id"] == "cascade")
    assert (cascade["rate"], cascade["paid_amount"], cascade["status"]) == (None, None, "withheld")


@pytest.mark.usefixtures("published")
def test_the_providers_behind_a_figure_are_never_shown(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    signed_in(client, app_db, region.steward)
    answer = client.get(f"/api/results?{QUERY}", headers=bearer(region.own_token)).json()
    assert "largest_provider_share" not in answer["results"][0]
    assert "0.18" not in client.get(f"/results/download.csv?{QUERY}").text

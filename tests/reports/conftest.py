"""The report's fixtures: the published region (tests.reports.region) in a fresh app DB, and the
site built from it once per test session (building the PDFs takes a few seconds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from commontable.appdb import transaction
from commontable.privacy.safety_zone import OPEN
from commontable.reports import ReportOptions, build_report
from commontable.reports.site import BuiltReport
from tests.app_fixtures import app_db, db, migrated_database
from tests.reports.region import PERIOD, publish_region

__all__ = ["app_db", "db"]

AS_OF = date(2026, 6, 1)  # more than three months after 2025: old enough to share


@dataclass(frozen=True)
class Built:
    """A site built from the published region, and the region's organization ids by name."""

    site: Path
    report: BuiltReport
    organizations: dict[str, int]

    def page(self, path: str) -> str:
        return (self.site / path).read_text(encoding="utf-8")


def build_region(
    config: pytest.Config, folder: Path, factory: pytest.TempPathFactory, options: ReportOptions
) -> Built:
    """Publish the region into this session's SQLite app DB, build, and empty the DB again."""
    database = migrated_database(config, "sqlite", factory)
    try:
        with transaction(database.engine) as session:
            ids = {name: o.id for name, o in publish_region(session).items()}
        with transaction(database.engine) as session:
            report = build_report(session, folder, options)
    finally:
        database.clear()
    return Built(folder, report, ids)


@pytest.fixture(scope="session")
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The region's report with the default rules (Statement 6, reliability 0.7) and PDFs."""
    folder = tmp_path_factory.mktemp("report") / "site"
    return build_region(request.config, folder, tmp_path_factory, ReportOptions(PERIOD, AS_OF))


@pytest.fixture(scope="session")
def built_open(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The same report with the sharing rule switched off, without PDFs."""
    folder = tmp_path_factory.mktemp("report-open") / "site"
    options = ReportOptions(PERIOD, AS_OF, sharing=OPEN, pdf=False)
    return build_region(request.config, folder, tmp_path_factory, options)

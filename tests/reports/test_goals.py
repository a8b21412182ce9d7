"""The action plan through the report's own reader: nothing while the plans tables do not
exist; goals with progress worked out from published results, commitments on scorecards,
drafts never public."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from commontable.appdb import Base
from commontable.members.models import Organization
from commontable.publishing.models import Publication, PublishedMeasure, PublishedResult
from commontable.reports import ReportOptions, build_report, commitments, goals
from commontable.reports.goals import Goal, progress
from tests.reports.conftest import AS_OF
from tests.reports.region import PERIOD, publish_region
from tests.reports.test_impact import ADMISSIONS, region, whole

PLANS = sa.MetaData()
sa.Table(
    "plans", PLANS, sa.Column("id", sa.Integer, primary_key=True), sa.Column("status", sa.String)
)
sa.Table(
    "plan_goals", PLANS,
    sa.Column("id", sa.Integer, primary_key=True), sa.Column("plan_id", sa.Integer),
    sa.Column("title", sa.String), sa.Column("measure_id", sa.String),
    sa.Column("measure_title", sa.String), sa.Column("entity_type", sa.String),
    sa.Column("entity_id", sa.String), sa.Column("stratum_type", sa.String),
    sa.Column("stratum", sa.String), sa.Column("baseline_period", sa.Integer),
    sa.Column("baseline_value", sa.Float), sa.Column("target_value", sa.Float),
    sa.Column("target_date", sa.Date),
)  # fmt: skip
sa.Table(
    "plan_commitments", PLANS,
    sa.Column("id", sa.Integer, primary_key=True), sa.Column("plan_id", sa.Integer),
    sa.Column("organization_id", sa.Integer), sa.Column("goal_id", sa.Integer),
    sa.Column("description", sa.String), sa.Column("due_date", sa.Date),
    sa.Column("status", sa.String),
)  # fmt: skip
PUBLISHED = [Organization.__table__, Publication.__table__, PublishedMeasure.__table__,
             PublishedResult.__table__]  # fmt: skip


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    """An app DB holding the published region's tables and none of the plans'."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'app.db'}")
    Base.metadata.create_all(engine, tables=PUBLISHED)
    with Session(engine) as found:
        yield found
    engine.dispose()


def add_plan(session: Session, organization_id: int) -> None:
    """An active plan with two goals and a commitment, and a draft plan with one of each."""
    PLANS.create_all(session.connection())
    tables = PLANS.tables
    session.execute(tables["plans"].insert(), [{"id": 1, "status": "active"},
                                               {"id": 2, "status": "draft"}])  # fmt: skip
    goal = {"entity_type": "collaborative", "entity_id": "collaborative", "stratum_type": "all",
            "stratum": "all", "baseline_period": 2024, "baseline_value": None,
            "target_date": date(2027, 12, 31)}  # fmt: skip
    session.execute(
        tables["plan_goals"].insert(),
        [
            {**goal, "id": 1, "plan_id": 1, "title": "More women screened",
             "measure_id": "CMS125", "measure_title": "Breast Cancer Screening",
             "target_value": 0.75},
            {**goal, "id": 2, "plan_id": 1, "title": "Fewer admissions",
             "measure_id": "IP-ADMISSIONS", "measure_title": "Admissions", "target_value": 85.0},
            {**goal, "id": 3, "plan_id": 2, "title": "A draft goal", "measure_id": "CMS125",
             "measure_title": "Breast Cancer Screening", "target_value": 0.9},
        ],
    )  # fmt: skip
    session.execute(
        tables["plan_commitments"].insert(),
        [
            {"id": 1, "plan_id": 1, "organization_id": organization_id, "goal_id": 1,
             "description": "Evening mammography clinics", "due_date": date(2026, 6, 30),
             "status": "in_progress"},
            {"id": 2, "plan_id": 2, "organization_id": organization_id, "goal_id": 3,
             "description": "A draft promise", "due_date": date(2026, 6, 30),
             "status": "planned"},
        ],
    )  # fmt: skip


def test_without_the_plans_tables_there_are_no_goals_or_commitments(session: Session) -> None:
    assert goals(session) == []
    assert commitments(session) == []


def test_goals_and_commitments_are_read_and_drafts_left_out(session: Session) -> None:
    add_plan(session, organization_id=5)
    assert [g.title for g in goals(session)] == ["More women screened", "Fewer admissions"]
    assert goals(session)[0].target == 0.75
    [promised] = commitments(session)
    assert promised.description == "Evening mammography clinics"
    assert promised.goal_title == "More women screened"
    assert promised.status == "in progress"


def goal(measure_id: str | None, target: float, baseline: float | None = None) -> Goal:
    return Goal(1, "A goal", measure_id, None, "collaborative", "collaborative", "all", "all",
                baseline, 2024, target, None)  # fmt: skip


def test_progress_is_worked_out_from_published_results() -> None:
    found = region(whole(ADMISSIONS, 2024, 90, 9_000), whole(ADMISSIONS, 2025, 80, 10_000))
    halfway = progress(goal("IP-ADMISSIONS", 70.0), found)
    assert (halfway.baseline, halfway.current, halfway.status) == (90, 80, "improving, not yet met")
    assert halfway.share == pytest.approx(0.5)
    assert progress(goal("IP-ADMISSIONS", 85.0), found).status == "target met"
    assert (
        progress(goal("IP-ADMISSIONS", 95.0, baseline=75.0), found).baseline == 90
    )  # published wins
    custom = progress(goal(None, 1.0), found)
    assert custom.status == "custom measure: its values are not published"


def test_a_suppressed_result_shows_no_progress() -> None:
    found = region(
        whole(ADMISSIONS, 2024, 90, 9_000), whole(ADMISSIONS, 2025, 80, 10_000, suppressed=True)
    )
    assert progress(goal("IP-ADMISSIONS", 70.0), found).status == "no public result this period"


def test_the_index_shows_goals_and_a_scorecard_its_commitments(
    session: Session, tmp_path: Path
) -> None:
    birch = publish_region(session)["Birch Clinic"]
    add_plan(session, organization_id=birch.id)
    built = build_report(session, tmp_path / "site", ReportOptions(PERIOD, AS_OF, pdf=False))
    index = (built.site / "index.html").read_text()
    assert "Our goals and progress" in index
    assert "More women screened" in index
    assert "A draft goal" not in index
    card = (built.site / f"scorecards/{birch.id}-birch-clinic.html").read_text()
    assert "Evening mammography clinics" in card
    assert "A draft promise" not in card

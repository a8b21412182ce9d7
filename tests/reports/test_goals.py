"""The action plan in the report, read through the plans part: no goals while there are none;
goals with the plans' own progress and verdict from published results, commitments on
scorecards, drafts never public."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from commontable.audit import Actor
from commontable.members import (
    CollaborativeType,
    Organization,
    add_collaborative,
    add_membership,
)
from commontable.plans import PlanStatus, TrackStatus
from commontable.plans.commitments import add_commitment
from commontable.plans.goals import GoalSpec, add_goal
from commontable.plans.models import Plan
from commontable.plans.planning import create_plan
from commontable.reports import ReportOptions, build_report, public_commitments, public_goals
from tests.plans.results import publish_measure, publish_rate
from tests.reports.conftest import AS_OF
from tests.reports.region import PERIOD, publish_region

SCREENING = GoalSpec("More women screened", 2023, 0.75, date(2027, 12, 31), "CMS125")


def add_plans(db: Session, member: Organization | None = None) -> tuple[Plan, Plan]:
    """An active plan with a screening goal and a draft plan with a goal of its own, each with
    a commitment of `member` if one is given."""
    network = add_collaborative(db, "Riverbend Health Network", CollaborativeType.NETWORK)
    active = create_plan(
        db,
        network,
        "Healthier Riverbend",
        start_year=2024,
        end_year=2027,
        status=PlanStatus.ACTIVE,
        by=Actor(),
    )
    draft = create_plan(db, network, "Next steps", start_year=2026, end_year=2028, by=Actor())
    screening = add_goal(db, active, SCREENING, by=Actor())
    drafted = add_goal(
        db, draft, GoalSpec("A draft goal", 2023, 0.9, date(2028, 12, 31), "CMS125"), by=Actor()
    )
    if member is not None:
        add_membership(db, network, member, start=date(2024, 1, 1))
        due = date(2026, 6, 30)
        add_commitment(
            db, active, member, "Evening mammography clinics", due_date=due, goal=screening
        )
        add_commitment(db, draft, member, "A draft promise", due_date=due, goal=drafted)
    return active, draft


def test_without_plans_there_are_no_goals_or_commitments(db: Session) -> None:
    assert public_goals(db) == []
    assert public_commitments(db, 1) == []


def test_drafts_are_never_public(db: Session) -> None:
    member = publish_region(db)["Birch Clinic"]
    add_plans(db, member)
    assert [g.title for g in public_goals(db)] == ["More women screened"]
    [promised] = public_commitments(db, member.id, today=date(2026, 1, 1))
    assert (promised.description, promised.goal_title) == (
        "Evening mammography clinics",
        "More women screened",
    )
    assert promised.status == "planned"
    assert public_commitments(db, member.id, today=date(2026, 7, 1))[0].status == "overdue"


def test_progress_comes_from_published_results_by_the_plans_rule(db: Session) -> None:
    publish_measure(db)
    for period, rate in ((2023, 0.60), (2024, 0.64), (2025, 0.68)):
        publish_rate(db, period, rate)
    add_plans(db)
    [found] = public_goals(db)
    assert (found.baseline, found.latest, found.latest_period) == (0.60, 0.68, 2025)
    assert found.percent_of_way == pytest.approx(8 / 15)
    assert found.status is TrackStatus.ON_TRACK


def test_a_suppressed_result_gives_no_progress(db: Session) -> None:
    publish_measure(db)
    publish_rate(db, 2023, 0.60)
    publish_rate(db, 2025, 0.80, suppression="primary")
    add_plans(db)
    [found] = public_goals(db)
    assert found.latest is None
    assert found.percent_of_way is None
    assert found.status is TrackStatus.NOT_MEASURED


def test_the_index_shows_goals_and_a_scorecard_its_commitments(db: Session, tmp_path: Path) -> None:
    birch = publish_region(db)["Birch Clinic"]
    active, _ = add_plans(db, birch)
    # From the region's 2024 screening rate (68.0%) to 75% by 2027: 71.0% in 2025 is on track.
    add_goal(
        db,
        active,
        GoalSpec("Screening since 2024", 2024, 0.75, date(2027, 12, 31), "CMS125"),
        by=Actor(),
    )
    built = build_report(db, tmp_path / "site", ReportOptions(PERIOD, AS_OF, pdf=False))
    index = (built.site / "index.html").read_text()
    assert "Our goals and progress" in index
    assert "Screening since 2024" in index
    assert "on track (43% of the way)" in index
    assert "not measured" in index  # nothing published for 2023, the first goal's baseline
    assert "A draft goal" not in index
    card = (built.site / f"scorecards/{birch.id}-birch-clinic.html").read_text()
    assert "Evening mammography clinics" in card
    assert "A draft promise" not in card

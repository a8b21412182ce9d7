"""`commontable plan progress` prints each goal against its target; `plan add` and
`plan add-goal` set a plan up from the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from commontable.audit import Actor, entries
from commontable.cli import app
from commontable.members import (
    Collaborative,
    CollaborativeType,
    OrganizationType,
    add_collaborative,
    add_organization,
)
from commontable.plans import PlanStatus
from commontable.plans.goals import GoalSpec, add_goal
from commontable.plans.planning import create_plan
from tests.app_fixtures import AppDatabase
from tests.plans.results import publish_measure, publish_rate

runner = CliRunner()


@pytest.fixture
def network(db: Session) -> Collaborative:
    return add_collaborative(db, "Riverbend Health Network", CollaborativeType.NETWORK)


def plan_command(app_db: AppDatabase, workspace: Path, *args: str) -> str:
    result = runner.invoke(
        app, ["plan", *args, "-w", str(workspace)], env={"COMMONTABLE_APP_DB": app_db.url}
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_progress_prints_baseline_latest_target_and_status(
    db: Session, network: Collaborative, app_db: AppDatabase, tmp_path: Path
) -> None:
    publish_measure(db)
    publish_rate(db, 2023, 0.60)
    publish_rate(db, 2025, 0.70)
    plan = create_plan(
        db,
        network,
        "Healthier Riverbend",
        start_year=2024,
        end_year=2027,
        status=PlanStatus.ACTIVE,
        by=Actor(),
    )
    add_goal(db, plan, GoalSpec("Screening", 2023, 0.75, date(2027, 12, 31), "CMS125"), by=Actor())
    db.commit()
    output = plan_command(app_db, tmp_path, "progress")
    for expected in ("Screening", "60.0% (2023)", "70.0% (2025)", "75.0% by", "67%", "on track"):
        assert expected in output


def test_progress_marks_small_cells_the_public_does_not_see(
    db: Session, network: Collaborative, app_db: AppDatabase, tmp_path: Path
) -> None:
    clinic = add_organization(db, "Riverside Community Clinic", OrganizationType.CLINIC)
    publish_measure(db)
    scope = {"entity_type": "clinic", "entity_id": "riverside", "organization_id": clinic.id}
    publish_rate(db, 2023, 0.60, **scope)
    publish_rate(db, 2025, 0.80, suppression="primary", **scope)
    plan = create_plan(db, network, "Plan", start_year=2024, end_year=2027, by=Actor())
    spec = GoalSpec(
        "Riverside",
        2023,
        0.75,
        date(2027, 12, 31),
        "CMS125",
        entity_type="clinic",
        entity_id="riverside",
    )
    add_goal(db, plan, spec, by=Actor())
    db.commit()
    staff_view = plan_command(app_db, tmp_path, "progress", "--plan", str(plan.id))
    assert "80.0%* (2025)" in staff_view
    public_view = plan_command(app_db, tmp_path, "progress", "--plan", str(plan.id), "--public")
    assert "80.0%" not in public_view
    assert "not measured" in public_view


def test_a_plan_and_a_goal_are_set_up_from_the_command_line_and_audited(
    db: Session, network: Collaborative, app_db: AppDatabase, tmp_path: Path
) -> None:
    publish_measure(db)
    db.commit()
    said = plan_command(
        app_db,
        tmp_path,
        "add",
        "Healthier Riverbend",
        "--collaborative",
        str(network.id),
        "--start-year",
        "2024",
        "--end-year",
        "2027",
        "--active",
    )
    plan_id = said.split(":")[0].removeprefix("plan ")
    plan_command(
        app_db,
        tmp_path,
        "add-goal",
        "More women screened",
        "--plan",
        plan_id,
        "--measure",
        "CMS125",
        "--baseline-period",
        "2023",
        "--target",
        "75%",
        "--by",
        "2027-12-31",
    )
    assert "More women screened" in plan_command(app_db, tmp_path, "progress")
    db.rollback()
    assert [e.action for e in entries(db)] == ["create-plan", "add-plan-goal"]


def test_the_command_line_audits_a_plan_and_a_goal_as_the_pages_do(
    db: Session, network: Collaborative, app_db: AppDatabase, tmp_path: Path
) -> None:
    publish_measure(db)
    db.commit()
    said = plan_command(app_db, tmp_path, "add", "Plan", "--collaborative", str(network.id),
                        "--start-year", "2024", "--end-year", "2027")  # fmt: skip
    plan_id = int(said.split(":")[0].removeprefix("plan "))
    plan_command(app_db, tmp_path, "add-goal", "Screening", "--plan", str(plan_id), "--measure",
                 "CMS125", "--baseline-period", "2023", "--target", "75%", "--by",
                 "2027-12-31")  # fmt: skip
    db.rollback()
    created, added = (json.loads(e.detail) for e in entries(db))
    assert created | {"via": "command line"} == created  # the actor: the machine's user
    assert {k: created[k] for k in ("plan_id", "collaborative_id")} == {
        "plan_id": plan_id,
        "collaborative_id": network.id,
    }
    assert {k: added[k] for k in ("plan_id", "measure_id", "target_value")} == {
        "plan_id": plan_id,
        "measure_id": "CMS125",
        "target_value": 0.75,
    }
    assert added["target_date"] == "2027-12-31"


def test_a_target_date_that_is_no_date_says_what_to_write(
    app_db: AppDatabase, tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        ["plan", "add-goal", "G", "--plan", "1", "--measure", "CMS125", "--baseline-period",
         "2023", "--target", "75%", "--by", "31/12/2027", "-w", str(tmp_path)],
        env={"COMMONTABLE_APP_DB": app_db.url},
    )  # fmt: skip
    assert result.exit_code != 0
    assert "31/12/2027" in result.output
    assert "%Y-%m-%d" in result.output


def test_progress_without_goals_says_how_to_add_them(app_db: AppDatabase, tmp_path: Path) -> None:
    assert "no goals yet" in plan_command(app_db, tmp_path, "progress")

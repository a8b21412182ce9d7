"""`commontable demo-table` seeds the demo's collaborative, study, votes and plan, once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from commontable.appdb import transaction, upgrade
from commontable.audit import app_db_engine
from commontable.cli import app
from commontable.config import load_settings
from commontable.governance.decisions import MotionStatus, motions
from commontable.governance.delphi import agreed_set, studies
from commontable.members import (
    OrganizationType,
    Person,
    add_organization,
    authenticate,
    top_level_collaboratives,
)
from commontable.plans.planning import list_plans
from commontable.publishing.models import PublishedMeasure
from tests.published_results import CMS125, cell, publish_cells

runner = CliRunner()
PASSWORD = "a demo password of the table"
ROSTER = [
    ("Cascade Health Plan", OrganizationType.HEALTH_PLAN, "ORG-PLAN-1"),
    ("Lakeside General Hospital", OrganizationType.HOSPITAL, "ORG-HOSP-1"),
    ("Foodlink Pantry Network", OrganizationType.CBO, "ORG-CBO-1"),
    ("Riverside Grocers", OrganizationType.PURCHASER, "ORG-EMP-1"),
]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace whose app DB holds a small roster and two measures' published 2025 cells."""
    settings = load_settings(tmp_path)
    upgrade(settings.resolve(settings.app_db))
    engine = app_db_engine(settings)
    with transaction(engine) as session:
        for name, kind, roster_id in ROSTER:
            add_organization(session, name, kind).roster_id = roster_id
        add_organization(session, "Not on the roster", OrganizationType.CLINIC)
        session.add(PublishedMeasure(**{**CMS125, "measure_id": "CMS130", "title": "Colorectal"}))
        colorectal = {**cell("collaborative", None, 900, 560, entity_type="collaborative")}
        publish_cells(
            session,
            [
                cell("collaborative", None, 1200, 780, entity_type="collaborative"),
                cell("cascade", None, 400, 300),
                {**colorectal, "measure_id": "CMS130"},
            ],
        )
    engine.dispose()
    return tmp_path


def test_demo_table_seeds_a_finished_study_an_open_vote_and_the_plan(workspace: Path) -> None:
    seeded = runner.invoke(
        app, ["demo-table", "--password-stdin", "--workspace", str(workspace)], input=PASSWORD
    )
    assert seeded.exit_code == 0, seeded.output
    assert "Finger Lakes Common Table" in seeded.output

    settings = load_settings(workspace)
    engine = app_db_engine(settings)
    with transaction(engine) as session:
        (table,) = top_level_collaboratives(session)
        assert table.name == "Finger Lakes Common Table"
        (study,) = studies(session)
        assert study.finished_at is not None
        assert len(study.rounds) == 2
        agreed = [item.measure_id for item in agreed_set(study)]
        assert agreed  # the panel agreed on a set
        statuses = sorted(m.status for m in motions(session, table))
        assert statuses == [MotionStatus.CLOSED, MotionStatus.OPEN]
        adopted = next(m for m in motions(session, table) if m.status is MotionStatus.CLOSED)
        assert adopted.decision is not None
        assert adopted.decision.passed
        assert [link.ref for link in adopted.links] == [str(study.id)]
        (plan,) = list_plans(session, table)
        assert [goal.measure_id for goal in plan.goals] == agreed
        assert all(goal.baseline_period == 2025 for goal in plan.goals)
        representatives = session.scalar(select(func.count()).select_from(Person))
        assert representatives == len(ROSTER)  # one per seated organization, none off-roster
        line = next(x for x in seeded.output.splitlines() if x.startswith("representatives"))
        signs_in = line.split(": ", 1)[1].split(", ")
        assert len(signs_in) == 3  # the plan's, the hospital's and the CBO's
        assert all(authenticate(session, email, PASSWORD) for email in signs_in)

    again = runner.invoke(
        app, ["demo-table", "--password-stdin", "--workspace", str(workspace)], input=PASSWORD
    )
    assert again.exit_code != 0
    assert "seeded already" in str(again.exception)
    with transaction(engine) as session:
        assert len(studies(session)) == 1
        assert len(top_level_collaboratives(session)) == 1
    engine.dispose()


def test_seeding_is_audited(workspace: Path) -> None:
    from commontable.audit import AuditAction, entries

    runner.invoke(app, ["demo-table", "--password-stdin", "-w", str(workspace)], input=PASSWORD)
    settings = load_settings(workspace)
    engine = app_db_engine(settings)
    with transaction(engine) as session:
        assert len(entries(session, action=AuditAction.SEED_DEMO_TABLE)) == 1
    engine.dispose()

"""The action plan on the web: members read plans, goals against their targets and who
committed what; staff plan; a representative reports on their own organization's
commitments only; every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from commontable.appdb import transaction
from commontable.audit import Actor, entries
from commontable.members import Role
from commontable.plans import PlanStatus
from commontable.plans.commitments import add_commitment
from commontable.plans.goals import CustomMeasure, GoalSpec, add_goal
from commontable.plans.planning import create_plan, get_plan
from tests.app_fixtures import AppDatabase
from tests.plans.results import publish_measure, publish_rate
from tests.web.conftest import Region, bearer, signed_in


@dataclass(frozen=True)
class Seeded:
    """A plan of the network with one off-track goal and a commitment of each organization."""

    plan: int
    goal: int
    custom_goal: int
    own_commitment: int
    other_commitment: int


@pytest.fixture
def seeded(db: Session, region: Region) -> Seeded:
    publish_measure(db)
    for period, rate in ((2023, 0.60), (2024, 0.62), (2025, 0.63)):
        publish_rate(db, period, rate, half_width=0.005)
    plan = create_plan(
        db,
        region.network,
        "Healthier Riverbend",
        start_year=2024,
        end_year=2027,
        status=PlanStatus.ACTIVE,
        by=Actor(),
    )
    spec = GoalSpec("More women screened", 2023, 0.75, date(2027, 12, 31), "CMS125")
    goal = add_goal(db, plan, spec, by=Actor())
    custom = CustomMeasure("Food pantry referrals closed", "proportion", higher_is_better=True)
    custom_goal = add_goal(
        db,
        plan,
        GoalSpec("Close the loop", 2024, 0.9, date(2027, 12, 31), custom=custom),
        by=Actor(),
    )
    own = add_commitment(db, plan, region.own, "Reminder letters", due_date=date(2030, 6, 30))
    other = add_commitment(db, plan, region.other, "Screening Saturdays", due_date=date(2020, 1, 1))
    db.commit()
    return Seeded(plan.id, goal.id, custom_goal.id, own.id, other.id)


def audited(app_db: AppDatabase) -> list[tuple[str, str]]:
    with transaction(app_db.engine) as session:
        return [(entry.action, entry.target) for entry in entries(session)]


def test_the_plans_list_shows_each_plan(
    client: TestClient, app_db: AppDatabase, region: Region, seeded: Seeded
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    page = client.get("/plans").text
    assert f'<a href="/plans/{seeded.plan}">Healthier Riverbend</a>' in page


def test_the_plan_page_shows_each_goal_against_its_target_in_a_chart(
    client: TestClient, app_db: AppDatabase, region: Region, seeded: Seeded
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    page = client.get(f"/plans/{seeded.plan}").text
    assert "<svg" in page
    assert "60.0% in 2023" in page  # the baseline
    assert "63.0% in 2025" in page  # the latest
    assert "75.0% by 2027-12-31" in page


def test_the_plan_page_says_what_is_off_track(
    client: TestClient, app_db: AppDatabase, region: Region, seeded: Seeded
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    page = client.get(f"/plans/{seeded.plan}").text
    off_track = page[page.index('id="off-track"') : page.index('id="goals"')]
    assert "More women screened" in off_track
    assert "Screening Saturdays" in off_track  # overdue
    assert "Reminder letters" not in off_track


def test_members_see_no_planning_forms(
    client: TestClient, app_db: AppDatabase, region: Region, seeded: Seeded
) -> None:
    signed_in(client, app_db, region.people[Role.MEMBER_REPRESENTATIVE])
    page = client.get(f"/plans/{seeded.plan}").text
    assert "Add a goal" not in page
    assert f"/commitments/{seeded.own_commitment}/status" in page
    assert f"/commitments/{seeded.other_commitment}/status" not in page


def test_staff_start_a_plan_and_it_is_audited(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    csrf = signed_in(client, app_db, region.people[Role.STAFF])
    form = {
        "csrf_token": csrf,
        "collaborative_id": str(region.network.id),
        "title": "Riverbend 2030",
        "start_year": "2026",
        "end_year": "2030",
    }
    answer = client.post("/plans", data=form)
    assert answer.status_code == 303
    assert "Riverbend 2030" in client.get(answer.headers["location"]).text
    assert ("create-plan", "Riverbend 2030") in audited(app_db)


def test_staff_add_a_goal_with_a_target_in_percent(
    client: TestClient, app_db: AppDatabase, region: Region, seeded: Seeded
) -> None:
    csrf = signed_in(client, app_db, region.people[Role.STAFF])
    form = {
        "csrf_token": csrf,
        "title": "Screening for everyone",
        "measure": "CMS125",
        "baseline_period": "2024",
        "target_value": "70%",
        "target_date": "2026-12-31",
    }
    answer = client.post(f"/plans/{seeded.plan}/goals", data=form)
    assert answer.status_code == 303
    page = client.get(f"/plans/{seeded.plan}").text
    assert "70.0% by 2026-12-31" in page
    assert ("add-plan-goal", "Screening for everyone") in audited(app_db)


def test_a_goal_form_with_a_wrong_target_says_what_to_write(
    client: TestClient, app_db: AppDatabase, region: Region, seeded: Seeded
) -> None:
    csrf = signed_in(client, app_db, region.people[Role.STAFF])
    form = {
        "csrf_token": csrf,
        "title": "Screening",
        "measure": "CMS125",
        "baseline_period": "2024",
        "target_value": "70",
        "target_date": "2026-12-31",
    }
    answer = client.post(f"/plans/{seeded.plan}/goals", data=form)
    assert answer.status_code == 400
    assert "write it as 72% or 0.72" in answer.text


def test_a_member_may_not_add_a_goal(
    client: TestClient, app_db: AppDatabase, region: Region, seeded: Seeded
) -> None:
    csrf = signed_in(client, app_db, region.people[Role.MEMBER_REPRESENTATIVE])
    form = {"csrf_token": csrf, "title": "x", "measure": "CMS125"}
    assert client.post(f"/plans/{seeded.plan}/goals", data=form).status_code == 403


def test_staff_enter_a_custom_measures_value(
    client: TestClient, app_db: AppDatabase, region: Region, seeded: Seeded
) -> None:
    csrf = signed_in(client, app_db, region.people[Role.STAFF])
    for period, value in (("2024", "50%"), ("2025", "0.7")):
        form = {"csrf_token": csrf, "period": period, "value": value}
        answer = client.post(f"/plans/goals/{seeded.custom_goal}/values", data=form)
        assert answer.status_code == 303
    page = client.get(f"/plans/goals/{seeded.custom_goal}").text
    assert "70.0% in 2025" in page
    assert "on track" in page
    assert [a for a, _ in audited(app_db)].count("enter-plan-goal-value") == 2


def test_a_representative_updates_their_own_organizations_commitment(
    client: TestClient, app_db: AppDatabase, region: Region, seeded: Seeded
) -> None:
    csrf = signed_in(client, app_db, region.people[Role.MEMBER_REPRESENTATIVE])
    path = f"/organizations/{region.own.id}/commitments/{seeded.own_commitment}/status"
    form = {"csrf_token": csrf, "status": "in_progress", "note": "first letters sent"}
    answer = client.post(path, data=form)
    assert answer.status_code == 303
    page = client.get(answer.headers["location"]).text
    assert "in progress" in page
    assert "first letters sent" in page
    assert ("update-plan-commitment", "Reminder letters") in audited(app_db)


def test_a_representative_may_not_update_another_organizations_commitment(
    client: TestClient, app_db: AppDatabase, region: Region, seeded: Seeded
) -> None:
    csrf = signed_in(client, app_db, region.people[Role.MEMBER_REPRESENTATIVE])
    path = f"/organizations/{region.other.id}/commitments/{seeded.other_commitment}/status"
    answer = client.post(path, data={"csrf_token": csrf, "status": "done"})
    assert answer.status_code == 403


def test_another_organizations_commitment_cannot_be_reached_through_ones_own(
    client: TestClient, app_db: AppDatabase, region: Region, seeded: Seeded
) -> None:
    csrf = signed_in(client, app_db, region.people[Role.MEMBER_REPRESENTATIVE])
    path = f"/organizations/{region.own.id}/commitments/{seeded.other_commitment}/status"
    answer = client.post(path, data={"csrf_token": csrf, "status": "done"})
    assert answer.status_code == 404
    assert "update-plan-commitment" not in [a for a, _ in audited(app_db)]


def test_other_people_of_the_organization_may_not_update_its_commitments(
    client: TestClient, app_db: AppDatabase, region: Region, seeded: Seeded
) -> None:
    csrf = signed_in(client, app_db, region.people[Role.DATA_SUBMITTER])
    path = f"/organizations/{region.own.id}/commitments/{seeded.own_commitment}/status"
    assert client.post(path, data={"csrf_token": csrf, "status": "done"}).status_code == 403


def test_the_organization_page_loads_its_commitments(
    client: TestClient, app_db: AppDatabase, region: Region, seeded: Seeded
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    page = client.get(f"/organizations/{region.other.id}").text
    assert f'hx-get="/organizations/{region.other.id}/commitments"' in page
    fragment = client.get(f"/organizations/{region.other.id}/commitments").text
    assert 'id="commitments"' in fragment
    assert "Screening Saturdays" in fragment
    assert "overdue" in fragment
    assert "Reminder letters" not in fragment


def test_staff_run_an_improvement_cycle_on_an_initiative(
    client: TestClient, app_db: AppDatabase, region: Region, seeded: Seeded
) -> None:
    csrf = signed_in(client, app_db, region.people[Role.STAFF])
    form = {"csrf_token": csrf, "title": "Mobile mammography", "owner": str(region.other.id)}
    assert client.post(f"/plans/{seeded.plan}/initiatives", data=form).status_code == 303
    plan_page = client.get(f"/plans/{seeded.plan}").text
    initiative = plan_page.split('<a href="/plans/initiatives/')[1].split('"')[0]
    cycle = {
        "csrf_token": csrf,
        "title": "Text reminders",
        "change": "Text patients two days ahead; we expect 20% more to come",
        "start_date": "2025-03-01",
        "measures": "share of reminded patients who came",
    }
    answer = client.post(f"/plans/initiatives/{initiative}/cycles", data=cycle)
    assert answer.status_code == 303
    cycle_id = answer.headers["location"].split("#cycle-")[1]
    study = {
        "csrf_token": csrf,
        "stage": "act",
        "findings": "31% more came",
        "learnings": "Texts work best in the evening",
        "decision": "adopt",
        "end_date": "2025-04-01",
    }
    assert client.post(f"/plans/cycles/{cycle_id}", data=study).status_code == 303
    page = client.get(f"/plans/initiatives/{initiative}").text
    assert "Texts work best in the evening" in page
    assert "adopted" in page
    actions = [a for a, _ in audited(app_db)]
    assert actions[-3:] == [
        "add-plan-initiative",
        "add-improvement-cycle",
        "update-improvement-cycle",
    ]


def test_the_api_gives_a_plan_with_its_goals_progress_and_commitments(
    client: TestClient, region: Region, seeded: Seeded
) -> None:
    answer = client.get(f"/api/plans/{seeded.plan}", headers=bearer(region.own_token))
    assert answer.status_code == 200
    plan = answer.json()
    goal = next(g for g in plan["goals"] if g["goal_id"] == seeded.goal)
    assert (goal["baseline"], goal["latest"], goal["status"]) == (0.6, 0.63, "off track")
    assert [o["period"] for o in goal["series"]] == [2023, 2024, 2025]
    assert {c["organization_name"] for c in plan["commitments"]} == {
        "Cascade Health Plan",
        "Riverside Community Clinic",
    }


def test_the_api_blanks_a_small_cell_of_another_organization(
    client: TestClient, db: Session, region: Region, seeded: Seeded
) -> None:
    scope = {"entity_type": "clinic", "entity_id": "riverside", "organization_id": region.other.id}
    publish_rate(db, 2023, 0.50, **scope)
    publish_rate(db, 2024, 0.90, suppression="primary", **scope)
    spec = GoalSpec(
        "Riverside screening",
        2023,
        0.75,
        date(2027, 12, 31),
        "CMS125",
        entity_type="clinic",
        entity_id="riverside",
    )
    add_goal(db, get_plan(db, seeded.plan), spec, by=Actor())
    db.commit()

    def riverside_goal(token: str) -> dict[str, Any]:
        plan = client.get(f"/api/plans/{seeded.plan}", headers=bearer(token)).json()
        found: dict[str, Any] = next(
            g for g in plan["goals"] if g["title"] == "Riverside screening"
        )
        return found

    seen_by_cascade = riverside_goal(region.own_token)
    assert seen_by_cascade["series"][-1]["value"] is None
    assert seen_by_cascade["latest"] is None
    assert riverside_goal(region.other_token)["latest"] == 0.9


def test_the_api_lists_the_plans(client: TestClient, region: Region, seeded: Seeded) -> None:
    answer = client.get("/api/plans", headers=bearer(region.own_token))
    assert [(p["id"], p["title"], p["status"]) for p in answer.json()] == [
        (seeded.plan, "Healthier Riverbend", "active")
    ]

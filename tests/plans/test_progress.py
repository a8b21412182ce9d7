"""Progress is computed from published results, as each reader may see them: the series by
period, the baseline, the latest value, how far along, on or off track."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from commontable.audit import Actor
from commontable.members import (
    CollaborativeType,
    OrganizationType,
    Role,
    add_collaborative,
    add_organization,
)
from commontable.plans import PlanStatus, TrackStatus, goal_progress, goals_with_progress
from commontable.plans.goals import CustomMeasure, GoalSpec, add_goal, enter_value
from commontable.plans.models import Goal, Plan
from commontable.plans.planning import create_plan
from commontable.privacy.access import Principal
from commontable.publishing.reader import Reader, reader_for
from tests.plans.results import ED_VISITS, publish_measure, publish_rate

STEWARD = Principal(1, frozenset({Role.STAFF, Role.DATA_STEWARD}), "data steward")


def reader(db: Session, principal: Principal | None) -> Reader | None:
    return None if principal is None else reader_for(db, principal)


@pytest.fixture
def plan(db: Session) -> Plan:
    network = add_collaborative(db, "Riverbend Health Network", CollaborativeType.NETWORK)
    return create_plan(
        db,
        network,
        "Healthier Riverbend",
        start_year=2024,
        end_year=2027,
        status=PlanStatus.ACTIVE,
        by=Actor(),
    )


def screening_goal(db: Session, plan: Plan, **scope: str) -> Goal:
    """75% screened by the end of 2027, from the 2023 baseline."""
    spec = GoalSpec("More women screened", 2023, 0.75, date(2027, 12, 31), "CMS125", **scope)
    return add_goal(db, plan, spec, by=Actor())


def test_progress_follows_the_published_results_of_several_periods(db: Session, plan: Plan) -> None:
    publish_measure(db)
    for period, rate in ((2023, 0.60), (2024, 0.64), (2025, 0.68)):
        publish_rate(db, period, rate)
    progress = goal_progress(db, screening_goal(db, plan), None)
    assert [(o.period, o.value) for o in progress.series] == [
        (2023, 0.60),
        (2024, 0.64),
        (2025, 0.68),
    ]
    assert (progress.baseline, progress.latest, progress.latest_period) == (0.60, 0.68, 2025)
    assert progress.percent_of_way == pytest.approx(8 / 15)
    assert progress.status is TrackStatus.ON_TRACK  # the line passes 67.5% at the end of 2025


def test_a_goal_falling_behind_its_line_is_off_track(db: Session, plan: Plan) -> None:
    publish_measure(db)
    publish_rate(db, 2023, 0.60)
    publish_rate(db, 2025, 0.61, half_width=0.01)
    progress = goal_progress(db, screening_goal(db, plan), None)
    assert progress.status is TrackStatus.OFF_TRACK
    assert progress.expected == pytest.approx(0.675, abs=1e-3)


def test_the_direction_comes_from_the_measure(db: Session, plan: Plan) -> None:
    publish_measure(db, ED_VISITS, higher_is_better=False)
    publish_rate(db, 2023, 400.0, measure_id=ED_VISITS, half_width=10)
    publish_rate(db, 2025, 340.0, measure_id=ED_VISITS, half_width=10)
    spec = GoalSpec("Fewer ED visits", 2023, 300.0, date(2027, 12, 31), ED_VISITS)
    goal = add_goal(db, plan, spec, by=Actor())
    assert goal.higher_is_better is False
    assert goal_progress(db, goal, None).status is TrackStatus.ON_TRACK


def test_a_goal_reads_only_the_results_of_its_scope(db: Session, plan: Plan) -> None:
    publish_measure(db)
    publish_rate(db, 2023, 0.60)
    publish_rate(db, 2023, 0.50, entity_type="clinic", entity_id="riverside")
    publish_rate(db, 2024, 0.55, entity_type="clinic", entity_id="riverside")
    publish_rate(
        db,
        2024,
        0.40,
        entity_type="clinic",
        entity_id="riverside",
        stratum_type="sex",
        stratum="female",
    )
    goal = screening_goal(db, plan, entity_type="clinic", entity_id="riverside")
    progress = goal_progress(db, goal, None)
    assert [o.value for o in progress.series] == [0.50, 0.55]
    assert progress.scope.label == "Riverside"


def test_a_suppressed_cell_is_not_used_for_a_reader_who_may_not_see_it(
    db: Session, plan: Plan
) -> None:
    clinic = add_organization(db, "Riverside Community Clinic", OrganizationType.CLINIC)
    other = add_organization(db, "Cascade Health Plan", OrganizationType.HEALTH_PLAN)
    publish_measure(db)
    scope = {"entity_type": "clinic", "entity_id": "riverside", "organization_id": clinic.id}
    publish_rate(db, 2023, 0.50, **scope)
    publish_rate(db, 2024, 0.60, **scope)
    publish_rate(db, 2025, 0.80, suppression="primary", **scope)
    goal = screening_goal(db, plan, entity_type="clinic", entity_id="riverside")
    outsider = Principal(other.id, frozenset({Role.VIEWER}), "someone at Cascade")
    for who in (None, outsider):
        progress = goal_progress(db, goal, reader(db, who))
        assert progress.series[-1].value is None
        assert progress.series[-1].status == "suppressed"
        assert (progress.latest_period, progress.latest) == (2024, 0.60)
        assert progress.status is not TrackStatus.MET


def test_the_organization_itself_and_data_stewards_see_its_suppressed_cell(
    db: Session, plan: Plan
) -> None:
    clinic = add_organization(db, "Riverside Community Clinic", OrganizationType.CLINIC)
    publish_measure(db)
    scope = {"entity_type": "clinic", "entity_id": "riverside", "organization_id": clinic.id}
    publish_rate(db, 2023, 0.50, **scope)
    publish_rate(db, 2025, 0.80, suppression="primary", **scope)
    goal = screening_goal(db, plan, entity_type="clinic", entity_id="riverside")
    own = Principal(clinic.id, frozenset({Role.VIEWER}), "someone at Riverside")
    for who in (own, STEWARD):
        progress = goal_progress(db, goal, reader(db, who))
        assert (progress.latest, progress.status) == (0.80, TrackStatus.MET)


def test_a_suppressed_baseline_is_not_available_to_the_public(db: Session, plan: Plan) -> None:
    publish_measure(db)
    publish_rate(db, 2023, 0.60, entity_type="clinic", entity_id="riverside", suppression="primary")
    publish_rate(db, 2024, 0.70, entity_type="clinic", entity_id="riverside")
    goal = screening_goal(db, plan, entity_type="clinic", entity_id="riverside")
    goal.baseline_value = 0.61  # entered before anything was published; the published cell wins
    progress = goal_progress(db, goal, None)
    assert progress.baseline is None
    assert progress.status is TrackStatus.NOT_MEASURED


def test_a_result_of_too_few_people_is_not_used_to_judge_progress(db: Session, plan: Plan) -> None:
    publish_measure(db)
    publish_rate(db, 2023, 0.60)
    publish_rate(db, 2024, 0.66)
    publish_rate(db, 2025, 0.40, status="too few")
    progress = goal_progress(db, screening_goal(db, plan), None)
    assert (progress.latest_period, progress.latest) == (2024, 0.66)


def test_an_entered_baseline_stands_in_while_nothing_is_published_for_its_period(
    db: Session, plan: Plan
) -> None:
    publish_measure(db)
    publish_rate(db, 2024, 0.66)
    spec = GoalSpec(
        "More women screened", 2023, 0.75, date(2027, 12, 31), "CMS125", baseline_value=0.60
    )
    progress = goal_progress(db, add_goal(db, plan, spec, by=Actor()), None)
    assert (progress.baseline, progress.latest) == (0.60, 0.66)
    assert progress.status is TrackStatus.ON_TRACK


def test_a_custom_measure_is_tracked_on_the_values_staff_enter(db: Session, plan: Plan) -> None:
    custom = CustomMeasure("Food pantry referrals closed", "proportion", higher_is_better=True)
    spec = GoalSpec("Close the loop", 2023, 0.90, date(2026, 12, 31), custom=custom)
    goal = add_goal(db, plan, spec, by=Actor())
    enter_value(db, goal, 2023, 0.50)
    enter_value(db, goal, 2024, 0.60)
    assert enter_value(db, goal, 2024, 0.70) == 0.60  # a correction replaces the value
    progress = goal_progress(db, goal, None)
    assert [(o.period, o.value, o.status) for o in progress.series] == [
        (2023, 0.50, "entered"),
        (2024, 0.70, "entered"),
    ]
    assert progress.percent_of_way == pytest.approx(0.5)
    assert progress.status is TrackStatus.ON_TRACK


def test_without_results_after_the_baseline_a_goal_is_not_measured(db: Session, plan: Plan) -> None:
    publish_measure(db)
    publish_rate(db, 2023, 0.60)
    progress = goal_progress(db, screening_goal(db, plan), None)
    assert progress.status is TrackStatus.NOT_MEASURED
    assert progress.latest is None


def test_goals_with_progress_leaves_out_draft_plans_and_other_collaboratives(
    db: Session, plan: Plan
) -> None:
    publish_measure(db)
    screening_goal(db, plan)
    other = add_collaborative(db, "Lakeshore Collaborative", CollaborativeType.NETWORK)
    draft = create_plan(
        db, plan.collaborative, "Next plan", start_year=2028, end_year=2030, by=Actor()
    )
    screening_goal(db, draft)
    elsewhere = create_plan(
        db,
        other,
        "Lakeshore plan",
        start_year=2024,
        end_year=2027,
        status=PlanStatus.ACTIVE,
        by=Actor(),
    )
    screening_goal(db, elsewhere)
    ours = goals_with_progress(db, plan.collaborative_id)
    assert [(g.plan_title, g.title) for g in ours] == [
        ("Healthier Riverbend", "More women screened")
    ]
    assert len(goals_with_progress(db)) == 2
    assert len(goals_with_progress(db, include_drafts=True)) == 3
    assert [g.plan_id for g in goals_with_progress(db, plan_id=draft.id)] == [draft.id]

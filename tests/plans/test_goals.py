"""Setting goals: on a published measure (its direction comes with it) or a custom one, with
a target date after the baseline period."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from commontable.audit import Actor
from commontable.errors import Conflict, NotFound, UserError
from commontable.members import CollaborativeType, add_collaborative
from commontable.plans.figures import parse_value, value_text
from commontable.plans.goals import CustomMeasure, GoalSpec, add_goal, enter_value
from commontable.plans.models import AdoptedBy, Plan
from commontable.plans.planning import create_plan
from tests.plans.results import publish_measure

BY_2027 = date(2027, 12, 31)


@pytest.fixture
def plan(db: Session) -> Plan:
    network = add_collaborative(db, "Riverbend Health Network", CollaborativeType.NETWORK)
    return create_plan(
        db, network, "Healthier Riverbend", start_year=2024, end_year=2027, by=Actor()
    )


def test_a_goal_on_an_unpublished_measure_is_refused(db: Session, plan: Plan) -> None:
    with pytest.raises(NotFound, match="no published results"):
        add_goal(db, plan, GoalSpec("Screening", 2023, 0.75, BY_2027, "CMS125"), by=Actor())


def test_a_goal_takes_its_measure_title_unit_and_direction(db: Session, plan: Plan) -> None:
    publish_measure(db)
    goal = add_goal(db, plan, GoalSpec("Screening", 2023, 0.75, BY_2027, "CMS125"), by=Actor())
    assert (goal.measure_title, goal.unit, goal.higher_is_better) == (
        "Breast Cancer Screening",
        "proportion",
        True,
    )


def test_the_target_date_must_come_after_the_baseline_period(db: Session, plan: Plan) -> None:
    publish_measure(db)
    with pytest.raises(UserError, match="must come after the baseline period"):
        add_goal(
            db, plan, GoalSpec("Screening", 2023, 0.75, date(2023, 12, 31), "CMS125"), by=Actor()
        )


def test_a_proportion_target_above_one_is_refused(db: Session, plan: Plan) -> None:
    publish_measure(db)
    with pytest.raises(UserError, match="not a proportion"):
        add_goal(db, plan, GoalSpec("Screening", 2023, 75.0, BY_2027, "CMS125"), by=Actor())


def test_an_unknown_entity_type_is_refused(db: Session, plan: Plan) -> None:
    publish_measure(db)
    spec = GoalSpec("Screening", 2023, 0.75, BY_2027, "CMS125", entity_type="planet")
    with pytest.raises(UserError, match="unknown entity type"):
        add_goal(db, plan, spec, by=Actor())


def test_a_goal_needs_a_measure_or_a_custom_measure_not_both(db: Session, plan: Plan) -> None:
    custom = CustomMeasure("Referrals closed", "proportion", True)
    with pytest.raises(UserError, match="either a published measure or a custom measure"):
        add_goal(
            db, plan, GoalSpec("Both", 2023, 0.9, BY_2027, "CMS125", custom=custom), by=Actor()
        )
    with pytest.raises(UserError, match="either a published measure or a custom measure"):
        add_goal(db, plan, GoalSpec("Neither", 2023, 0.9, BY_2027), by=Actor())


def test_a_goal_remembers_the_decision_that_adopted_its_measure(db: Session, plan: Plan) -> None:
    publish_measure(db)
    spec = GoalSpec(
        "Screening", 2023, 0.75, BY_2027, "CMS125", adopted_by=(AdoptedBy.DECISION, "12")
    )
    goal = add_goal(db, plan, spec, by=Actor())
    assert (goal.adopted_by_kind, goal.adopted_by_ref) == (AdoptedBy.DECISION, "12")


def test_values_of_a_published_measure_cannot_be_typed_in(db: Session, plan: Plan) -> None:
    publish_measure(db)
    goal = add_goal(db, plan, GoalSpec("Screening", 2023, 0.75, BY_2027, "CMS125"), by=Actor())
    with pytest.raises(Conflict, match="come from its published results"):
        enter_value(db, goal, 2024, 0.7)


def test_values_are_read_as_people_write_them() -> None:
    assert parse_value("72%", "proportion") == pytest.approx(0.72)
    assert parse_value("0.72", "proportion") == pytest.approx(0.72)
    assert parse_value("$1,250.50", "cost PMPM") == pytest.approx(1250.5)
    with pytest.raises(UserError, match="write it as 72% or 0.72"):
        parse_value("72", "proportion")
    with pytest.raises(UserError, match="not a number"):
        parse_value("lots", "people screened")


def test_values_are_shown_in_their_unit() -> None:
    assert value_text("proportion", 0.7234) == "72.3%"
    assert value_text("rate per 1,000", 575.04) == "575.0 per 1,000"
    assert value_text("people screened", 120.0) == "120 people screened"
    assert value_text("proportion", None) == ""

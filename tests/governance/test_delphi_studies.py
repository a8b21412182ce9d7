"""Delphi studies in the app DB: a panel from stakeholder groups rates items round by round,
sees the panel's feedback, may revise, and the study ends in the agreed measure set."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from commontable.errors import Conflict, Forbidden, UserError
from commontable.governance.delphi import (
    Answer,
    DelphiStudy,
    StakeholderGroup,
    StudyRule,
    Verdict,
    add_item,
    add_panelist,
    agreed_set,
    close_round,
    create_study,
    feedback,
    open_round,
    panelist_of,
    rate,
    study_analysis,
)
from tests.governance.conftest import LATER, NOW, Table

GROUPS = {
    "plan": StakeholderGroup.HEALTH_PLANS,
    "clinic": StakeholderGroup.PROVIDERS,
    "employer": StakeholderGroup.EMPLOYERS,
}


@pytest.fixture
def study(db: Session, table: Table) -> DelphiStudy:
    """Three candidate measures and a panel of three, one from each of three groups."""
    study = create_study(
        db,
        table.collaborative,
        "Measures for 2026",
        rule=StudyRule.COS,
        question="How important is it that the collaborative reports this measure?",
        created_by=table.staff,
    )
    add_item(db, study, "Diabetes: HbA1c poor control (>9%)", "cms122")
    add_item(db, study, "Controlling high blood pressure", "CMS165")
    add_item(db, study, "Share of members screened for food insecurity")
    for member, group in GROUPS.items():
        add_panelist(db, study, table.reps[member], group)
    return study


def rate_all(
    db: Session, study: DelphiStudy, table: Table, scores: dict[str, list[int]], hours: int = 1
) -> None:
    items = [item.id for item in study.items]
    for member, ratings in scores.items():
        answers = {
            item: Answer(r, f"{member} on {i}")
            for i, (item, r) in enumerate(zip(items, ratings, strict=True))
        }
        rate(db, study, table.reps[member], answers, now=NOW + timedelta(hours=hours))


def test_items_keep_library_measure_ids_as_text(study: DelphiStudy) -> None:
    assert [item.measure_id for item in study.items] == ["CMS122", "CMS165", None]
    assert study.items[0].label == "CMS122: Diabetes: HbA1c poor control (>9%)"


def test_a_two_round_study_of_three_panelists_ends_in_a_consensus_set(
    db: Session, study: DelphiStudy, table: Table
) -> None:
    open_round(db, study, LATER, now=NOW)
    rate_all(db, study, table, {"plan": [8, 9, 2], "clinic": [9, 6, 2], "employer": [7, 4, 5]})
    first = close_round(db, study, now=NOW + timedelta(days=1))
    assert not first.stopped  # blood pressure and food security have no consensus yet
    open_round(db, study, LATER + timedelta(days=7), now=NOW + timedelta(days=2))
    rate_all(
        db, study, table, {"plan": [8, 9, 2], "clinic": [9, 8, 1], "employer": [8, 7, 3]}, hours=50
    )
    second = close_round(db, study, now=NOW + timedelta(days=3))
    assert second.stopped
    assert second.reason == "every item reached consensus in round 2"
    assert [item.verdict for item in study.items] == [
        Verdict.INCLUDE,
        Verdict.INCLUDE,
        Verdict.EXCLUDE,
    ]
    assert [item.measure_id for item in agreed_set(study)] == ["CMS122", "CMS165"]
    assert study.finished_at is not None


def test_after_a_round_panelists_see_the_panels_feedback_and_their_own_rating(
    db: Session, study: DelphiStudy, table: Table
) -> None:
    open_round(db, study, LATER, now=NOW)
    rate_all(db, study, table, {"plan": [8, 9, 2], "clinic": [9, 6, 2], "employer": [7, 4, 5]})
    close_round(db, study, now=NOW + timedelta(days=1))
    open_round(db, study, LATER + timedelta(days=7), now=NOW + timedelta(days=2))
    shown = feedback(study, panelist_of(study, table.reps["clinic"]))[1]  # blood pressure
    assert shown.panel is not None
    assert (shown.panel.median, shown.panel.q1, shown.panel.q3) == (6.0, 5.0, 7.5)
    assert shown.panel.distribution == (0, 0, 0, 1, 0, 1, 0, 0, 1)
    assert shown.own_before == 6
    assert shown.comments == ["clinic on 1", "employer on 1", "plan on 1"]  # no names, sorted
    assert shown.rating is None  # not yet rated in round 2


def test_a_panelist_revises_a_rating_while_the_round_is_open(
    db: Session, study: DelphiStudy, table: Table
) -> None:
    open_round(db, study, LATER, now=NOW)
    first = study.items[0].id
    rate(db, study, table.reps["plan"], {first: Answer(3)}, now=NOW)
    rate(db, study, table.reps["plan"], {first: Answer(8, "on reflection")}, now=NOW)
    mine = feedback(study, panelist_of(study, table.reps["plan"]))[0]
    assert (mine.rating, mine.comment) == (8, "on reflection")
    assert len(study.rounds[0].ratings) == 1


def test_someone_not_on_the_panel_cannot_rate(
    db: Session, study: DelphiStudy, table: Table
) -> None:
    open_round(db, study, LATER, now=NOW)
    with pytest.raises(Forbidden, match="is not on the panel"):
        rate(db, study, table.reps["cbo"], {study.items[0].id: Answer(9)}, now=NOW)


def test_ratings_outside_the_open_round_are_refused(
    db: Session, study: DelphiStudy, table: Table
) -> None:
    item = study.items[0].id
    with pytest.raises(Conflict, match="no round of this study is open"):
        rate(db, study, table.reps["plan"], {item: Answer(9)}, now=NOW)
    open_round(db, study, LATER, now=NOW)
    with pytest.raises(Conflict, match="no round of this study is open"):
        rate(db, study, table.reps["plan"], {item: Answer(9)}, now=LATER)
    with pytest.raises(UserError, match="from 1 to 9, not 10"):
        rate(db, study, table.reps["plan"], {item: Answer(10)}, now=NOW)


def test_only_member_representatives_sit_on_the_panel(
    db: Session, study: DelphiStudy, table: Table
) -> None:
    with pytest.raises(UserError, match="is not a member representative"):
        add_panelist(db, study, table.staff, StakeholderGroup.PUBLIC_HEALTH)


def test_items_are_fixed_once_the_first_round_opens(db: Session, study: DelphiStudy) -> None:
    open_round(db, study, LATER, now=NOW)
    with pytest.raises(Conflict, match="the study's items are fixed"):
        add_item(db, study, "Another measure")


def test_the_study_stops_at_its_last_round_with_items_undecided(
    db: Session, table: Table, study: DelphiStudy
) -> None:
    study.max_rounds = 1
    open_round(db, study, LATER, now=NOW)
    rate_all(db, study, table, {"plan": [8, 9, 2], "clinic": [9, 6, 2], "employer": [7, 4, 5]})
    closed = close_round(db, study, now=NOW + timedelta(days=1))
    assert closed.stopped
    assert closed.reason == "round 1 was the last of 1 rounds"
    assert [item.verdict for item in study.items] == [
        Verdict.INCLUDE,
        Verdict.UNDECIDED,
        Verdict.UNDECIDED,
    ]
    with pytest.raises(Conflict, match="the study finished"):
        open_round(db, study, LATER, now=NOW + timedelta(days=2))


def test_round_results_hold_each_stakeholder_groups_consensus_and_attrition(
    db: Session, study: DelphiStudy, table: Table
) -> None:
    open_round(db, study, LATER, now=NOW)
    rate_all(db, study, table, {"plan": [8, 9, 2], "clinic": [9, 6, 2]})
    close_round(db, study, now=NOW + timedelta(days=1))
    analysis = study_analysis(db, study, by_group=True)
    groups = set(analysis.results["group"])
    assert groups == {"(whole panel)", "health_plans", "providers"}
    assert analysis.attrition.loc[0, ["responded", "panel"]].tolist() == [2, 3]

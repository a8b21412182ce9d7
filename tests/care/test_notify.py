"""Notifications: each event reaches exactly the care teams entitled to it, once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commontable.audit import Actor
from commontable.care.events import Encounter, Retraction, meaning
from commontable.care.models import (
    CareEvent,
    ConsentDecision,
    EventKind,
    Notification,
    SubscriptionSource,
)
from commontable.care.notify import FREQUENT_ED, READMISSION, Notified, PersonRef, notify
from commontable.care.teams import Rules, add_part2_program, follow, record_consent, set_rules
from commontable.warehouse import adt_message
from tests.care.conftest import SARAH, CareRegion
from tests.care.messages import visit_message

RECEIVED = datetime(2025, 3, 1, 16, 0, tzinfo=UTC)


def feed(db: Session, region: CareRegion, *messages: str, person: str = SARAH) -> Notified:
    """Notify the hospital's messages, its patient H1001 being `person`."""
    source = region.hospital.data_source
    meanings = [meaning(adt_message(text) or {}, source, RECEIVED) for text in messages]
    found = [m for m in meanings if isinstance(m, Encounter | Retraction)]
    done = notify(db, found, {(source, "H1001"): PersonRef(person)}, now=RECEIVED)
    db.commit()
    return done


def teams_told(db: Session) -> set[str]:
    rows = db.scalars(select(Notification).join(Notification.team))
    return {notification.team.name for notification in rows}


def test_an_ed_visit_reaches_every_team_following_the_person_and_no_other(
    db: Session, care_region: CareRegion
) -> None:
    done = feed(db, care_region, visit_message("A04", "M1"))
    assert done.notifications == 2
    assert teams_told(db) == {"Riverside care team", "Cascade care management"}


def test_a_message_sent_twice_is_kept_and_notified_once(
    db: Session, care_region: CareRegion
) -> None:
    feed(db, care_region, visit_message("A04", "M1"))
    again = feed(db, care_region, visit_message("A04", "M1"))
    assert (again.events, again.repeated, again.notifications) == (0, 1, 0)
    assert db.scalar(select(func.count()).select_from(Notification)) == 2


def test_an_opted_out_person_is_kept_for_the_measures_but_nobody_is_told(
    db: Session, care_region: CareRegion
) -> None:
    record_consent(db, Actor(), [SARAH], ConsentDecision.OPT_OUT, care_region.plan)
    done = feed(db, care_region, visit_message("A04", "M1"))
    assert (done.events, done.notifications) == (1, 0)
    assert done.withheld["the person opted out"] == 2


def test_an_event_keeps_how_many_teams_were_entitled_and_why_none_was_told(
    db: Session, care_region: CareRegion
) -> None:
    record_consent(db, Actor(), [SARAH], ConsentDecision.OPT_OUT, care_region.plan)
    feed(db, care_region, visit_message("A04", "M1"))
    event = db.scalars(select(CareEvent)).one()
    assert (event.entitled, event.withheld) == (2, "the person opted out")


def test_opting_in_again_restores_notifications(db: Session, care_region: CareRegion) -> None:
    record_consent(db, Actor(), [SARAH], ConsentDecision.OPT_OUT, care_region.plan)
    record_consent(db, Actor(), [SARAH], ConsentDecision.OPT_IN, care_region.plan)
    assert feed(db, care_region, visit_message("A04", "M1")).notifications == 2


def test_a_part2_program_encounter_is_not_notified_without_consent(
    db: Session, care_region: CareRegion
) -> None:
    add_part2_program(db, Actor(), care_region.hospital, "LGH-RECOVERY", "Recovery program")
    done = feed(db, care_region, visit_message("A04", "M1", facility="LGH-RECOVERY"))
    assert done.notifications == 0
    assert done.withheld["a Part 2 program without consent"] == 2
    assert db.scalars(select(CareEvent.part2)).one() is True


def test_a_part2_program_encounter_is_notified_with_the_persons_consent(
    db: Session, care_region: CareRegion
) -> None:
    add_part2_program(db, Actor(), care_region.hospital, "LGH-RECOVERY", "Recovery program")
    record_consent(db, Actor(), [SARAH], ConsentDecision.GRANTED, care_region.clinic)
    assert (
        feed(db, care_region, visit_message("A04", "M1", facility="LGH-RECOVERY")).notifications
        == 2
    )


def test_revoked_part2_consent_stops_notifications_again(
    db: Session, care_region: CareRegion
) -> None:
    add_part2_program(db, Actor(), care_region.hospital, "LGH-RECOVERY", "Recovery program")
    record_consent(db, Actor(), [SARAH], ConsentDecision.GRANTED, care_region.clinic)
    record_consent(db, Actor(), [SARAH], ConsentDecision.REVOKED, care_region.clinic)
    assert (
        feed(db, care_region, visit_message("A04", "M1", facility="LGH-RECOVERY")).notifications
        == 0
    )


def test_a_team_hears_only_the_events_and_settings_it_chose(
    db: Session, care_region: CareRegion
) -> None:
    set_rules(
        db, Actor(), care_region.plan_team, Rules(events=("discharge",), settings=("inpatient",))
    )
    feed(db, care_region, visit_message("A04", "M1"))  # an ED visit: not for the plan
    feed(db, care_region, visit_message("A03", "M2", patient_class="I"))  # heard
    rows = db.execute(
        select(Notification.team_id, CareEvent.kind).join(CareEvent)
        .where(Notification.team_id == care_region.plan_team.id)
    ).all()  # fmt: skip
    assert [kind for _, kind in rows] == [EventKind.DISCHARGE]


def test_a_team_of_high_utilizers_only_hears_the_third_ed_visit_in_six_months(
    db: Session, care_region: CareRegion
) -> None:
    set_rules(db, Actor(), care_region.plan_team, Rules(only_flagged=True))
    for number, day in enumerate(["20250105", "20250210", "20250301"], start=1):
        feed(
            db, care_region, visit_message("A04", f"M{number}", visit=f"V{number}", at=day + "0900")
        )
    heard = db.scalars(
        select(CareEvent).join(Notification).where(Notification.team_id == care_region.plan_team.id)
    ).all()
    assert [(event.message_control_id, event.flags) for event in heard] == [("M3", [FREQUENT_ED])]


def test_an_admission_within_30_days_of_a_discharge_is_flagged_a_readmission(
    db: Session, care_region: CareRegion
) -> None:
    feed(db, care_region, visit_message("A03", "M1", patient_class="I", at="20250201120000"))
    feed(
        db,
        care_region,
        visit_message("A01", "M2", patient_class="I", visit="V2", at="20250220080000"),
    )
    admission = db.scalars(select(CareEvent).where(CareEvent.message_control_id == "M2")).one()
    assert admission.kind is EventKind.ADMISSION
    assert admission.flags == [READMISSION]


def test_a_discharge_with_an_expired_disposition_is_a_death(
    db: Session, care_region: CareRegion
) -> None:
    feed(db, care_region, visit_message("A03", "M1", patient_class="I", disposition="20"))
    assert db.scalars(select(CareEvent.kind)).one() is EventKind.DEATH


def test_a_cancelled_admission_is_retracted(db: Session, care_region: CareRegion) -> None:
    feed(db, care_region, visit_message("A01", "M1", patient_class="I", visit="V9"))
    done = feed(db, care_region, visit_message("A11", "M2", patient_class="I", visit="V9"))
    event = db.scalars(select(CareEvent)).one()
    assert done.retracted == 1
    assert event.retracted_by == "M2"
    assert event.retracted_at is not None


def test_an_update_and_an_outpatient_registration_notify_nobody(
    db: Session, care_region: CareRegion
) -> None:
    done = feed(
        db, care_region, visit_message("A08", "M1"), visit_message("A04", "M2", patient_class="O")
    )
    assert (done.events, done.notifications) == (0, 0)


def test_a_team_that_stops_following_a_person_is_told_no_more(
    db: Session, care_region: CareRegion
) -> None:
    from commontable.care.teams import unfollow

    unfollow(db, Actor(), care_region.plan_team, [SARAH])
    feed(db, care_region, visit_message("A04", "M1"))
    assert teams_told(db) == {"Riverside care team"}


def test_following_again_after_stopping_restores_the_subscription(
    db: Session, care_region: CareRegion
) -> None:
    from commontable.care.teams import unfollow

    unfollow(db, Actor(), care_region.plan_team, [SARAH])
    added = follow(db, Actor(), care_region.plan_team, [SARAH], SubscriptionSource.ROSTER)
    feed(db, care_region, visit_message("A04", "M1"))
    assert added == 1
    assert len(teams_told(db)) == 2

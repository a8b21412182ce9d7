"""In-app notices: left for people, each person sees only their own, marked read one by one."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from commontable.errors import NotFound, UserError
from commontable.members import (
    Organization,
    Person,
    add_person,
    mark_read,
    notices_for,
    notify,
    unread_count,
)


@pytest.fixture
def ana(db: Session, plan: Organization) -> Person:
    return add_person(db, "ana@cascade.example", "Ana", plan)


@pytest.fixture
def ben(db: Session, clinic: Organization) -> Person:
    return add_person(db, "ben@riverside.example", "Ben", clinic)


def test_a_person_sees_only_their_own_notices(db: Session, ana: Person, ben: Person) -> None:
    notify(db, [ana], "For Ana", "only hers", "/motions/1")
    notify(db, [ben], "For Ben", "only his", "/motions/2")
    assert [n.title for n in notices_for(db, ana.id)] == ["For Ana"]
    assert [n.title for n in notices_for(db, ben.id)] == ["For Ben"]


def test_each_person_gets_one_notice_even_when_named_twice(db: Session, ana: Person) -> None:
    notify(db, [ana, ana], "Vote closed", "passed", "/motions/1")
    assert len(notices_for(db, ana.id)) == 1


def test_marking_read_leaves_it_out_of_the_unread(db: Session, ana: Person) -> None:
    (first,) = notify(db, [ana], "First")
    notify(db, [ana], "Second")
    mark_read(db, ana.id, first.id)
    assert first.read_at is not None
    assert [n.title for n in notices_for(db, ana.id, unread_only=True)] == ["Second"]
    assert unread_count(db, ana.id) == 1


def test_nobody_marks_another_persons_notice_read(db: Session, ana: Person, ben: Person) -> None:
    (notice,) = notify(db, [ana], "For Ana")
    with pytest.raises(NotFound):
        mark_read(db, ben.id, notice.id)
    assert notice.read_at is None


def test_a_notice_links_only_within_the_app(db: Session, ana: Person) -> None:
    with pytest.raises(UserError, match="links within CommonTable"):
        notify(db, [ana], "Phish", link="https://evil.example/")
    with pytest.raises(UserError):
        notify(db, [ana], "Phish", link="//evil.example/")

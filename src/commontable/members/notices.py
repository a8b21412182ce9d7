"""In-app notices: a short message to a person, with a link to what it is about (a motion's
page), shown on their notices page until they mark it read.

A person only ever sees their own notices: every query here is by `person_id`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from commontable.appdb import Base, UTCDateTime, utcnow
from commontable.errors import NotFound, UserError
from commontable.members.models import Person

TITLE_LENGTH, BODY_LENGTH, LINK_LENGTH = 200, 2000, 500


class Notice(Base):
    """One message to one person; unread until `read_at`."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    body: Mapped[str] = mapped_column(String(BODY_LENGTH), default="")
    link: Mapped[str] = mapped_column(String(LINK_LENGTH), default="")  # a relative URL
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Notice {self.id} to person {self.person_id}: {self.title!r}>"


def _relative(link: str) -> str:
    """A link within the app ("/motions/3"); anything else (another site) is refused."""
    link = link.strip()
    if link and (not link.startswith("/") or link.startswith("//") or "\\" in link):
        raise UserError(f"a notice links within CommonTable (a path like /motions/3), not {link!r}")
    if len(link) > LINK_LENGTH:
        raise UserError(f"a notice's link is at most {LINK_LENGTH} characters")
    return link


def notify(
    session: Session,
    people: Iterable[Person],
    title: str,
    body: str = "",
    link: str = "",
    now: datetime | None = None,
) -> list[Notice]:
    """Leave the same notice for each of `people` (each person once), in this transaction."""
    title = " ".join(title.split())[:TITLE_LENGTH]
    if not title:
        raise UserError("a notice needs a title")
    body, link, now = body.strip()[:BODY_LENGTH], _relative(link), now or utcnow()
    recipients = {person.id: person for person in people}
    notices = [
        Notice(person_id=person_id, title=title, body=body, link=link, created_at=now)
        for person_id in sorted(recipients)
    ]
    session.add_all(notices)
    session.flush()
    return notices


def notices_for(session: Session, person_id: int, unread_only: bool = False) -> list[Notice]:
    """The person's own notices, newest first."""
    query = select(Notice).where(Notice.person_id == person_id)
    if unread_only:
        query = query.where(Notice.read_at.is_(None))
    return list(session.scalars(query.order_by(Notice.created_at.desc(), Notice.id.desc())))


def unread_count(session: Session, person_id: int) -> int:
    """How many of the person's notices are unread (one count query)."""
    query = select(func.count()).where(Notice.person_id == person_id, Notice.read_at.is_(None))
    return session.scalar(query) or 0


def mark_read(
    session: Session, person_id: int, notice_id: int, now: datetime | None = None
) -> Notice:
    """Mark one of the person's own notices read; another person's is not found."""
    notice = session.scalar(
        select(Notice).where(Notice.id == notice_id, Notice.person_id == person_id)
    )
    if notice is None:
        raise NotFound(f"you have no notice with id {notice_id}")
    if notice.read_at is None:
        notice.read_at = now or utcnow()
        session.flush()
    return notice

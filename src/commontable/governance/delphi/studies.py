"""Running a Delphi study: set it up (items, panel), open a round, close it. Closing a round
applies the stopping rule; when the study stops, each item keeps its final verdict and the
items included are the collaborative's agreed measure set."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commontable.appdb import utcnow
from commontable.errors import Conflict, NotFound, UserError
from commontable.governance.delphi.models import (
    DelphiItem,
    DelphiPanelist,
    DelphiRound,
    DelphiStudy,
    StakeholderGroup,
    StudyRule,
)
from commontable.governance.delphi.results import study_analysis
from commontable.governance.delphi.rules import Verdict
from commontable.members import Collaborative, Person, Role


def create_study(
    session: Session,
    collaborative: Collaborative,
    title: str,
    *,
    rule: StudyRule = StudyRule.COS,
    question: str = "",
    max_rounds: int = 3,
    created_by: Person | None = None,
) -> DelphiStudy:
    """Start a study of which measures the collaborative should adopt."""
    title = " ".join(title.split())
    if not title:
        raise UserError("a study needs a title")
    if not 1 <= max_rounds <= 10:
        raise UserError(f"a study has from 1 to 10 rounds, not {max_rounds}")
    study = DelphiStudy(
        collaborative=collaborative,
        title=title,
        question=question.strip(),
        rule=rule,
        max_rounds=max_rounds,
        created_by_id=created_by.id if created_by else None,
    )
    session.add(study)
    session.flush()
    return study


def get_study(session: Session, study_id: int) -> DelphiStudy:
    """The study with this id."""
    study = session.get(DelphiStudy, study_id)
    if study is None:
        raise NotFound(f"no Delphi study with id {study_id}")
    return study


def studies(session: Session) -> list[DelphiStudy]:
    """Every study, newest first."""
    query = select(DelphiStudy).order_by(DelphiStudy.created_at.desc(), DelphiStudy.id.desc())
    return list(session.scalars(query))


def add_item(
    session: Session, study: DelphiStudy, text: str, measure_id: str | None = None
) -> DelphiItem:
    """Add a candidate: a measure of the library by its id (with its title as the text), or a
    measure described in free text. Items are fixed once the first round opens."""
    _before_first_round(study, "items")
    text = " ".join(text.split())
    measure = (measure_id or "").strip().upper() or None
    if not text:
        raise UserError("describe the item (for a library measure, its title)")
    if any(i.text.casefold() == text.casefold() for i in study.items):
        raise Conflict(f"the study already has the item '{text}'")
    if measure and any(i.measure_id == measure for i in study.items):
        raise Conflict(f"the study already rates measure {measure}")
    item = DelphiItem(study=study, position=len(study.items) + 1, measure_id=measure, text=text)
    session.add(item)
    session.flush()
    return item


def add_panelist(
    session: Session, study: DelphiStudy, person: Person, group: StakeholderGroup
) -> DelphiPanelist:
    """Seat a member representative on the panel, for a stakeholder group."""
    if study.finished_at is not None:
        raise Conflict("the study has finished; its panel is closed")
    if Role.MEMBER_REPRESENTATIVE not in person.roles:
        raise UserError(
            f"{person.name} is not a member representative; panelists rate for their "
            "organization, so give them that role first"
        )
    if any(p.person_id == person.id for p in study.panelists):
        raise Conflict(f"{person.name} is already on the panel")
    panelist = DelphiPanelist(study=study, person=person, group=group)
    session.add(panelist)
    session.flush()
    return panelist


def _before_first_round(study: DelphiStudy, what: str) -> None:
    if study.rounds:
        raise Conflict(f"the first round has opened; the study's {what} are fixed")


def open_round(
    session: Session, study: DelphiStudy, closes_at: datetime, now: datetime | None = None
) -> DelphiRound:
    """Open the next round until `closes_at`; panelists rate (or revise) every item."""
    now = now or utcnow()
    if study.finished_at is not None:
        raise Conflict(f"the study finished: {study.stop_reason}")
    if current_round(study) is not None:
        raise Conflict("a round is open; close it before opening the next")
    if not study.items or not study.panelists:
        raise UserError("a study needs items and panelists before its first round")
    number = len(study.rounds) + 1
    if number > study.max_rounds:
        raise Conflict(f"the study has had its {study.max_rounds} rounds")
    if closes_at.tzinfo is None or closes_at <= now:
        raise UserError("the round's closing time must be in the future (UTC)")
    opened = DelphiRound(study=study, number=number, opened_at=now, closes_at=closes_at)
    session.add(opened)
    session.flush()
    return opened


def current_round(study: DelphiStudy) -> DelphiRound | None:
    """The round not yet closed, if any."""
    return next((r for r in study.rounds if r.closed_at is None), None)


def last_closed_round(study: DelphiStudy) -> DelphiRound | None:
    closed = [r for r in study.rounds if r.closed_at is not None]
    return closed[-1] if closed else None


@dataclass(frozen=True)
class RoundClosed:
    """What closing a round did: which round, and whether the study stopped and why."""

    number: int
    stopped: bool
    reason: str


def close_round(session: Session, study: DelphiStudy, now: datetime | None = None) -> RoundClosed:
    """Close the open round and apply the stopping rule (consensus, stability or the last
    round); when the study stops, each item keeps its verdict from this round."""
    now = now or utcnow()
    closing = current_round(study)
    if closing is None:
        raise Conflict("no round is open")
    if not closing.ratings:
        raise UserError("nobody has rated in this round yet; wait for ratings before closing")
    closing.closed_at = now
    session.flush()
    analysis = study_analysis(session, study)
    if analysis.stopping.stop:
        final = analysis.results[analysis.results["round"] == closing.number]
        verdicts = dict(zip(final["item"], final["consensus"], strict=True))
        for item in study.items:
            item.verdict = Verdict(verdicts.get(item.id, Verdict.UNDECIDED.value))
        study.finished_at = now
        study.stop_reason = analysis.stopping.reason[:300]
        session.flush()
    return RoundClosed(closing.number, analysis.stopping.stop, analysis.stopping.reason)


def agreed_set(study: DelphiStudy) -> list[DelphiItem]:
    """The items the finished study included: the collaborative's agreed measure set."""
    return [item for item in study.items if item.verdict is Verdict.INCLUDE]

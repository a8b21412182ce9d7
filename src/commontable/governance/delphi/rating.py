"""A panelist's side of a round: the feedback from the round before (the panel's median,
interquartile range and distribution, their own rating, the comments without names), and
rating or revising each item while the round is open."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from commontable.appdb import utcnow
from commontable.errors import Conflict, Forbidden, UserError
from commontable.governance.delphi.models import (
    DelphiItem,
    DelphiPanelist,
    DelphiRating,
    DelphiRound,
    DelphiStudy,
)
from commontable.governance.delphi.statistics import SCALE, ItemStatistics, describe
from commontable.governance.delphi.studies import current_round, last_closed_round
from commontable.members import Person

MAX_COMMENT = 2000


@dataclass(frozen=True)
class Answer:
    """A panelist's rating of one item (1–9), with an optional comment."""

    rating: int
    comment: str = ""


@dataclass(frozen=True)
class ItemFeedback:
    """One item as a panelist sees it on the rating form."""

    item: DelphiItem
    panel: ItemStatistics | None  # the panel's ratings in the round before; None in round 1
    own_before: int | None  # the panelist's own rating in the round before
    comments: list[str]  # the round before's comments, without names, in alphabetical order
    rating: int | None  # the panelist's rating so far in the open round
    comment: str


def panelist_of(study: DelphiStudy, person: Person) -> DelphiPanelist:
    """The person's seat on the study's panel; refused when they are not on it."""
    seat = next((p for p in study.panelists if p.person_id == person.id), None)
    if seat is None:
        raise Forbidden(f"{person.name} is not on the panel of '{study.title}'")
    return seat


def feedback(study: DelphiStudy, panelist: DelphiPanelist) -> list[ItemFeedback]:
    """Every item with the round before's feedback and the panelist's answer so far."""
    before = _by_item(last_closed_round(study))
    now = _by_item(current_round(study))
    shown = []
    for item in study.items:
        previous = before.get(item.id, [])
        mine_now = next((r for r in now.get(item.id, []) if r.panelist_id == panelist.id), None)
        mine_before = next((r for r in previous if r.panelist_id == panelist.id), None)
        shown.append(
            ItemFeedback(
                item=item,
                panel=describe([r.rating for r in previous]) if previous else None,
                own_before=mine_before.rating if mine_before else None,
                comments=sorted(r.comment for r in previous if r.comment),
                rating=mine_now.rating if mine_now else None,
                comment=mine_now.comment if mine_now else "",
            )
        )
    return shown


def _by_item(round_: DelphiRound | None) -> dict[int, list[DelphiRating]]:
    ratings: dict[int, list[DelphiRating]] = {}
    for rating in round_.ratings if round_ is not None else []:
        ratings.setdefault(rating.item_id, []).append(rating)
    return ratings


def rate(
    session: Session,
    study: DelphiStudy,
    person: Person,
    answers: Mapping[int, Answer],
    now: datetime | None = None,
) -> DelphiRound:
    """Record (or revise) the person's ratings of items, by item id, in the open round."""
    now = now or utcnow()
    panelist = panelist_of(study, person)
    open_round = current_round(study)
    if open_round is None or now >= open_round.closes_at:
        raise Conflict("no round of this study is open for rating")
    items = {item.id for item in study.items}
    for item_id, answer in answers.items():
        if item_id not in items:
            raise UserError(f"item {item_id} is not an item of this study")
        if answer.rating not in SCALE:
            raise UserError(f"rate each item from 1 to 9, not {answer.rating}")
        if len(answer.comment) > MAX_COMMENT:
            raise UserError(f"a comment has at most {MAX_COMMENT} characters")
    if not answers:
        raise UserError("rate at least one item")
    given = {r.item_id: r for r in open_round.ratings if r.panelist_id == panelist.id}
    for item_id, answer in answers.items():
        rating = given.get(item_id) or DelphiRating(
            round=open_round, item_id=item_id, panelist=panelist
        )
        rating.rating = answer.rating
        rating.comment = answer.comment.strip()
        rating.rated_at = now
        session.add(rating)
    session.flush()
    return open_round

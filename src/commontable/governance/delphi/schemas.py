"""The Delphi part's API shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from commontable.governance.delphi.models import DelphiItem, DelphiStudy, StudyRule
from commontable.governance.delphi.rules import Verdict
from commontable.governance.delphi.studies import agreed_set


class ItemOut(BaseModel):
    """A candidate measure: a library measure's id, or free text; its verdict once finished."""

    id: int
    position: int
    measure_id: str | None
    text: str
    verdict: Verdict | None

    @classmethod
    def of(cls, item: DelphiItem) -> ItemOut:
        return cls(
            id=item.id,
            position=item.position,
            measure_id=item.measure_id,
            text=item.text,
            verdict=item.verdict,
        )


class RoundOut(BaseModel):
    number: int
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None


class StudyOut(BaseModel):
    """A study: its items, the size of its panel per stakeholder group, its rounds, and, once
    finished, the agreed measure set."""

    id: int
    collaborative_id: int
    title: str
    question: str
    rule: StudyRule
    max_rounds: int
    panel: dict[str, int]
    items: list[ItemOut]
    rounds: list[RoundOut]
    finished_at: datetime | None
    stop_reason: str
    agreed_set: list[ItemOut]

    @classmethod
    def of(cls, study: DelphiStudy) -> StudyOut:
        panel: dict[str, int] = {}
        for panelist in study.panelists:
            panel[panelist.group.value] = panel.get(panelist.group.value, 0) + 1
        return cls(
            id=study.id,
            collaborative_id=study.collaborative_id,
            title=study.title,
            question=study.question,
            rule=study.rule,
            max_rounds=study.max_rounds,
            panel=panel,
            items=[ItemOut.of(item) for item in study.items],
            rounds=[
                RoundOut(
                    number=r.number,
                    opened_at=r.opened_at,
                    closes_at=r.closes_at,
                    closed_at=r.closed_at,
                )
                for r in study.rounds
            ],
            finished_at=study.finished_at,
            stop_reason=study.stop_reason,
            agreed_set=[ItemOut.of(item) for item in agreed_set(study)],
        )


class ResultOut(BaseModel):
    """An item's statistics and verdict in a round, for the whole panel or one group; a group
    of fewer than three panelists is shown without figures, to keep ratings anonymous."""

    item_id: int
    item: str
    group: str
    n: int
    median: float | None
    q1: float | None
    q3: float | None
    pct_7_9: float | None
    pct_1_3: float | None
    p30: float | None
    p70: float | None
    ipr: float | None
    ipras: float | None
    disagreement: bool | None
    verdict: str | None
    consensus: str | None
    change: float | None
    wilcoxon_p: float | None
    stable: bool | None


class AttritionOut(BaseModel):
    round: int
    responded: int
    panel: int
    response_rate: float
    dropped: int


class RoundResultsOut(BaseModel):
    """A closed round's results under the study's rule, attrition so far, the stopping rule."""

    study_id: int
    round: int
    rule: str
    results: list[ResultOut]
    attrition: list[AttritionOut]
    stop: bool
    stop_reason: str


class RatingIn(BaseModel):
    item_id: int
    rating: int = Field(ge=1, le=9)
    comment: str = Field(default="", max_length=2000)


class RatingsIn(BaseModel):
    """Ratings of items in the open round (a rating sent again revises it)."""

    ratings: list[RatingIn] = Field(min_length=1)


class RatedOut(BaseModel):
    study_id: int
    round: int
    rated: list[int]

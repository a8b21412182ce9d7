"""A study's ratings from the app DB as the analysis reads them (one row per rating), the
analysis of its closed rounds under the study's rule, and a round's results as shown."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from commontable.errors import NotFound
from commontable.governance.delphi.analysis import RATING_COLUMNS, WHOLE_PANEL, Analysis, analyse
from commontable.governance.delphi.models import (
    DelphiPanelist,
    DelphiRating,
    DelphiRound,
    DelphiStudy,
)
from commontable.governance.delphi.rules import rule_named
from commontable.governance.delphi.stability import StopDecision


def ratings_frame(
    session: Session, study: DelphiStudy, *, closed_only: bool = True
) -> pd.DataFrame:
    """The study's ratings: round, panelist (id), group, item (id), rating."""
    query = (
        select(
            DelphiRound.number,
            DelphiRating.panelist_id,
            DelphiPanelist.group,
            DelphiRating.item_id,
            DelphiRating.rating,
        )
        .join(DelphiRating.round)
        .join(DelphiRating.panelist)
        .where(DelphiRound.study_id == study.id)
    )
    if closed_only:
        query = query.where(DelphiRound.closed_at.is_not(None))
    rows = [
        (number, str(panelist), group.value, item, rating)
        for number, panelist, group, item, rating in session.execute(query)
    ]
    return pd.DataFrame(rows, columns=list(RATING_COLUMNS))


def study_analysis(session: Session, study: DelphiStudy, *, by_group: bool = False) -> Analysis:
    """Statistics and verdicts of the closed rounds, attrition against the panel, stopping."""
    return analyse(
        ratings_frame(session, study),
        rule_named(study.rule.value),
        by_group=by_group,
        max_rounds=study.max_rounds,
        panel_size=len(study.panelists),
    )


MIN_GROUP_SHOWN = 3  # a stakeholder group's figures are shown from three panelists up
FIGURES = (
    "median",
    "q1",
    "q3",
    "pct_7_9",
    "pct_1_3",
    "p30",
    "p70",
    "ipr",
    "ipras",
    "disagreement",
    "verdict",
    "consensus",
    "change",
    "wilcoxon_p",
    "stable",
)


@dataclass(frozen=True)
class RoundResults:
    """A closed round's rows (whole panel first, then each group; items in the study's order),
    attrition so far, and the stopping rule as it stood after the study's last closed round."""

    number: int
    rows: list[dict[str, Any]]
    attrition: list[dict[str, Any]]
    stopping: StopDecision


def round_results(
    session: Session, study: DelphiStudy, number: int, *, by_group: bool = False
) -> RoundResults:
    """The results of round `number`, with the figures of groups under three panelists left
    out so that nobody's rating can be read off them."""
    closed = {r.number for r in study.rounds if r.closed_at is not None}
    if number not in closed:
        raise NotFound(f"round {number} of '{study.title}' has no results: it is not closed")
    analysis = study_analysis(session, study, by_group=by_group)
    order = {item.id: (item.position, item.label) for item in study.items}
    table = analysis.results[analysis.results["round"] == number]
    rows = [_shown(_plain(record), order) for record in table.to_dict("records")]
    rows.sort(key=lambda row: (row["group"] != WHOLE_PANEL, row["group"], order[row["item_id"]]))
    return RoundResults(
        number,
        rows,
        [_plain(r) for r in analysis.attrition.to_dict("records")],
        analysis.stopping,
    )


def _plain(record: Mapping[Hashable, Any]) -> dict[str, Any]:
    """numpy scalars as Python values, NaN as None."""
    plain: dict[str, Any] = {}
    for key, value in record.items():
        if hasattr(value, "item"):
            value = value.item()
        if isinstance(value, float) and math.isnan(value):
            value = None
        plain[str(key)] = value
    return plain


def _shown(row: dict[str, Any], order: dict[int, tuple[int, str]]) -> dict[str, Any]:
    row["item_id"], row["item"] = row["item"], order[row["item"]][1]
    if row["group"] != WHOLE_PANEL and row["n"] < MIN_GROUP_SHOWN:
        row.update(dict.fromkeys(FIGURES))
    return row

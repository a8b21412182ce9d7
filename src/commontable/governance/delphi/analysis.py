"""A Delphi study's results as one table: per round and item (and stakeholder group), the
statistics, the verdict of a consensus rule and the stability against the previous round.

The input is one row per rating with the columns `round, panelist, group, item, rating`,
whether it came from a CSV file (`commontable delphi analyze`) or from the app DB.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from commontable.governance.delphi.attrition import attrition
from commontable.governance.delphi.rules import ConsensusRule, Verdict
from commontable.governance.delphi.stability import StopDecision, stability, stopping_decision
from commontable.governance.delphi.statistics import describe

RATING_COLUMNS = ("round", "panelist", "group", "item", "rating")
WHOLE_PANEL = "(whole panel)"
RESULT_COLUMNS = (
    "round",
    "group",
    "item",
    "n",
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
class Analysis:
    """Everything a round's (or a file's) ratings say, under one consensus rule."""

    rule: ConsensusRule
    results: pd.DataFrame  # RESULT_COLUMNS, whole panel first, then each group
    attrition: pd.DataFrame
    stopping: StopDecision  # judged on the whole panel after the last round


def analyse(
    ratings: pd.DataFrame,
    rule: ConsensusRule,
    *,
    by_group: bool = False,
    max_rounds: int = 3,
    panel_size: int | None = None,
) -> Analysis:
    """Statistics and verdicts per round and item for the whole panel (and, `by_group`, for
    each stakeholder group), attrition per round, and the stopping rule after the last round."""
    whole = _summarise(ratings.assign(group=WHOLE_PANEL), rule)
    parts = [whole, _summarise(ratings, rule)] if by_group else [whole]
    results = pd.concat(parts, ignore_index=True) if not whole.empty else whole
    return Analysis(
        rule=rule,
        results=results,
        attrition=attrition(ratings, panel_size),
        stopping=_stopping(whole, max_rounds),
    )


def _summarise(ratings: pd.DataFrame, rule: ConsensusRule) -> pd.DataFrame:
    """One row per group, item and round, in that order."""
    rows: list[dict[str, Any]] = []
    for (group, item), frame in ratings.groupby(["group", "item"], sort=True):
        previous: dict[str, int] | None = None
        for round_number, answers in frame.groupby("round", sort=True):
            by_panelist = dict(
                zip(answers["panelist"].astype(str), answers["rating"].astype(int), strict=True)
            )
            rows.append(
                _row(round_number, group, item, list(by_panelist.values()), rule)
                | _moved(previous, by_panelist)
            )
            previous = by_panelist
    table = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    return table.sort_values(["group", "round", "item"], kind="stable", ignore_index=True)


def _row(
    round_number: Any, group: Any, item: Any, ratings: list[int], rule: ConsensusRule
) -> dict[str, Any]:
    statistics = describe(ratings)
    verdict = rule.verdict(statistics)
    return {
        "round": int(round_number),
        "group": group,
        "item": item,
        "n": statistics.n,
        "median": statistics.median,
        "q1": statistics.q1,
        "q3": statistics.q3,
        "pct_7_9": 100 * statistics.share_high,
        "pct_1_3": 100 * statistics.share_low,
        "p30": statistics.p30,
        "p70": statistics.p70,
        "ipr": statistics.ipr,
        "ipras": statistics.ipras,
        "disagreement": statistics.disagreement,
        "verdict": rule.word(verdict),
        "consensus": verdict.value,
    }


def _moved(before: dict[str, int] | None, after: dict[str, int]) -> dict[str, Any]:
    if before is None:
        return {"change": None, "wilcoxon_p": None, "stable": None}
    moved = stability(before, after)
    return {"change": moved.change, "wilcoxon_p": moved.wilcoxon_p, "stable": moved.stable}


def _stopping(whole: pd.DataFrame, max_rounds: int) -> StopDecision:
    if whole.empty:
        return StopDecision(False, "no ratings yet")
    last = int(whole["round"].max())
    final = whole[whole["round"] == last]
    open_items = final[final["consensus"] == Verdict.UNDECIDED.value]
    unstable = int((open_items["stable"] != True).sum())  # noqa: E712  (None: not yet compared)
    return stopping_decision(last, len(open_items), unstable, len(final), max_rounds)

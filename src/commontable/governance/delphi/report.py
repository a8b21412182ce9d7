"""An analysis as text: CSV (one row per round, group and item) or JSON (results, attrition and
the stopping rule), with figures rounded as a report shows them."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from commontable.governance.delphi.analysis import Analysis
from commontable.spreadsheets import csv_text

DECIMALS = {
    "median": 2,
    "q1": 2,
    "q3": 2,
    "pct_7_9": 1,
    "pct_1_3": 1,
    "p30": 2,
    "p70": 2,
    "ipr": 2,
    "ipras": 3,
    "change": 3,
    "wilcoxon_p": 4,
    "response_rate": 3,
}


def shown(table: pd.DataFrame, *, with_group: bool = True) -> pd.DataFrame:
    """The table with figures rounded (and without the group column, unless asked)."""
    rounded = table.copy()
    for column, places in DECIMALS.items():
        if column in rounded:
            rounded[column] = rounded[column].map(lambda v, p=places: _round(v, p))
    if not with_group and "group" in rounded:
        rounded = rounded.drop(columns="group")
    return rounded


def as_csv(analysis: Analysis, *, by_group: bool) -> str:
    """The results as CSV."""
    table = shown(analysis.results, with_group=by_group)
    rows = table.astype(object).where(table.notna(), None).itertuples(index=False)
    return csv_text(list(table.columns), rows)


def as_json(analysis: Analysis, *, by_group: bool) -> str:
    """Results, attrition per round and the stopping rule as one JSON document."""
    document = {
        "rule": analysis.rule.name,
        "rule_title": analysis.rule.title,
        "results": _records(shown(analysis.results, with_group=by_group)),
        "attrition": _records(shown(analysis.attrition)),
        "stopping": {"stop": analysis.stopping.stop, "reason": analysis.stopping.reason},
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def summary_lines(analysis: Analysis) -> list[str]:
    """Attrition and the stopping rule in words, one line each."""
    lines = [
        f"round {row.round}: {row.responded} of {row.panel} panelists answered "
        f"({row.response_rate:.0%}), {row.dropped} dropped since the round before"
        for row in analysis.attrition.itertuples()
    ]
    verdict = "stop" if analysis.stopping.stop else "another round"
    lines.append(f"stopping rule: {verdict} — {analysis.stopping.reason}")
    return lines


def _round(value: Any, places: int) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), places)


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: numpy scalars as Python values, NaN as null."""
    records: list[dict[str, Any]] = json.loads(table.to_json(orient="records"))
    return records

"""Attrition: how many panelists answered each round, against the panel that started."""

from __future__ import annotations

import pandas as pd

ATTRITION_COLUMNS = ["round", "responded", "panel", "response_rate", "dropped"]


def attrition(ratings: pd.DataFrame, panel_size: int | None = None) -> pd.DataFrame:
    """One row per round: panelists who rated at least one item, the share of the panel they
    are (the panel is `panel_size`, or those who answered the first round), and how many of
    the previous round's panelists did not answer this one."""
    answered: dict[int, set[str]] = {}
    for number, panelist in zip(ratings["round"], ratings["panelist"].astype(str), strict=True):
        answered.setdefault(int(number), set()).add(panelist)
    rounds = sorted(answered)
    if not rounds:
        return pd.DataFrame(columns=ATTRITION_COLUMNS)
    panel = panel_size if panel_size is not None else len(answered[rounds[0]])
    rows = []
    previous: set[str] | None = None
    for number in rounds:
        now = answered[number]
        rows.append(
            {
                "round": number,
                "responded": len(now),
                "panel": panel,
                "response_rate": len(now) / panel if panel else 0.0,
                "dropped": len(previous - now) if previous is not None else 0,
            }
        )
        previous = now
    return pd.DataFrame(rows, columns=ATTRITION_COLUMNS)

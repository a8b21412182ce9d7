"""Small-cell suppression of aggregate results, primary and complementary.

CMS cell-size suppression policy: no cell of 1 to 10 (beneficiaries, events) may be shown,
nor any figure from which such a cell could be worked out. A cell is suppressed (primary)
when its numerator or denominator is from 1 to 10; then, wherever published cells add up
(the strata of an entity add up to its total; the clinics of a stratum to the collaborative's;
a medical group's clinics to the medical group; two cells naming the same people are equal),
a group left with exactly one hidden cell gives it away by subtraction, so one more cell of
that group is hidden too (complementary), the one with the smallest denominator that is not
zero. This repeats until no group has a lone hidden cell.
Source: CMS Cell Size Suppression Policy (ResDAC, "CMS Cell Size Suppression Policy", 2017),
https://resdac.org/articles/cms-cell-size-suppression-policy

Plain functions over a small frame of aggregates (one row per result cell), never patients.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

SMALLEST_SHOWN = 11  # CMS: cells of 1-10 are suppressed; 0 may be shown
PRIMARY = "primary"
COMPLEMENTARY = "complementary"
ALL = "all"  # the stratum type (and stratum) of an entity's whole population
COLLABORATIVE = "collaborative"
CLINIC = "clinic"
MEDICAL_GROUP = "medical_group"
COUNTY = "county"

KEY = ["measure_id", "period", "entity_type", "entity_id", "stratum_type", "stratum"]


def is_small(counts: pd.Series) -> pd.Series:
    """Counts from 1 to 10: the cells CMS's policy forbids showing."""
    return (counts >= 1) & (counts < SMALLEST_SHOWN)


def primary(cells: pd.DataFrame) -> pd.Series:
    """Cells whose own numerator or denominator is small."""
    return is_small(cells["numerator"]) | is_small(cells["denominator"])


def additive_groups(
    cells: pd.DataFrame, medical_group_of: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """(group, cell) pairs: every set of cells with a known sum, its total among them.

    `cells` has the KEY columns and a default RangeIndex; `medical_group_of` maps a clinic's
    entity id to its medical group's.
    """
    frame = cells[KEY].reset_index(names="cell")
    parts: list[pd.DataFrame] = []

    def grouped(members: pd.DataFrame, totals: pd.DataFrame, on: list[str], name: str) -> None:
        """Members that add up to the total with the same values of `on`, as one group each."""
        found = members.merge(totals[[*on, "total"]], on=on)
        if found.empty:
            return
        group = name + found[on].astype(str).agg("|".join, axis=1)
        parts.append(pd.DataFrame({"group": group, "cell": found["cell"]}))
        parts.append(pd.DataFrame({"group": group, "cell": found["total"]}).drop_duplicates())

    entity = ["measure_id", "period", "entity_type", "entity_id"]
    totals = frame[frame.stratum_type == ALL].rename(columns={"cell": "total"})
    # The strata of one stratum type add up to the entity's whole population.
    strata = frame[frame.stratum_type != ALL]
    for stratum_type, stratum_cells in strata.groupby("stratum_type"):
        grouped(
            stratum_cells.assign(_type=stratum_type),
            totals.assign(_type=stratum_type),
            [*entity, "_type"],
            f"strata:{stratum_type}|",
        )
    # The entities of one type add up to the collaborative, stratum by stratum.
    collaborative = frame[frame.entity_type == COLLABORATIVE].rename(columns={"cell": "total"})
    stratum = ["measure_id", "period", "stratum_type", "stratum"]
    for entity_type, entity_cells in frame[frame.entity_type != COLLABORATIVE].groupby(
        "entity_type"
    ):
        grouped(
            entity_cells.assign(_type=entity_type),
            collaborative.assign(_type=entity_type),
            [*stratum, "_type"],
            "entities|",
        )
    # A county's whole population is the collaborative's stratum of that county.
    counties = frame[(frame.entity_type == COUNTY) & (frame.stratum_type == ALL)]
    by_county = collaborative[collaborative.stratum_type == COUNTY]
    by_county = by_county[["measure_id", "period", "stratum", "total"]]
    same = counties[["measure_id", "period", "entity_id", "cell"]].merge(
        by_county.rename(columns={"stratum": "entity_id"}), on=["measure_id", "period", "entity_id"]
    )
    if not same.empty:
        group = "same|" + same.index.astype(str)
        parts.append(pd.DataFrame({"group": group, "cell": same["cell"]}))
        parts.append(pd.DataFrame({"group": group, "cell": same["total"]}))
    # A medical group's clinics add up to the medical group.
    if medical_group_of:
        clinics = frame[frame.entity_type == CLINIC].assign(
            _group=frame.entity_id.map(dict(medical_group_of))
        )
        groups = frame[frame.entity_type == MEDICAL_GROUP].rename(
            columns={"cell": "total", "entity_id": "_group"}
        )
        grouped(clinics.dropna(subset=["_group"]), groups, [*stratum, "_group"], "clinics|")
    if not parts:
        return pd.DataFrame({"group": pd.Series(dtype=str), "cell": pd.Series(dtype=np.int64)})
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def suppress(cells: pd.DataFrame, medical_group_of: Mapping[str, str] | None = None) -> pd.Series:
    """Per cell: "primary", "complementary" or None (shown). `cells` as for additive_groups."""
    cells = cells.reset_index(drop=True)
    reason = primary(cells).map({True: PRIMARY, False: None}).astype("object")
    groups = additive_groups(cells, medical_group_of)
    # Prefer hiding a cell with people in it (a hidden zero hides nothing), the smallest first.
    cost = pd.DataFrame(
        {"cell": cells.index, "empty": cells["denominator"] == 0, "size": cells["denominator"]}
    )
    groups = groups.merge(cost, on="cell")
    while True:
        hidden = reason.notna().to_numpy()[groups["cell"].to_numpy()]
        per_group = groups.assign(hidden=hidden).groupby("group")["hidden"].sum()
        lone = per_group[per_group == 1].index
        if lone.empty:
            return reason
        candidates = groups[groups["group"].isin(lone) & ~hidden]
        chosen = candidates.sort_values(["group", "empty", "size", "cell"]).drop_duplicates("group")
        if chosen.empty:  # every lone group is a single cell: nothing can hide it further
            return reason
        reason[chosen["cell"].unique()] = COMPLEMENTARY

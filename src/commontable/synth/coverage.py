"""Who is covered by whom, month by month: enrollment spans that start, end and switch plans."""

from __future__ import annotations

import numpy as np

from commontable.synth.frame import Frame, dates, days
from commontable.synth.organizations import EMPLOYERS
from commontable.synth.randomness import weighted_rows

NONE, UNINSURED, MEDICARE_FFS, MEDICAID, MEDICARE_ADVANTAGE, INDIVIDUAL = 0, 1, 2, 3, 4, 5
FIRST_EMPLOYER = 6  # states 6..6+len(EMPLOYERS)-1 are the employers; then the small-group pool
SMALL_GROUP = FIRST_EMPLOYER + len(EMPLOYERS)
STATES = SMALL_GROUP + 1
# Commercial members by employer group: the named purchasers, then the small-group pool,
# and individual-market members (8%, NY State of Health enrolment reports, rounded).
COMMERCIAL_SPLIT = np.array([0.08, *(w for _, w in EMPLOYERS), 0.30])
# Coverage mix by age and place (ACS 2018-2022 S2704/S2701, Monroe County and City of Rochester,
# rounded); 65+: Medicare Advantage penetration in Monroe County ~55% (CMS MA state/county
# penetration files 2024). Columns: uninsured, Medicare FFS, Medicaid, MA, commercial.
MIX_CHILD = {True: (0.03, 0.0, 0.55, 0.0, 0.42), False: (0.03, 0.0, 0.20, 0.0, 0.77)}
MIX_ADULT = {True: (0.08, 0.035, 0.33, 0.015, 0.54), False: (0.04, 0.03, 0.12, 0.01, 0.80)}
MIX_SENIOR = (0.01, 0.40, 0.0, 0.55, 0.04)
# Monthly probability of leaving a state (annual churn: Medicaid ~25%, commercial ~13%).
CHURN = np.array([0.0, 0.05, 0.002, 0.024, 0.006] + [0.012] * (STATES - 5))
PLAN_OF_STATE = np.array([-1, -1, -1, 2, 1] + [0] * (STATES - 5))  # index into organizations.PLANS


def _mix(age: np.ndarray, urban: np.ndarray) -> np.ndarray:
    """Per-person probabilities over all states (the base distribution a switch draws from)."""
    groups = np.stack(
        [
            np.where(urban[:, None], np.array(MIX_CHILD[True]), np.array(MIX_CHILD[False])),
            np.where(urban[:, None], np.array(MIX_ADULT[True]), np.array(MIX_ADULT[False])),
            np.broadcast_to(np.array(MIX_SENIOR), (len(age), 5)),
        ]
    )
    which = np.where(age < 19, 0, np.where(age < 65, 1, 2))
    base = groups[which, np.arange(len(age))]
    weights = np.zeros((len(age), STATES))
    weights[:, UNINSURED : MEDICARE_ADVANTAGE + 1] = base[:, :4]
    weights[:, INDIVIDUAL:] = base[:, 4:5] * COMMERCIAL_SPLIT
    return weights


def monthly_states(
    rng: np.random.Generator, people: Frame, death: np.ndarray, years: range
) -> np.ndarray:
    """State of every person in every month of the period (people x months, int8)."""
    count = len(people["person"])
    birth_month = people["birth_date"].astype("datetime64[M]").astype(np.int64)
    death_month = np.where(
        np.isnat(death), np.iinfo(np.int64).max, death.astype("datetime64[M]").astype(np.int64)
    )
    first = np.datetime64(f"{years[0]}-01", "M").astype(np.int64)
    months = 12 * len(years)
    states = np.zeros((count, months), dtype=np.int8)
    state = np.zeros(count, dtype=np.int8)
    for m in range(months):
        month = first + m
        age = (month - birth_month) // 12
        alive = (birth_month <= month) & (death_month >= month)
        new = weighted_rows(rng, _mix(age, people["urban"])).astype(np.int8)
        switch = rng.random(count) < CHURN[state]
        turned_65 = (month - birth_month == 65 * 12) & (state != MEDICARE_ADVANTAGE)
        state = np.where(alive & ((state == NONE) | switch | turned_65), new, state)
        state = np.where(alive, state, NONE).astype(np.int8)
        states[:, m] = state
    return states


def spans(states: np.ndarray, people: Frame, death: np.ndarray, years: range) -> Frame:
    """Runs of the same state as spans: person, state, start_date, end_date (death ends a span)."""
    count, months = states.shape
    flat = states.ravel()
    index = np.arange(flat.size)
    starts = index[(index % months == 0) | (flat != np.roll(flat, 1))]
    ends = np.append(starts[1:], flat.size) - 1
    person, state = starts // months, flat[starts].astype(np.int64)
    keep = state != NONE
    person, state, starts, ends = person[keep], state[keep], starts[keep], ends[keep]
    first = np.datetime64(f"{years[0]}-01", "M")
    start = (first + (starts % months)).astype("datetime64[D]")
    end = (first + (ends % months) + 1).astype("datetime64[D]") - 1
    start = np.maximum(start, people["birth_date"][person])
    died = ~np.isnat(death[person])
    end = np.where(died, np.minimum(end, death[person]), end)
    return {"person": person, "state": state, "start_date": start, "end_date": end}


def state_on(coverage: Frame, person: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The coverage state of each (person, day) and the index of its span (-1 when none)."""
    scale = np.int64(1 << 20)
    keys = coverage["person"].astype(np.int64) * scale + days(coverage["start_date"])
    order = np.argsort(keys, kind="stable")
    probe = person.astype(np.int64) * scale + days(day)
    found = np.searchsorted(keys[order], probe, side="right") - 1
    span = order[np.maximum(found, 0)]
    ok = (
        (found >= 0)
        & (coverage["person"][span] == person)
        & (days(coverage["end_date"][span]) >= days(day))
    )
    return np.where(ok, coverage["state"][span], NONE), np.where(ok, span, -1)


def plan_of(state: np.ndarray) -> np.ndarray:
    """The member health plan (index into PLANS) paying for a state, -1 for none."""
    return PLAN_OF_STATE[state]


__all__ = ["dates", "monthly_states", "plan_of", "spans", "state_on"]

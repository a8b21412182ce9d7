"""The attacker's view: for each hidden value, the least and greatest value consistent with
everything shown, by linear programming over the linked tables (the audit of tau-ARGUS).

The unknowns are the hidden values only; every shown value is a constant. Values are first
bracketed in bulk — one program per direction pushes every value still in question as far as it
goes, and every solution is a table consistent with what is shown, so each value it reaches is
within that value's range — and only the values bulk solutions leave undecided get programs of
their own (both ends exactly, when `exact`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from commontable.privacy.disclosure.lp import INFINITY, Program
from commontable.privacy.disclosure.protection import (
    SMALLEST_SHOWN,
    protected,
    sensitive,
)
from commontable.privacy.disclosure.tables import PAID, LinkedTables

BULK_ROUNDS = 6  # bulk pushes per direction before values are taken one at a time


@dataclass
class Ranges:
    """What a reader can work out about each hidden value: `low` <= value <= `high`; `exact` says
    where both ends are the program's optimum (else they are reached values, inner bounds)."""

    variables: np.ndarray  # indices of the hidden variables
    low: np.ndarray
    high: np.ndarray
    exact: np.ndarray
    programs_solved: int


def lower_bounds(model: LinkedTables) -> np.ndarray:
    """Every value is at least 0, but a paid amount that is negative (reversals)."""
    negative = (model.quantity == PAID) & (model.values < 0)
    return np.where(negative, -INFINITY, 0.0)


class _Reduced:
    """The program over one component's hidden values, shown values moved to the right."""

    def __init__(self, model: LinkedTables, hidden: np.ndarray, known: np.ndarray) -> None:
        self.hidden = hidden  # variable indices, sorted
        equalities = model.equalities
        inequalities = model.inequalities
        eq_rows = np.flatnonzero(np.asarray(abs(equalities[:, hidden]).sum(axis=1)).ravel() > 0)
        ineq_rows = np.flatnonzero(np.asarray(abs(inequalities[:, hidden]).sum(axis=1)).ravel() > 0)
        eq = equalities[eq_rows]
        ineq = inequalities[ineq_rows]
        eq_rhs = -(eq[:, known] @ model.values[known])
        ineq_rhs = -(ineq[:, known] @ model.values[known])
        matrix = sparse.vstack([eq[:, hidden], ineq[:, hidden]])
        # The truth meets the relations to solver precision; widen by that so it stays feasible.
        level = matrix @ model.values[hidden]
        eq_lo = np.minimum(eq_rhs, level[: len(eq_rhs)])
        eq_hi = np.maximum(eq_rhs, level[: len(eq_rhs)])
        ineq_hi = np.maximum(ineq_rhs, level[len(eq_rhs) :])
        self.lower = lower_bounds(model)[hidden]
        self.program = Program(
            matrix,
            np.concatenate([eq_lo, np.full(len(ineq_rhs), -INFINITY)]),
            np.concatenate([eq_hi, ineq_hi]),
            lower=self.lower,
            upper=np.full(len(hidden), INFINITY),
            cost=np.zeros(len(hidden)),
        )

    def box(self, lower: np.ndarray | None = None, upper: np.ndarray | None = None) -> None:
        """Keep the values within [lower, upper] (a part of what a reader allows, so that bulk
        pushes stay bounded); no arguments: only their natural bounds again."""
        columns = np.arange(len(self.hidden))
        self.program.set_bounds(
            columns,
            self.lower if lower is None else np.maximum(lower, self.lower),
            np.full(len(columns), INFINITY) if upper is None else upper,
        )

    def optimum(self, cost: np.ndarray) -> np.ndarray | None:
        self.program.set_cost(np.arange(len(self.hidden)), cost)
        return self.program.solve()


class _Bounds:
    """What is known so far of one component's hidden values: reached ends, decided ones."""

    def __init__(
        self,
        truth: np.ndarray,
        is_count: np.ndarray,
        width: np.ndarray,
        low: np.ndarray,
        high: np.ndarray,
    ) -> None:
        self.truth, self.is_count, self.width = truth, is_count, width
        self.low, self.high = low.copy(), high.copy()
        self.decided = np.zeros(len(truth), dtype=bool)
        self.small = sensitive(truth, is_count)

    def proved(self) -> np.ndarray:
        return protected(self.truth, self.is_count, self.low, self.high, self.width)

    def record(self, solution: np.ndarray | None) -> None:
        """A table consistent with what is shown: each value it takes is within its range."""
        if solution is not None:
            self.low = np.minimum(self.low, solution)
            self.high = np.maximum(self.high, solution)

    def push(self, reduced: _Reduced) -> int:
        """Bulk pushes: the open values up as far as they need to go, then down, each counting
        alike; until all are proved or a round gains nothing. Returns the programs solved."""
        solved = 0
        reach = np.where(self.small, SMALLEST_SHOWN - self.truth, 0.0) + np.maximum(
            self.width, 1e-9
        )
        for _ in range(BULK_ROUNDS):
            waiting = ~self.proved()
            if not waiting.any():
                break
            before = (self.low.copy(), self.high.copy())
            weight = np.where(waiting, 1.0 / reach, 0.0)
            reduced.box(self.truth - reach, self.truth + reach)
            self.record(reduced.optimum(-weight))
            self.record(reduced.optimum(weight))
            reduced.box()
            solved += 2
            if np.array_equal(before[0], self.low) and np.array_equal(before[1], self.high):
                break
        return solved

    def settle(self, reduced: _Reduced, *, every: bool, exact: bool) -> int:
        """Both ends of each value by programs of its own: every value (`every`), or only those
        not yet proved protected. Returns the programs solved."""
        solved = 0
        for i in range(len(self.truth)):
            if not every or (not exact and self.proved()[i]):
                continue
            cost = np.zeros(len(self.truth))
            cost[i] = 1.0
            lowest = reduced.optimum(cost)
            highest = reduced.optimum(-cost)
            solved += 2
            self.record(lowest)
            self.record(highest)
            self.low[i] = lowest[i] if lowest is not None else -INFINITY
            self.high[i] = highest[i] if highest is not None else INFINITY
            self.decided[i] = True
        return solved


def ranges(
    model: LinkedTables,
    hidden_cells: np.ndarray,
    width: np.ndarray,
    *,
    exact: bool = False,
    settle: bool = True,
    near: np.ndarray | None = None,
) -> Ranges:
    """The range of every value the shown cells do not show, as a reader would work it out.

    With `exact=False` the ends are pushed only until each value is proved protected (`width`:
    how wide each variable's range must be), and a value the bulk pushes leave in question gets
    programs of its own (`settle`; without, its range is what the bulk pushes reached); with
    `exact=True` both ends of every value are optima. `near` (variables) limits the work to
    their components.
    """
    hidden_mask = model.hidden_variables(hidden_cells)
    labels = model.components
    if near is not None:
        hidden_mask &= np.isin(labels, labels[near])
    hidden = np.flatnonzero(hidden_mask)
    known = np.flatnonzero(~hidden_mask)
    values = model.values
    low = values[hidden].copy()
    high = values[hidden].copy()
    decided = np.zeros(len(hidden), dtype=bool)
    solved = 0
    for label in np.unique(labels[hidden]):
        at = np.flatnonzero(labels[hidden] == label)
        bounds = _Bounds(
            values[hidden[at]], model.is_count[hidden[at]], width[hidden[at]], low[at], high[at]
        )
        reduced = _Reduced(model, hidden[at], known)
        solved += bounds.push(reduced) if not exact else 0
        solved += bounds.settle(reduced, every=exact or settle, exact=exact)
        low[at], high[at], decided[at] = bounds.low, bounds.high, bounds.decided
    return Ranges(hidden, low, high, decided, solved)

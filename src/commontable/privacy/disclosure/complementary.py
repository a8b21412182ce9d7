"""Complementary suppression: hide more cells until every hidden value is protected.

For each hidden value that is not yet protected, a linear program looks for another table that
agrees with every shown value and every relation (linked_tables) but moves that value far enough
(protection.py: down to 0 or up to 11 for a small count; by a whole unit for another count; by a
tenth of a small cell's amount, a hundredth of another's), at the least cost in shown cells it
has to move too; those cells are hidden as well. A small neighbourhood of the value is tried
first (values outside it stay put, so its solution is a valid table too), then its whole
component of linked values. This is the
LP-based protection of Kelly, Golden and Assad (1992) and Fischetti and Salazar-Gonzalez (2000,
"Models and algorithms for optimizing cell suppression in tabular data with linear constraints",
JASA 95:916-928), the model of tau-ARGUS's optimal and modular methods, applied jointly to every
linked table of the publication. Every solution is a witness: a table consistent with what is
shown in which the values it moves take other values, so it proves them protected; adding hidden
cells never spoils a witness, so the values it proves stay proved.

Costs steer the choice: moving a cell's values costs its weight (the collaborative's results and
each entity's whole-population result weigh most, so strata and single entities are hidden first;
among them the smaller), and values already hidden move freely.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from commontable.privacy.disclosure.attacker import lower_bounds, ranges
from commontable.privacy.disclosure.lp import INFINITY, Program
from commontable.privacy.disclosure.protection import (
    SLACK,
    SMALLEST_SHOWN,
    protected,
    required_width,
    sensitive,
)
from commontable.privacy.disclosure.tables import (
    ALL,
    COLLABORATIVE,
    DENOMINATOR,
    LinkedTables,
)

# Cell weights: what hiding a cell costs the readers.
WEIGHT_COLLABORATIVE = 10_000.0  # the collaborative's whole-population result
WEIGHT_COLLABORATIVE_STRATUM = 1_000.0  # the equity views
WEIGHT_ENTITY = 100.0  # an entity's whole-population result
WEIGHT_STRATUM = 1.0  # an entity's stratum
FREE = 1e-4  # moving an already hidden value: almost free, so solutions stay small
MOVED = 1e-7  # a deviation below this is the solver's rounding, not a move
LOCAL_STEPS = (2, 4)  # neighbourhoods tried in turn: values within 2, then 4 relations
HUB_DEGREE = 200  # cells linked to more than this many (totals) do not spread a neighbourhood


class ProtectionFailed(RuntimeError):
    """A hidden value could not be protected however many cells were hidden."""


def cell_weights(model: LinkedTables) -> np.ndarray:
    """What hiding each cell costs (see the module docstring)."""
    cells = model.cells
    collaborative = (cells.entity_type == COLLABORATIVE).to_numpy()
    whole = (cells.stratum_type == ALL).to_numpy()
    weight = np.where(
        collaborative,
        np.where(whole, WEIGHT_COLLABORATIVE, WEIGHT_COLLABORATIVE_STRATUM),
        np.where(whole, WEIGHT_ENTITY, WEIGHT_STRATUM),
    )
    size = cells[DENOMINATOR].to_numpy(dtype="float64", na_value=0.0)
    return weight * (1.0 + np.log10(1.0 + np.maximum(size, 0.0)))


def _units(model: LinkedTables) -> np.ndarray:
    """The size of one unit of each variable, per person: 1 for counts, an amount per person in
    its cell for amounts (so that moving a cell's dollars costs about what moving its people
    does)."""
    people = model.shows.T @ model.cells[DENOMINATOR].to_numpy(dtype="float64", na_value=0.0)
    cells = np.maximum(np.asarray(model.shows.sum(axis=0)).ravel(), 1.0)
    per_person = np.abs(model.values) / np.maximum(people / cells, 1.0)
    return np.where(model.is_count, 1.0, np.maximum(per_person, 1e-3))


@dataclass
class _Component:
    """The deviation program of one connected set of variables: x = truth + up - down."""

    variables: np.ndarray  # indices into the model's variables
    program: Program

    def position(self, variable: int) -> int:
        return int(np.searchsorted(self.variables, variable))


@dataclass
class Suppression:
    """Which cells are hidden and why, and how the hiding was proved."""

    hidden: np.ndarray  # per cell
    primary: np.ndarray  # per cell: it shows a small count itself
    up: np.ndarray  # per variable: the largest rise a witness found
    down: np.ndarray  # per variable: the largest fall a witness found
    programs_solved: int

    @property
    def complementary(self) -> np.ndarray:
        return self.hidden & ~self.primary


class Protector:
    """The state of complementary suppression over one publication's linked tables."""

    def __init__(self, model: LinkedTables, primary: np.ndarray) -> None:
        self.model = model
        self.primary = primary.copy()
        self.hidden = primary.copy()
        self.weights = cell_weights(model)
        self.units = _units(model)
        self.lower = lower_bounds(model)
        self.up = np.zeros(model.variables)
        self.down = np.zeros(model.variables)
        self.required = required_width(model.values, model.is_count, model.shown_by(primary))
        self.sensitive = sensitive(model.values, model.is_count)
        self.labels = model.components
        self._components: dict[int, _Component] = {}
        self._equalities = model.equalities.tocsc()
        self._inequalities = model.inequalities.tocsc()
        relations = sparse.vstack([model.equalities, model.inequalities]).tocsr()
        relations.data[:] = 1.0
        # Cells linked when a relation holds values of both; hubs (collaborative totals) are
        # reached but do not spread a neighbourhood.
        by_cell = (relations @ model.shows.T).tocsr()
        by_cell.data[:] = 1.0
        self._cell_links = (by_cell.T @ by_cell).tocsr()
        self._hub_cells = np.diff(self._cell_links.indptr) > HUB_DEGREE
        self._shown_by = model.shows.T.tocsr()  # variable -> the cells showing it
        self.solved = 0
        # Values the publication's structure determines whatever is hidden (never a small count:
        # a zero that cells with nobody in them imply); left as they are.
        self.unprotectable: set[int] = set()

    # --- what is proved -----------------------------------------------------------------------

    def unprotected(self) -> np.ndarray:
        """Hidden variables no witness proves protected yet, small counts first."""
        hidden = np.flatnonzero(self.model.hidden_variables(self.hidden))
        values = self.model.values[hidden]
        ok = protected(
            values,
            self.model.is_count[hidden],
            values - self.down[hidden],
            values + self.up[hidden],
            self.required[hidden],
        )
        waiting = hidden[~ok]
        order = np.lexsort((waiting, ~self.sensitive[waiting]))
        return waiting[order]

    def _wanted(self, variable: int) -> list[tuple[str, float]]:
        """Moves that would protect the variable, smallest first: (direction, distance from the
        truth). One table must reach 0 or 11 for a small count; a range's width adds up over
        tables (a reader's range holds every table between them)."""
        value = self.model.values[variable]
        up, down = self.up[variable], self.down[variable]
        if self.sensitive[variable]:
            moves = [("down", value), ("up", SMALLEST_SHOWN - value)]
            return sorted(moves, key=lambda move: move[1])
        if self.model.is_count[variable]:  # a reader rounds: one table a whole unit away
            return [("down", 1.0), ("up", 1.0)] if value >= 1 else [("up", 1.0)]
        missing = self.required[variable] - up - down
        moves = [("up", up + missing)]
        if value - self.lower[variable] >= down + missing - SLACK:
            moves.insert(0, ("down", down + missing))
        return moves

    # --- the programs -------------------------------------------------------------------------

    def _costs(self, variables: np.ndarray) -> np.ndarray:
        """Per unit moved: the weight of the shown cells showing the variable, over its unit."""
        shown = (~self.hidden).astype(np.float64) * self.weights
        weight = self.model.shows[:, variables].T @ shown
        return np.where(weight > 0, weight / self.units[variables], FREE)

    def _program(self, variables: np.ndarray) -> Program:
        """The deviation program over `variables` (sorted); every other value stays as it is.

        Columns are (up, down) per variable, x = truth + up - down; rows are every relation that
        holds one of them: A @ (up - down) == 0 and B @ (up - down) <= -B @ truth.
        """
        model = self.model
        values = model.values[variables]
        equalities = self._equalities[:, variables].tocsr()
        equalities = equalities[np.diff(equalities.indptr) > 0]
        touched = self._inequalities[:, variables].tocsr()
        rows = np.flatnonzero(np.diff(touched.indptr) > 0)
        inequalities = touched[rows]
        # The slack of each relation at the truth, over all its values (those outside stay put).
        slack = -(model.inequalities[rows] @ model.values)
        matrix = sparse.vstack(
            [
                sparse.hstack([equalities, -equalities]),
                sparse.hstack([inequalities, -inequalities]),
            ]
        )
        row_lower = np.concatenate([np.zeros(equalities.shape[0]), np.full(len(slack), -INFINITY)])
        row_upper = np.concatenate([np.zeros(equalities.shape[0]), np.maximum(slack, 0.0)])
        n = len(variables)
        cost = self._costs(variables)
        return Program(
            matrix,
            row_lower,
            row_upper,
            lower=np.zeros(2 * n),
            upper=np.concatenate([np.full(n, INFINITY), values - self.lower[variables]]),
            cost=np.concatenate([cost, cost]),
        )

    def _component(self, label: int) -> _Component:
        """The program of a whole component, kept open for hot starts."""
        found = self._components.get(label)
        if found is None:
            variables = np.flatnonzero(self.labels == label)
            found = _Component(variables, self._program(variables))
            self._components[label] = found
        return found

    def _neighbourhood(self, variable: int, steps: int) -> np.ndarray:
        """The values of the cells within `steps` relations of `variable`'s cells (a cell's
        values go together: its numerator moves with its remainder), not spreading through the
        most linked cells (collaborative totals); sorted."""
        reached = np.zeros(len(self.model.cells), dtype=bool)
        frontier = self._shown_by[variable].indices
        reached[frontier] = True
        for _ in range(steps):
            spread = frontier[~self._hub_cells[frontier]]
            step = np.unique(self._cell_links[spread].indices)
            frontier = step[~reached[step]]
            reached[frontier] = True
        return np.unique(self.model.shows[np.flatnonzero(reached)].indices)

    def _solve(
        self, program: Program, n: int, at: int, direction: str, amount: float, room: float
    ) -> np.ndarray | None:
        """Solve `program` with its column `at` moved by `amount` in `direction`; deviations."""
        up, down = at, n + at
        if direction == "up":
            program.set_bounds(
                np.array([up, down]), np.array([amount, 0.0]), np.array([INFINITY, 0.0])
            )
        else:
            program.set_bounds(np.array([up, down]), np.array([0.0, amount]), np.array([0.0, room]))
        solution = program.solve()
        program.set_bounds(np.array([up, down]), np.zeros(2), np.array([INFINITY, room]))
        self.solved += 1
        if solution is None:
            return None
        return solution[:n] - solution[n:]

    def _move(
        self, variable: int, direction: str, amount: float
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """A witness moving `variable` by `amount` in `direction`: (variables, deviations), or
        None when no table consistent with what is shown allows it. Small programs around the
        variable first; the whole component's when they cannot do it."""
        room = self.model.values[variable] - self.lower[variable]
        component = self._component(int(self.labels[variable]))
        tried = 0
        for steps in LOCAL_STEPS:
            local = self._neighbourhood(variable, steps)
            if len(local) >= len(component.variables) or len(local) == tried:
                break
            tried = len(local)
            at = int(np.searchsorted(local, variable))
            found = self._solve(self._program(local), len(local), at, direction, amount, room)
            if found is not None:
                return local, found
        at = component.position(variable)
        n = len(component.variables)
        found = self._solve(component.program, n, at, direction, amount, room)
        return None if found is None else (component.variables, found)

    def _accept(self, variables: np.ndarray, deviation: np.ndarray) -> None:
        """Record a witness and hide the shown cells it moves."""
        self.up[variables] = np.maximum(self.up[variables], deviation)
        self.down[variables] = np.maximum(self.down[variables], -deviation)
        moved = variables[np.abs(deviation) > MOVED]
        newly = self.model.cells_showing(moved) & ~self.hidden
        if not newly.any():
            return
        self.hidden |= newly
        # The moved cells' values now move freely in every program that holds them.
        touched = np.flatnonzero(np.asarray(self.model.shows[newly].sum(axis=0)).ravel() > 0)
        for label in np.unique(self.labels[touched]):
            known = self._components.get(int(label))
            if known is None:
                continue
            mine = touched[self.labels[touched] == label]
            at = np.searchsorted(known.variables, mine)
            cost = self._costs(mine)
            n = len(known.variables)
            known.program.set_cost(np.concatenate([at, at + n]), np.concatenate([cost, cost]))

    def protect(self, variable: int) -> None:
        """Hide cells until `variable` is protected; ProtectionFailed if it cannot be."""
        for direction, amount in self._wanted(variable):
            found = self._move(variable, direction, max(amount, 0.0))
            if found is not None:
                self._accept(*found)
                return
        if self.sensitive[variable]:
            raise ProtectionFailed(
                f"a count of 1 to 10 ({self.model.quantity[variable]}) is determined by which "
                "results exist, whatever is hidden"
            )
        self.unprotectable.add(variable)

    def _survey(self) -> None:
        """Record what the hidden cells already allow: bulk attacker pushes over the current
        pattern give witnesses for many values at once, with no new cell hidden (only where
        values wait for it)."""
        waiting = self.unprotected()
        if len(waiting) == 0:
            return
        found = ranges(self.model, self.hidden, self.required, settle=False, near=waiting)
        truth = self.model.values[found.variables]
        self.up[found.variables] = np.maximum(self.up[found.variables], found.high - truth)
        self.down[found.variables] = np.maximum(self.down[found.variables], truth - found.low)
        self.solved += found.programs_solved

    def run(self, batch: int = 200) -> Suppression:
        """Protect every hidden value, the newly hidden cells' values too, until all are: survey
        what the pattern allows, protect up to `batch` values one by one, and again."""
        while True:
            self._survey()
            waiting = self.unprotected()
            if len(waiting) == 0:
                break
            waiting = np.array([v for v in waiting if int(v) not in self.unprotectable])
            if len(waiting) == 0:
                break
            for variable in waiting[:batch]:
                if len(self.unprotected_among(np.array([variable]))):
                    self.protect(int(variable))
        return Suppression(self.hidden, self.primary, self.up, self.down, self.solved)

    def unprotected_among(self, variables: np.ndarray) -> np.ndarray:
        """Those of `variables` no witness proves protected yet."""
        values = self.model.values[variables]
        ok = protected(
            values,
            self.model.is_count[variables],
            values - self.down[variables],
            values + self.up[variables],
            self.required[variables],
        )
        return variables[~ok]

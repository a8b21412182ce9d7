"""The linked tables of one publication: every published value, and every relation between them
that a reader could use to work out a hidden one.

A period's results are many tables that share cells and margins. Each value a cell shows is a
variable; a value two cells show alike (the denominators of measures over the same members, their
member-months) is one variable. The relations are what an outside reader knows or can guess:

* the strata of a stratum type add up to the entity's whole population;
* the entities of one type add up to the collaborative, stratum by stratum (exactly where they
  partition it, at most where some people have none of them);
* a medical group's clinics add up to the medical group; a county is the collaborative's stratum
  of that county;
* a total measure is the sum of its parts (total cost of care and its service categories), a
  composite at least the sum of its disjoint components (PQI 90 and the single PQIs);
* within a cell: numerator + remainder = denominator for a numerator that counts people of the
  denominator (proportions, the members with a payment); member-years at most one per person;
  member-months from one to twelve per person; every value at least 0.

Each relation is kept only where the true values satisfy it, so the truth is always a solution.
This is the linked-table model of tau-ARGUS and sdcTable (Hundepool et al., Statistical Disclosure
Control, Wiley 2012, ch. 4; de Wolf, "HiTaS", 2002) written as linear constraints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph

KEY = ["measure_id", "period", "entity_type", "entity_id", "stratum_type", "stratum"]
PLACE = ["period", "entity_type", "entity_id", "stratum_type", "stratum"]  # a cell but its measure
ALL = "all"
COLLABORATIVE = "collaborative"
CLINIC = "clinic"
MEDICAL_GROUP = "medical_group"
COUNTY = "county"

DENOMINATOR, NUMERATOR, REMAINDER = "denominator", "numerator", "remainder"
MEMBER_YEARS, MEMBER_MONTHS, PAID = "member_years", "member_months", "paid_amount"
COUNTS = (DENOMINATOR, NUMERATOR, REMAINDER)  # people or events: the CMS cell-size rule's counts
AMOUNTS = (MEMBER_YEARS, MEMBER_MONTHS, PAID)
QUANTITIES = (*COUNTS, *AMOUNTS)
# Values the same in every cell of measures over the same people are one variable.
SHARED = (DENOMINATOR, MEMBER_YEARS, MEMBER_MONTHS)
MONTHS_PER_YEAR = 12
TOLERANCE = 1e-6  # relative: sums of amounts agree to rounding
SMALLEST_CONTRIBUTORS = 11  # CMS cell-size policy: fewer than 11 people behind a figure


@dataclass(frozen=True)
class MeasureShape:
    """What a measure's cells show: the values and how they relate within a cell.

    `subset`: the numerator counts people of the denominator (a proportion), so denominator -
    numerator is a count too. `exposure`: member_years (at most one per person in a period of
    one year) or member_months (1 to 12 per person). `numerator_shown`: False for a figure whose
    numerator only says how many contribute to it (a cost's members with a payment): it is not
    published, but a cell with 1 to 10 contributors is hidden all the same (a magnitude made of
    a few people's figures).
    """

    measure_id: str
    subset: bool = True
    exposure: str | None = None
    paid: bool = False
    numerator_shown: bool = True

    @property
    def quantities(self) -> tuple[str, ...]:
        found = [DENOMINATOR]
        if self.numerator_shown:
            found.append(NUMERATOR)
        if self.subset and self.numerator_shown:
            found.append(REMAINDER)
        if self.exposure is not None:
            found.append(self.exposure)
        if self.paid:
            found.append(PAID)
        return tuple(found)


SUM, AT_LEAST_SUM, AT_MOST_SUM = "sum", "at least sum", "at most sum"


@dataclass(frozen=True)
class Total:
    """A measure whose value is, cell by cell, the sum of other measures' (`SUM`), at least their
    sum (`AT_LEAST_SUM`: they count disjoint parts of it) or at most their sum (`AT_MOST_SUM`:
    they count overlapping parts that cover it)."""

    measure_id: str
    parts: tuple[str, ...]
    quantity: str
    relation: str = SUM


@dataclass(frozen=True)
class Structure:
    """What the cells alone do not say: each measure's shape, which clinic belongs to which
    medical group, and which measures add up to which."""

    measures: Mapping[str, MeasureShape]
    medical_group_of: Mapping[str, str] = field(default_factory=dict)
    totals: Sequence[Total] = ()


@dataclass
class LinkedTables:
    """The variables (values, kinds) and relations of a publication, and which cell shows which
    variable. `equalities` @ x == 0 and `inequalities` @ x <= 0 hold at x = `values`.

    `cells` has one row per result cell (the KEY columns); `shows` (cells x variables) is 1 where a
    cell shows a variable; `quantity` names each variable's kind of value.
    """

    cells: pd.DataFrame
    values: np.ndarray
    quantity: np.ndarray
    shows: sparse.csr_matrix
    equalities: sparse.csr_matrix
    inequalities: sparse.csr_matrix
    few_contributors: np.ndarray  # per cell: an unpublished count of contributors of 1 to 10

    @property
    def variables(self) -> int:
        return len(self.values)

    def __post_init__(self) -> None:
        self.is_count = np.isin(self.quantity, COUNTS)
        relations = sparse.vstack([self.equalities, self.inequalities]).tocsr()
        relations.data[:] = 1.0
        graph = sparse.bmat([[None, relations.T], [relations, None]], format="csr")
        _, labels = csgraph.connected_components(graph, directed=False)
        # Variables linked by any chain of relations: what one hidden value's range depends on.
        self.components: np.ndarray = labels[: self.variables]

    def hidden_variables(self, hidden_cells: np.ndarray) -> np.ndarray:
        """Variables no shown cell shows: what a reader does not see when `hidden_cells` are
        hidden (a boolean per cell)."""
        return ~self.shown_by(~hidden_cells)

    def shown_by(self, cells: np.ndarray) -> np.ndarray:
        """A boolean per variable: one of `cells` (a boolean per cell) shows it."""
        return np.asarray(self.shows[cells].sum(axis=0)).ravel() > 0

    def cells_showing(self, variables: np.ndarray) -> np.ndarray:
        """A boolean per cell: it shows one of `variables` (indices)."""
        picked = np.zeros(self.variables)
        picked[variables] = 1.0
        return np.asarray(self.shows @ picked > 0)


def _raw(cells: pd.DataFrame, structure: Structure) -> pd.DataFrame:
    """One row per (cell, quantity) a measure shows: cell index, quantity, value."""
    parts = []
    for measure_id, rows in cells.groupby("measure_id", sort=False):
        shape = structure.measures.get(str(measure_id), MeasureShape(str(measure_id)))
        for quantity in shape.quantities:
            if quantity == REMAINDER:
                values = rows[DENOMINATOR] - rows[NUMERATOR]
            else:
                values = rows[quantity]
            parts.append(
                pd.DataFrame(
                    {
                        "cell": rows.index.to_numpy(),
                        "quantity": quantity,
                        "value": values.to_numpy(dtype="float64", na_value=0.0),
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def _shared_ids(cells: pd.DataFrame, raw: pd.DataFrame) -> np.ndarray:
    """A variable id per raw value: shared quantities equal in every cell two measures have in
    common are one variable (union of measures whose series agree), the rest their own."""
    ids = np.arange(len(raw))
    measure = cells["measure_id"].to_numpy()[raw["cell"].to_numpy()]
    place = pd.MultiIndex.from_frame(cells[PLACE]).to_flat_index()[raw["cell"].to_numpy()]
    for quantity in SHARED:
        mine = np.flatnonzero(raw["quantity"].to_numpy() == quantity)
        if len(mine) == 0:
            continue
        frame = pd.DataFrame(
            {"row": mine, "measure": measure[mine], "place": place[mine]},
        ).assign(value=raw["value"].to_numpy()[mine])
        wide = frame.pivot(index="place", columns="measure", values="value")
        names = list(wide.columns)
        matrix = wide.to_numpy()
        present = ~np.isnan(matrix)
        agree = np.zeros((len(names), len(names)), dtype=bool)
        for a in range(len(names)):
            for b in range(a + 1, len(names)):
                both = present[:, a] & present[:, b]
                agree[a, b] = both.any() and np.array_equal(matrix[both, a], matrix[both, b])
        _, classes = csgraph.connected_components(sparse.csr_matrix(agree), directed=False)
        group = dict(zip(names, classes, strict=True))
        frame["group"] = frame["measure"].map(group)
        # Within a group, values of one place that agree are one variable (the first row's id).
        first = frame.groupby(["group", "place", "value"], sort=False)["row"].transform("min")
        ids[mine] = first.to_numpy()
    return ids


class _Relations:
    """Relation rows gathered as triples, split by whether the truth meets them exactly."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = values
        self.rows: list[np.ndarray] = []
        self.variables: list[np.ndarray] = []
        self.coefficients: list[np.ndarray] = []
        self.exact: list[np.ndarray] = []  # per relation: equality (True) or at most (False)
        self.count = 0

    def add(
        self, rows: np.ndarray, variables: np.ndarray, coefficients: np.ndarray, *, equal: bool
    ) -> None:
        """Add relations `rows` (0-based among themselves) "sum == 0" if `equal`, else "<= 0".

        A reader who guesses an equality (health plans add up to the collaborative) is right
        wherever the truth meets it, so each relation is kept as an equality where the truth
        meets it exactly, else as "at most" where it meets that, else dropped.
        """
        if len(rows) == 0:
            return
        n = int(rows.max()) + 1
        matrix = sparse.csr_matrix((coefficients, (rows, variables)), shape=(n, len(self.values)))
        level = matrix @ self.values
        scale = abs(matrix) @ np.abs(self.values) + 1.0
        exact = (np.abs(level) <= TOLERANCE * scale) & equal
        keep = np.flatnonzero(level <= TOLERANCE * scale)
        renumber = np.full(n, -1)
        renumber[keep] = np.arange(len(keep)) + self.count
        mask = renumber[rows] >= 0
        self.rows.append(renumber[rows][mask])
        self.variables.append(variables[mask])
        self.coefficients.append(coefficients[mask])
        self.exact.append(exact[keep])
        self.count += len(keep)

    def matrices(self) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """(equalities, inequalities), duplicate relations removed."""
        width = len(self.values)
        if not self.rows:
            empty = sparse.csr_matrix((0, width))
            return empty, empty
        matrix = sparse.csr_matrix(
            (
                np.concatenate(self.coefficients),
                (np.concatenate(self.rows), np.concatenate(self.variables)),
            ),
            shape=(self.count, width),
        )
        matrix.sum_duplicates()
        exact = np.concatenate(self.exact)
        return _unique_rows(matrix[exact]), _unique_rows(matrix[~exact])


def _unique_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """The matrix without repeated rows and rows with no variable left (a relation of a value
    with itself, from shared variables)."""
    matrix = sparse.csr_matrix(matrix)
    matrix.eliminate_zeros()
    seen: dict[tuple[bytes, bytes], int] = {}
    keep = []
    for i in range(matrix.shape[0]):
        start, end = matrix.indptr[i], matrix.indptr[i + 1]
        if end == start:
            continue
        key = (matrix.indices[start:end].tobytes(), matrix.data[start:end].tobytes())
        if key not in seen:
            seen[key] = i
            keep.append(i)
    return sparse.csr_matrix(matrix[keep])


def linked_tables(cells: pd.DataFrame, structure: Structure) -> LinkedTables:
    """The variables and relations of a publication's cells (one row per result cell, the KEY
    columns and the values of the QUANTITIES that apply; a default RangeIndex)."""
    cells = cells.reset_index(drop=True)
    raw = _raw(cells, structure)
    ids = _shared_ids(cells, raw)
    unique, var_of_raw = np.unique(ids, return_inverse=True)
    values = raw["value"].to_numpy()[unique]
    quantity = raw["quantity"].to_numpy()[unique]
    shows = sparse.csr_matrix(
        (np.ones(len(raw)), (raw["cell"].to_numpy(), var_of_raw)),
        shape=(len(cells), len(unique)),
    )
    shows.data[:] = 1.0
    frame = cells[KEY].iloc[raw["cell"].to_numpy()].reset_index(drop=True)
    frame["quantity"] = raw["quantity"].to_numpy()
    frame["var"] = var_of_raw
    relations = _Relations(values)
    _strata(frame, relations)
    _entities(frame, relations)
    _medical_groups(frame, structure.medical_group_of, relations)
    _counties(frame, relations)
    _totals(frame, structure.totals, relations)
    _within_cells(frame, structure, relations)
    equalities, inequalities = relations.matrices()
    return LinkedTables(
        cells, values, quantity, shows, equalities, inequalities, _few(cells, structure)
    )


def _few(cells: pd.DataFrame, structure: Structure) -> np.ndarray:
    """Cells of measures whose numerator is not shown, with 1 to 10 contributors."""
    hidden = [m for m, shape in structure.measures.items() if not shape.numerator_shown]
    counted = cells[NUMERATOR].to_numpy(dtype="float64", na_value=0.0)
    small = (counted >= 1) & (counted < SMALLEST_CONTRIBUTORS)
    return np.asarray(cells["measure_id"].isin(hidden).to_numpy() & small)


def _grouped_sums(
    members: pd.DataFrame,
    totals: pd.DataFrame,
    by: list[str],
    relations: _Relations,
    *,
    equal: bool = True,
    sign: float = 1.0,
) -> None:
    """Members add up to the total with the same `by` values: exactly (`equal`, where the truth
    does), or at most (at least, with `sign` -1)."""
    found = members.merge(totals[[*by, "var"]].rename(columns={"var": "total"}), on=by)
    if found.empty:
        return
    relation = found.groupby(by, sort=False, dropna=False).ngroup().to_numpy()
    first = np.unique(relation, return_index=True)[1]
    rows = np.concatenate([relation, relation[first]])
    variables = np.concatenate([found["var"].to_numpy(), found["total"].to_numpy()[first]])
    coefficients = sign * np.concatenate([np.ones(len(found)), -np.ones(len(first))])
    relations.add(rows, variables, coefficients, equal=equal)


def _strata(frame: pd.DataFrame, relations: _Relations) -> None:
    """The strata of each stratum type add up to the entity's whole population."""
    by = ["measure_id", "period", "entity_type", "entity_id", "quantity", "stratum_type"]
    totals = frame[frame.stratum_type == ALL]
    members = frame[frame.stratum_type != ALL]
    for stratum_type, strata in members.groupby("stratum_type", sort=False):
        _grouped_sums(strata, totals.assign(stratum_type=stratum_type), by, relations)


def _entities(frame: pd.DataFrame, relations: _Relations) -> None:
    """The entities of one type add up to the collaborative, stratum by stratum."""
    by = ["measure_id", "period", "stratum_type", "stratum", "quantity"]
    totals = frame[frame.entity_type == COLLABORATIVE]
    others = frame[frame.entity_type != COLLABORATIVE]
    for _, members in others.groupby("entity_type", sort=False):
        _grouped_sums(members, totals, by, relations)


def _medical_groups(
    frame: pd.DataFrame, medical_group_of: Mapping[str, str], relations: _Relations
) -> None:
    """A medical group's clinics add up to it, stratum by stratum."""
    if not medical_group_of:
        return
    clinics = frame[frame.entity_type == CLINIC].assign(
        group=lambda f: f.entity_id.map(dict(medical_group_of))
    )
    clinics = clinics.dropna(subset=["group"])
    groups = frame[frame.entity_type == MEDICAL_GROUP].rename(columns={"entity_id": "group"})
    by = ["measure_id", "period", "group", "stratum_type", "stratum", "quantity"]
    _grouped_sums(clinics, groups, by, relations)


def _counties(frame: pd.DataFrame, relations: _Relations) -> None:
    """A county's whole population is the collaborative's stratum of that county."""
    counties = frame[(frame.entity_type == COUNTY) & (frame.stratum_type == ALL)]
    strata = frame[(frame.entity_type == COLLABORATIVE) & (frame.stratum_type == COUNTY)]
    by = ["measure_id", "period", "entity_id", "quantity"]
    _grouped_sums(counties, strata.assign(entity_id=strata.stratum), by, relations)


def _totals(frame: pd.DataFrame, totals: Sequence[Total], relations: _Relations) -> None:
    """Total measures and their parts, cell by cell."""
    by = [*PLACE, "quantity"]
    for total in totals:
        of = frame[frame.quantity == total.quantity]
        parts = of[of.measure_id.isin(total.parts)]
        whole = of[of.measure_id == total.measure_id]
        _grouped_sums(
            parts,
            whole,
            by,
            relations,
            equal=total.relation == SUM,
            sign=-1.0 if total.relation == AT_MOST_SUM else 1.0,
        )


def _within_cells(frame: pd.DataFrame, structure: Structure, relations: _Relations) -> None:
    """Numerator + remainder = denominator; exposure bounded by people; per cell."""
    wide = frame.pivot_table(
        index=KEY, columns="quantity", values="var", aggfunc="first"
    ).reset_index()

    def rows_of(columns: dict[str, float], *, equal: bool) -> None:
        present = wide.dropna(subset=list(columns))
        if present.empty:
            return
        n = len(present)
        relation = np.tile(np.arange(n), len(columns))
        variables = np.concatenate([present[c].to_numpy(dtype=np.int64) for c in columns])
        coefficients = np.repeat(np.array(list(columns.values()), dtype=np.float64), n)
        relations.add(relation, variables, coefficients, equal=equal)

    if REMAINDER in wide:
        rows_of({NUMERATOR: 1.0, REMAINDER: 1.0, DENOMINATOR: -1.0}, equal=True)
    if MEMBER_YEARS in wide:
        rows_of({MEMBER_YEARS: 1.0, DENOMINATOR: -1.0}, equal=False)
    if MEMBER_MONTHS in wide:
        rows_of({MEMBER_MONTHS: 1.0, DENOMINATOR: -float(MONTHS_PER_YEAR)}, equal=False)
        rows_of({DENOMINATOR: 1.0, MEMBER_MONTHS: -1.0}, equal=False)

"""An attacker, written apart from privacy.disclosure: from published cells alone (hidden ones
blank) and how results relate, the least and greatest value of every hidden count and amount, by
linear programming (scipy's HiGHS).

The relations it uses, as a reader with the measures' public specifications would guess them:
strata add up to everyone; entities of one type add up to the collaborative; clinics add up to
their medical group; a county is the collaborative's stratum of that county; measures over the
same people share denominators (and member-years or member-months); total cost is the sum of its
categories; PQI 90 counts at least the single PQIs' stays, over the member-years of PQI 05
(40+) and PQI 15 (18-39); counts are at least 0, a proportion's
numerator at most its denominator; member-years at most the people, member-months between one
and twelve each. Given the truth (a test's oracle), it is the strongest such reader: it knows
exactly which of those guesses the data meet — each relation as an equality where the truth
meets it, as "at most" where only that holds — and which measures share their denominators;
without it, it infers them from what is shown. Bounds (a numerator at most its denominator,
member-years at most the people) stay bounds, even where a group happens to meet them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse import csgraph

QUANTITIES = (
    "denominator",
    "numerator",
    "remainder",  # denominator - numerator, of a proportion
    "member_years",
    "member_months",
    "paid_amount",
)
PLACE = ("entity_type", "entity_id", "stratum_type", "stratum")
Key = tuple[str, str, str, str, str, str]  # measure, place (4), quantity


@dataclass
class Knowledge:
    """What the attacker knows beyond the cells: kinds of measure and how they add up."""

    proportions: set[str] = field(default_factory=set)  # numerator <= denominator
    rates: set[str] = field(default_factory=set)  # member-years <= people
    costs: set[str] = field(default_factory=set)  # member-months: 1 to 12 per person
    medical_group_of: Mapping[str, str] = field(default_factory=dict)
    cost_total: tuple[str, tuple[str, ...]] | None = None  # total, categories
    composite: tuple[str, tuple[str, ...]] | None = None  # PQI 90, single PQIs
    # PQI 90's member-years (18+) are those of PQI 15 (18-39) and PQI 05 (40+).
    exposure_parts: tuple[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Finding:
    """What the attacker learns of one hidden value."""

    key: Key
    low: float
    high: float


class _System:
    """Variables (one per distinct value, shown ones fixed) and linear relations over them."""

    def __init__(self, truth: Mapping[Key, float] | None) -> None:
        self.index: dict[Key, int] = {}
        self.known: dict[int, float] = {}
        self.equal: list[dict[int, float]] = []
        self.at_most: list[dict[int, float]] = []  # sum <= 0
        self.truth = truth

    def variable(self, key: Key) -> int:
        return self.index.setdefault(key, len(self.index))

    def relate(self, terms: Iterable[tuple[Key, float]], *, exact: bool) -> None:
        """Add "sum == 0" (`exact`: a guessed sum) or "sum <= 0" (a bound); with the truth, a
        guessed sum as the truth meets it, and no relation the truth misses."""
        terms = [(k, a) for k, a in terms if k in self.index]
        if self.truth is not None and all(k in self.truth for k, _ in terms):
            level = sum(a * self.truth[k] for k, a in terms)
            scale = 1e-6 * (1 + sum(abs(a * self.truth[k]) for k, a in terms))
            if level > scale:
                return  # the data do not meet it
            exact = exact and abs(level) <= scale
        row: dict[int, float] = defaultdict(float)
        for key, coefficient in terms:
            row[self.index[key]] += coefficient
        row = {k: v for k, v in row.items() if v != 0}
        if row:
            (self.equal if exact else self.at_most).append(row)


def _shared(
    cells: pd.DataFrame, quantity: str, truth: Mapping[Key, float] | None
) -> dict[str, str]:
    """Measures whose `quantity` agrees wherever both have it (shown, or true when the truth is
    known): one variable."""
    if truth is None:
        shown = cells.dropna(subset=[quantity])
    else:
        shown = cells.assign(
            **{
                quantity: [
                    truth.get((r.measure_id, *(str(getattr(r, c)) for c in PLACE), quantity))
                    for r in cells.itertuples(index=False)
                ]
            }
        ).dropna(subset=[quantity])
    wide = shown.pivot_table(index=list(PLACE), columns="measure_id", values=quantity)
    names = list(wide.columns)
    alias = {name: name for name in names}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            both = wide[[a, b]].dropna()
            if len(both) and (both[a] == both[b]).all() and alias[b] == b:
                alias[b] = alias[a]
    return alias


def attack(
    cells: pd.DataFrame, knowledge: Knowledge, truth: Mapping[Key, float] | None = None
) -> list[Finding]:
    """The range of every hidden value of the published `cells` (columns: measure_id, period,
    the PLACE columns, the QUANTITIES, `suppressed`); with `truth`, the strongest reader (see
    the module), and programs spared where two tables already settle a value (_solve)."""
    cells = cells.copy()
    proportion = cells["measure_id"].isin(knowledge.proportions)
    cells["remainder"] = (cells["denominator"] - cells["numerator"]).where(proportion)
    system = _System(truth)
    aliases = {
        q: _shared(cells, q, truth) for q in ("denominator", "member_years", "member_months")
    }

    def key(row: pd.Series, quantity: str) -> Key:
        measure = aliases.get(quantity, {}).get(row.measure_id, row.measure_id)
        return (measure, *(str(row[c]) for c in PLACE), quantity)  # type: ignore[return-value]

    hidden_keys: set[Key] = set()
    applies: dict[str, set[str]] = defaultdict(set)
    for row in cells.itertuples(index=False):
        series = pd.Series(row._asdict())
        for quantity in QUANTITIES:
            value = series[quantity]
            if not series["suppressed"] and (value is None or pd.isna(value)):
                continue  # a quantity this measure does not have
            if series["suppressed"] and not _has(series["measure_id"], quantity, knowledge):
                continue
            applies[series["measure_id"]].add(quantity)
            k = key(series, quantity)
            index = system.variable(k)
            if series["suppressed"]:
                hidden_keys.add(k)
            else:
                system.known[index] = float(value)
    hidden_keys -= {k for k, i in system.index.items() if i in system.known}
    _relations(cells, knowledge, system, key)
    return _solve(system, hidden_keys, truth)


def _has(measure: str, quantity: str, knowledge: Knowledge) -> bool:
    if quantity == "remainder":
        return measure in knowledge.proportions
    if quantity in ("denominator", "numerator"):
        return not (quantity == "numerator" and measure in knowledge.costs)
    if quantity == "member_years":
        return measure in knowledge.rates
    return measure in knowledge.costs


def _relations(cells: pd.DataFrame, knowledge: Knowledge, system: _System, key) -> None:
    rows = [pd.Series(r._asdict()) for r in cells.itertuples(index=False)]
    by_place = {(r.measure_id, *(str(r[c]) for c in PLACE)): r for r in rows}
    for quantity in QUANTITIES:
        # Strata add up to everyone.
        groups: dict[tuple, list[pd.Series]] = defaultdict(list)
        for r in rows:
            if r.stratum_type != "all":
                groups[(r.measure_id, r.entity_type, r.entity_id, r.stratum_type)].append(r)
        for (measure, etype, eid, _), members in groups.items():
            total = by_place.get((measure, etype, eid, "all", "all"))
            if total is not None:
                system.relate(
                    [(key(m, quantity), 1.0) for m in members] + [(key(total, quantity), -1.0)],
                    exact=True,
                )
        # Entities of a type add up to the collaborative; clinics to their group.
        sums: dict[tuple, list[pd.Series]] = defaultdict(list)
        for r in rows:
            if r.entity_type != "collaborative":
                sums[(r.measure_id, r.entity_type, "collaborative", "collaborative",
                      r.stratum_type, r.stratum)].append(r)  # fmt: skip
            if r.entity_type == "clinic" and r.entity_id in knowledge.medical_group_of:
                group = knowledge.medical_group_of[r.entity_id]
                sums[(r.measure_id, "clinic", "medical_group", group,
                      r.stratum_type, r.stratum)].append(r)  # fmt: skip
        exact = _partitions(sums, by_place, quantity)
        for (measure, kind, ttype, tid, stype, stratum), members in sums.items():
            total = by_place.get((measure, ttype, tid, stype, stratum))
            if total is not None:
                terms = [(key(m, quantity), 1.0) for m in members] + [(key(total, quantity), -1.0)]
                guessed = system.truth is not None or exact[(measure, kind, ttype)]
                system.relate(terms, exact=guessed)
    for r in rows:  # a county is the collaborative's stratum of that county
        if r.entity_type == "county" and r.stratum_type == "all":
            twin = by_place.get((r.measure_id, "collaborative", "collaborative", "county",
                                 r.entity_id))  # fmt: skip
            if twin is not None:
                for quantity in QUANTITIES:
                    system.relate(
                        [(key(r, quantity), 1.0), (key(twin, quantity), -1.0)], exact=True
                    )
    _totals(rows, knowledge, system, key)
    for r in rows:
        den, num = key(r, "denominator"), key(r, "numerator")
        if r.measure_id in knowledge.proportions:
            system.relate([(num, 1.0), (key(r, "remainder"), 1.0), (den, -1.0)], exact=True)
        if r.measure_id in knowledge.rates:
            system.relate([(key(r, "member_years"), 1.0), (den, -1.0)], exact=False)
        if r.measure_id in knowledge.costs:
            months = key(r, "member_months")
            system.relate([(months, 1.0), (den, -12.0)], exact=False)
            system.relate([(den, 1.0), (months, -1.0)], exact=False)


def _partitions(sums: dict, by_place: dict, quantity: str) -> dict[tuple, bool]:
    """Per (measure, entity type, total type): whether every fully shown group adds up exactly."""
    exact: dict[tuple, bool] = defaultdict(lambda: False)
    seen: dict[tuple, bool] = {}
    for (measure, kind, ttype, tid, stype, stratum), members in sums.items():
        total = by_place.get((measure, ttype, tid, stype, stratum))
        family = (measure, kind, ttype)
        if total is None or total.suppressed or any(m.suppressed for m in members):
            continue
        values = [m[quantity] for m in members]
        if any(v is None or pd.isna(v) for v in values) or pd.isna(total[quantity]):
            continue
        holds = abs(sum(values) - total[quantity]) <= 1e-6 * (1 + abs(total[quantity]))
        seen[family] = seen.get(family, True) and holds
    exact.update(seen)
    return exact


def _totals(rows: list[pd.Series], knowledge: Knowledge, system: _System, key) -> None:
    by = defaultdict(dict)
    for r in rows:
        by[tuple(str(r[c]) for c in PLACE)][r.measure_id] = r
    for measures in by.values():
        if knowledge.cost_total is not None:
            total, parts = knowledge.cost_total
            if total in measures and all(p in measures for p in parts):
                terms = [(key(measures[p], "paid_amount"), 1.0) for p in parts]
                system.relate([*terms, (key(measures[total], "paid_amount"), -1.0)], exact=True)
        if knowledge.composite is not None:
            total, parts = knowledge.composite
            found = [p for p in parts if p in measures]
            if total in measures and found:
                terms = [(key(measures[p], "numerator"), 1.0) for p in found]
                system.relate([*terms, (key(measures[total], "numerator"), -1.0)], exact=False)
        if knowledge.exposure_parts is not None:
            total, parts = knowledge.exposure_parts
            if total in measures and all(p in measures for p in parts):
                terms = [(key(measures[p], "member_years"), 1.0) for p in parts]
                system.relate([*terms, (key(measures[total], "member_years"), -1.0)], exact=True)


def _solve(
    system: _System, hidden_keys: set[Key], truth: Mapping[Key, float] | None = None
) -> list[Finding]:
    """Each hidden value's least and greatest value. With `truth` (a test's oracle, to spare
    programs), values two feasible tables already show to be neither determined nor confined
    are not optimised one by one: their range holds at least what those tables reached."""
    unknown = sorted(i for i in system.index.values() if i not in system.known)
    position = {v: p for p, v in enumerate(unknown)}
    keys = {i: k for k, i in system.index.items()}

    def reduce(rows: list[dict[int, float]]) -> tuple[sparse.csr_matrix, np.ndarray]:
        data, r, c, rhs = [], [], [], []
        kept = 0
        for row in rows:
            free = {v: a for v, a in row.items() if v in position}
            if not free:
                continue
            for v, a in free.items():
                data.append(a)
                r.append(kept)
                c.append(position[v])
            rhs.append(-sum(a * system.known[v] for v, a in row.items() if v not in position))
            kept += 1
        matrix = sparse.csr_matrix((data, (r, c)), shape=(kept, len(unknown)))
        return matrix, np.array(rhs)

    a_eq, b_eq = reduce(system.equal)
    a_ub, b_ub = reduce(system.at_most)
    links = sparse.vstack([abs(a_eq), abs(a_ub)]).tocsr()
    links.data[:] = 1
    graph = sparse.bmat([[None, links.T], [links, None]]).tocsr()
    _, labels = csgraph.connected_components(graph, directed=False)
    labels = labels[: len(unknown)]
    findings = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        program = _Program(a_eq, b_eq, a_ub, b_ub, members)
        ks = [keys[unknown[v]] for v in members]
        low = np.full(len(members), np.inf)
        high = np.full(len(members), -np.inf)
        if truth is not None:
            values = np.array([truth[k] for k in ks])
            ones = np.ones(len(members))
            for point in (program.optimum(-ones, values + 12), program.optimum(ones)):
                if point is not None:
                    low, high = np.minimum(low, point), np.maximum(high, point)
        for j in range(len(members)):
            if ks[j] not in hidden_keys:
                continue
            if truth is not None and not _exposes(ks[j], truth[ks[j]], low[j], high[j]):
                findings.append(Finding(ks[j], low[j], high[j]))
                continue
            cost = np.zeros(len(members))
            cost[j] = 1.0
            least, most = program.optimum(cost), program.optimum(-cost)
            findings.append(
                Finding(
                    ks[j],
                    least[j] if least is not None else -np.inf,
                    most[j] if most is not None else np.inf,
                )
            )
    return findings


class _Program:
    """The relations of one connected set of unknowns, every value at least 0."""

    def __init__(
        self,
        a_eq: sparse.csr_matrix,
        b_eq: np.ndarray,
        a_ub: sparse.csr_matrix,
        b_ub: np.ndarray,
        members: np.ndarray,
    ) -> None:
        eq_rows = np.flatnonzero(abs(a_eq[:, members]).sum(axis=1).A1 > 0)
        ub_rows = np.flatnonzero(abs(a_ub[:, members]).sum(axis=1).A1 > 0)
        self.eq, self.b_eq = a_eq[eq_rows][:, members], b_eq[eq_rows]
        self.ub, self.b_ub = a_ub[ub_rows][:, members], b_ub[ub_rows]
        self.size = len(members)

    def optimum(self, cost: np.ndarray, upper: np.ndarray | None = None) -> np.ndarray | None:
        """The values at the optimum of `cost` (each at most `upper`), or None."""
        tops = [None] * self.size if upper is None else list(upper)
        found = linprog(
            cost,
            A_ub=self.ub if self.ub.shape[0] else None,
            b_ub=self.b_ub if self.ub.shape[0] else None,
            A_eq=self.eq if self.eq.shape[0] else None,
            b_eq=self.b_eq if self.eq.shape[0] else None,
            bounds=[(0, top) for top in tops],
            method="highs",
        )
        return found.x if found.status == 0 else None


def _exposes(key: Key, value: float, low: float, high: float) -> bool:
    """Whether a value known to lie in [low, high] is exposed (see `exposed`). A range that
    misses the truth is a wrong guess of the attacker's (a relation it assumed that the data do
    not meet there), not a disclosure."""
    slack = 1e-6 * (1 + abs(value))
    if not low - slack <= value <= high + slack:
        return False
    if key[-1] in ("denominator", "numerator", "remainder"):
        low, high = np.ceil(low - 1e-6), np.floor(high + 1e-6)
        return bool(high - low < 1 or (1 <= value <= 10 and low >= 1 and high <= 10))
    return bool(value and high - low < 0.005 * abs(value))


def exposed(findings: list[Finding], truth: Mapping[Key, float]) -> list[str]:
    """What the attacker learns that it must not: a hidden count determined (one whole value
    left) or confined to 1-10; a hidden amount determined (to within half a percent)."""
    return [
        f"{f.key} = {truth[f.key]:g}: [{f.low:g}, {f.high:g}]"
        for f in findings
        if _exposes(f.key, truth[f.key], f.low, f.high)
    ]


def beyond_structure(
    cells: pd.DataFrame,
    knowledge: Knowledge,
    findings: list[Finding],
    truth: Mapping[Key, float],
) -> list[str]:
    """The exposures suppression should have prevented: those that remain with every cell
    hidden are given away by which results exist (a stratum with nobody in it), whatever is
    hidden, and are allowed, unless they are counts of 1 to 10."""
    found = [f for f in findings if _exposes(f.key, truth[f.key], f.low, f.high)]
    if not found:
        return []
    blank = cells.assign(suppressed=True)
    for quantity in QUANTITIES:
        if quantity in blank:
            blank[quantity] = np.nan
    again = attack(blank, knowledge, truth)
    structural = {f.key for f in again if _exposes(f.key, truth[f.key], f.low, f.high)}
    return [
        f"{f.key} = {truth[f.key]:g}: [{f.low:g}, {f.high:g}]"
        for f in found
        if f.key not in structural or 1 <= truth[f.key] <= 10
    ]

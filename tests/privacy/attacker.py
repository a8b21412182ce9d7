"""An attacker, written apart from privacy.disclosure: from published cells alone (hidden ones
blank) and what anyone can know of how results relate, the least and greatest value of every
hidden count and amount, by linear programming (scipy's HiGHS).

What the attacker assumes, as a reader with the measures' public specifications would:
strata add up to everyone; entities of one type add up to at most the collaborative (exactly,
where every shown group of them does); clinics add up to their medical group; a county is the
collaborative's stratum of that county; measures whose shown denominators agree everywhere share
them (and their member-years or member-months); total cost is the sum of its categories; PQI 90
counts at least the single PQIs' stays; counts are at least 0, a proportion's numerator at most
its denominator; member-years at most the people, member-months between one and twelve each.
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


@dataclass(frozen=True)
class Finding:
    """What the attacker learns of one hidden value."""

    key: Key
    low: float
    high: float


class _System:
    """Variables (one per distinct value, shown ones fixed) and linear relations over them."""

    def __init__(self) -> None:
        self.index: dict[Key, int] = {}
        self.known: dict[int, float] = {}
        self.equal: list[dict[int, float]] = []
        self.at_most: list[dict[int, float]] = []  # sum <= 0

    def variable(self, key: Key) -> int:
        return self.index.setdefault(key, len(self.index))

    def relate(self, terms: Iterable[tuple[Key, float]], *, exact: bool) -> None:
        row: dict[int, float] = defaultdict(float)
        for key, coefficient in terms:
            if key in self.index:
                row[self.index[key]] += coefficient
        row = {k: v for k, v in row.items() if v != 0}
        if row:
            (self.equal if exact else self.at_most).append(row)


def _shared(cells: pd.DataFrame, quantity: str) -> dict[str, str]:
    """Measures whose shown `quantity` agrees wherever both show it: one variable (attacker's
    guess)."""
    shown = cells.dropna(subset=[quantity])
    wide = shown.pivot_table(index=list(PLACE), columns="measure_id", values=quantity)
    names = list(wide.columns)
    alias = {name: name for name in names}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            both = wide[[a, b]].dropna()
            if len(both) and (both[a] == both[b]).all() and alias[b] == b:
                alias[b] = alias[a]
    return alias


def attack(cells: pd.DataFrame, knowledge: Knowledge) -> list[Finding]:
    """The range of every hidden value of the published `cells` (columns: measure_id, period,
    the PLACE columns, the QUANTITIES, `suppressed`)."""
    cells = cells.copy()
    proportion = cells["measure_id"].isin(knowledge.proportions)
    cells["remainder"] = (cells["denominator"] - cells["numerator"]).where(proportion)
    system = _System()
    aliases = {q: _shared(cells, q) for q in ("denominator", "member_years", "member_months")}

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
    return _solve(system, hidden_keys)


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
                system.relate(terms, exact=exact[(measure, kind, ttype)])
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


def _solve(system: _System, hidden_keys: set[Key]) -> list[Finding]:
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
        eq_rows = np.flatnonzero(abs(a_eq[:, members]).sum(axis=1).A1 > 0)
        ub_rows = np.flatnonzero(abs(a_ub[:, members]).sum(axis=1).A1 > 0)
        eq, ub = a_eq[eq_rows][:, members], a_ub[ub_rows][:, members]
        for j, variable in enumerate(members):
            key = keys[unknown[variable]]
            if key not in hidden_keys:
                continue
            ends = []
            for sign in (1.0, -1.0):  # the least value, then the greatest
                cost = np.zeros(len(members))
                cost[j] = sign
                found = linprog(
                    cost,
                    A_ub=ub if ub.shape[0] else None,
                    b_ub=b_ub[ub_rows] if ub.shape[0] else None,
                    A_eq=eq if eq.shape[0] else None,
                    b_eq=b_eq[eq_rows] if eq.shape[0] else None,
                    bounds=(0, None),
                    method="highs",
                )
                ends.append(sign * found.fun if found.status == 0 else np.inf)
            findings.append(Finding(key, ends[0], ends[1]))
    return findings


def exposed(findings: list[Finding], truth: Mapping[Key, float]) -> list[str]:
    """What the attacker learns that it must not: a hidden count determined (one whole value
    left) or confined to 1-10; a hidden amount determined to within a tenth."""
    found = []
    for finding in findings:
        value = truth[finding.key]
        quantity = finding.key[-1]
        if quantity in ("denominator", "numerator", "remainder"):
            low, high = np.ceil(finding.low - 1e-6), np.floor(finding.high + 1e-6)
            if high - low < 1:
                found.append(f"{finding.key} = {value:g} determined")
            elif 1 <= value <= 10 and low >= 1 and high <= 10:
                found.append(f"{finding.key} = {value:g} confined to {low:g}-{high:g}")
        elif finding.high - finding.low < 0.1 * abs(value) - 1e-6 and value:
            found.append(f"{finding.key} = {value:g} within [{finding.low:g}, {finding.high:g}]")
    return found

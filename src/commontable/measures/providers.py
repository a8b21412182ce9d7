"""The providers paid behind each cost figure: how many, and the largest one's share of it.

Statement 6 of the FTC/DOJ Statements of Antitrust Enforcement Policy in Health Care (August
1996), "Provider Participation in Exchanges of Price and Cost Information", puts an exchange in
its safety zone when it is managed by a third party, its data are more than 3 months old, and
"there are at least five providers reporting data upon which each disseminated statistic is
based, [and] no individual provider's data represents more than 25 percent on a weighted basis
of that statistic". For every result cell of a cost measure this module gives the two numbers
that condition needs, weighting each provider by its paid amount in the figure:

* `providers`: the firms paid a positive amount (summed over the cell's members);
* `largest_provider_share`: the largest firm's paid amount over the figure's total paid (null
  when the total is not positive).

The provider is the firm paid, not the NPI: a claim line's billing NPI (else its facility NPI), a
fill's dispensing pharmacy (cost_of_care.payments). An NPI on the collaborative's roster
(`organization`) is its organization's firm: a clinic counts as its parent medical group, and
organizations with one TIN are one firm. A clinician's individual NPI (`practitioner`) is the
firm of the practice it is affiliated with. Any other NPI is a firm of its own (the claims carry
no TIN, so two stores of one pharmacy chain count twice unless the roster lists them). Payments
sent without an NPI count together as one provider, "unknown": the worst case for the 25% test,
as they may all be one firm's (though that firm may be one already counted). A cost measure whose
numerator gives no `provider_npi` has all its payments "unknown".
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import ibis
import ibis.expr.types as ir

from commontable.measures.definition import Measure
from commontable.measures.entities import ALL, COLLABORATIVE, ENTITY_TYPES, STRATA
from commontable.measures.populations import cost_rows
from commontable.measures.records import Records
from commontable.measures.results import cell_pairs
from commontable.measures.strata import UNKNOWN

UNKNOWN_PROVIDER = "unknown"  # payments sent without any NPI, taken as one provider
CELL = ("measure_id", "entity_type", "entity_id", "stratum_type", "stratum")
# The columns a result cell is cut by (as results.counts cuts patient rows).
DIMENSIONS = (*ENTITY_TYPES[1:], *(s for s in STRATA if s not in ENTITY_TYPES))


def _blank(column: ir.StringValue) -> ir.StringValue:
    """Trimmed text, null when missing or blank."""
    text = column.strip()
    return ibis.ifelse(text == "", ibis.null("string"), text)


def organization_firms(records: Records) -> ir.Table:
    """organization_id -> firm: a clinic is its parent's; organizations with one TIN are one."""
    roster = records.roster
    orgs = roster.group_by("organization_id").aggregate(
        _tin=_blank(roster.tin).max(), _parent=_blank(roster.parent_organization_id).max()
    )
    parents = orgs.select(_parent_id="organization_id", _parent_tin="_tin")
    joined = orgs.left_join(parents, orgs._parent == parents._parent_id)
    firm = ibis.cases(
        (joined._parent.notnull() & joined._parent_tin.notnull(), "tin:" + joined._parent_tin),
        (joined._parent.notnull(), "organization:" + joined._parent),
        (joined._tin.notnull(), "tin:" + joined._tin),
        else_="organization:" + joined.organization_id,
    )
    return joined.select("organization_id", firm=firm)


def npi_firms(records: Records) -> ir.Table:
    """npi -> firm for the NPIs the roster knows: organizations', then clinicians' practices'."""
    firms = organization_firms(records)
    roster = records.roster
    listed = roster.select("organization_id", npi=_blank(roster.npi))
    listed = listed.filter(listed.npi.notnull())
    own = listed.join(firms, "organization_id")
    own = own.group_by("npi").aggregate(firm=own.firm.min())
    staff = records.practitioners
    staff = staff.select(
        npi=_blank(staff.npi).fill_null(_blank(staff.practitioner_id)),
        practice=_blank(staff.practice_affiliation),
    )
    staff = staff.filter(staff.npi.notnull() & staff.practice.notnull())
    staff = staff.filter(~staff.npi.isin(own.npi))
    placed = staff.left_join(firms, staff.practice == firms.organization_id)
    clinicians = placed.group_by("npi").aggregate(
        firm=placed.firm.fill_null("organization:" + placed.practice).min()
    )
    return ibis.union(own, clinicians, distinct=False)


def _paid_by_firm(
    measure: Measure, records: Records, firms: ir.Table, members: ir.Table
) -> ir.Table:
    """measure_id, person_id, firm, paid_amount: each member's payments in the figure, by firm.

    Every member of the figure has a row (firm null and nothing paid when there is no payment).
    """
    paid = measure.numerator(records)
    npi = paid.provider_npi if "provider_npi" in paid.columns else ibis.null("string")
    paid = paid.select("person_id", "paid_amount", _npi=npi)
    named = paid.left_join(firms, paid._npi == firms.npi)
    firm = named.firm.fill_null("npi:" + named._npi).fill_null(UNKNOWN_PROVIDER)
    by_firm = named.group_by(["person_id", firm.name("firm")]).aggregate(
        paid_amount=named.paid_amount.cast("decimal(18, 2)").sum()
    )
    joined = members.left_join(by_firm, members._member == by_firm.person_id)
    return joined.select(
        measure_id=ibis.literal(measure.id),
        person_id="_member",
        firm="firm",
        paid_amount="paid_amount",
    )


def _members(measures: Sequence[Measure], records: Records) -> dict[str, ir.Table]:
    """Each cost measure's members (as the engine counts them), built once per population."""
    found: dict[str, ir.Table] = {}
    for measure in measures:
        population = measure.initial_population
        name = f"cost members of {population.__qualname__} ({id(population)})"
        found[measure.id] = records.shared(name, partial(_member_rows, measure))
    return found


def _member_rows(measure: Measure, records: Records) -> ir.Table:
    return cost_rows(measure, records).select(_member="person_id")


def _cells(rows: ir.Table, measures: Sequence[Measure]) -> ir.Table:
    """Rows summed per measure, cell and firm, for every (entity type, stratum type) pair."""
    rows = rows.group_by(["measure_id", *DIMENSIONS, "firm"]).aggregate(
        paid_amount=rows.paid_amount.sum()
    )
    keys = [
        (m.id, e, s) for m in measures for e, s in cell_pairs() if e in (COLLABORATIVE, *m.reports)
    ]
    pairs = ibis.memtable(
        {
            "measure_id": [m for m, _, _ in keys],
            "entity_type": [e for _, e, _ in keys],
            "stratum_type": [s for _, _, s in keys],
        }
    )
    both = rows.join(pairs, "measure_id")
    entity = ibis.cases(
        (both.entity_type == COLLABORATIVE, ibis.literal(COLLABORATIVE)),
        *((both.entity_type == e, both[e]) for e in ENTITY_TYPES[1:]),
    )
    stratum = ibis.cases(
        (both.stratum_type == ALL, ibis.literal(ALL)),
        *((both.stratum_type == s, both[s].fill_null(UNKNOWN)) for s in STRATA),
    )
    cut = both.select(
        "measure_id",
        "entity_type",
        "stratum_type",
        "firm",
        "paid_amount",
        entity_id=entity,
        stratum=stratum,
    )
    cut = cut.filter(cut.entity_id.notnull())
    return cut.group_by([*CELL, "firm"]).aggregate(paid_amount=cut.paid_amount.sum())


def provider_shares(records: Records, everyone: ir.Table, measures: Sequence[Measure]) -> ir.Table:
    """Providers paid and the largest one's share, per cost measure and result cell.

    `everyone` is the run's people with their entities and strata (populations.people); the
    cells are measure_result's (measure, entity, stratum) of each cost measure.

    Example:
        >>> shares = provider_shares(records, people(records), measures)  # doctest: +SKIP
        >>> shares.columns  # doctest: +SKIP
        ('measure_id', 'entity_type', 'entity_id', 'stratum_type', 'stratum', 'providers',
         'largest_provider_share')
    """
    costs = [m for m in measures if m.is_cost]
    if not costs:
        return ibis.memtable(
            {c: [] for c in (*CELL, "providers", "largest_provider_share")},
            schema={
                **dict.fromkeys(CELL, "string"),
                "providers": "int64",
                "largest_provider_share": "float64",
            },
        )
    firms = npi_firms(records)
    members = _members(costs, records)
    paid = ibis.union(
        *(_paid_by_firm(m, records, firms, members[m.id]) for m in costs), distinct=False
    )
    who = everyone.select(
        _person="person_id",
        **{d: everyone[d] if d in everyone.columns else ibis.null("string") for d in DIMENSIONS},
    )
    rows = paid.left_join(who, paid.person_id == who._person)
    cells = _cells(rows, costs)
    named = cells.firm.notnull()
    shares = cells.group_by(list(CELL)).aggregate(
        providers=(named & (cells.paid_amount > 0)).cast("int64").sum(),
        _total=cells.paid_amount.sum(),
        _largest=cells.paid_amount.max(where=named),
    )
    total = shares._total.cast("float64")
    return shares.select(
        *CELL,
        providers=shares.providers.cast("int64"),
        largest_provider_share=ibis.ifelse(
            total > 0, shares._largest.cast("float64") / total, ibis.null("float64")
        ),
    )

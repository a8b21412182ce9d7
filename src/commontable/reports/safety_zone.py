"""The sharing rule for price and cost figures: which cost cells the public report withholds.

Default: the conditions of the antitrust safety zone of Statement 6 ("Provider Participation in
Exchanges of Price and Cost Information") of the FTC/DOJ Statements of Antitrust Enforcement
Policy in Health Care (August 1996): the exchange is managed by a third party (here the
collaborative); the data are more than three months old; at least five providers report the
data behind each statistic, and no provider's data is more than 25% of it on a weighted basis.
DOJ withdrew the Statements on 3 February 2023 and the FTC on 14 July 2023, so they are no
longer a safe harbour; the collaborative keeps them as its default, configurable rule
(setting `report_cost_sharing`).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from commontable.errors import ConfigError
from commontable.reports.published import COLLABORATIVE, PublicCell, PublicMeasure, Published

# Entities that are themselves one provider: their cost figure is that provider's own.
PROVIDERS = frozenset({"clinic", "medical_group", "hospital"})
CLINIC = "clinic"
COST = "cost PMPM"  # measures.definition.COST (not imported: the engine is slow to load)


@dataclass(frozen=True)
class SharingRule:
    """When a cost figure may be published; `applies=False` shows cost figures like any other."""

    name: str
    applies: bool = True
    managed_by_third_party: bool = True  # the collaborative collects and publishes the data
    min_age_months: int = 3  # data more than this many months old (after the period's end)
    min_providers: int = 5  # providers contributing to each figure
    max_share: float = 0.25  # no provider's weighted share above this


STATEMENT_6 = SharingRule("statement6")
OPEN = SharingRule("open", applies=False)
RULES = {rule.name: rule for rule in (STATEMENT_6, OPEN)}


def sharing_rule(name: str) -> SharingRule:
    """The named rule of the `report_cost_sharing` setting."""
    try:
        return RULES[name]
    except KeyError:
        raise ConfigError(
            f"report_cost_sharing '{name}' is not one of: {', '.join(RULES)}"
        ) from None


@dataclass(frozen=True)
class Contributors:
    """The providers whose data make up a figure: how many, and the largest one's share
    (None when a share cannot be worked out from what is published)."""

    providers: int
    largest_share: float | None


def months_after(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def withheld_because(
    rule: SharingRule, period: int, as_of: date, contributors: Contributors | None
) -> str | None:
    """Why a cost figure of `period` (a calendar year) is withheld on `as_of`; None: it may be
    shown."""
    if not rule.applies:
        return None
    if not rule.managed_by_third_party:
        return "the data are not managed by a third party"
    if as_of <= months_after(date(period, 12, 31), rule.min_age_months):
        return f"the data are not yet more than {rule.min_age_months} months old"
    if contributors is None:
        return "the published figures do not show which providers' data make it up"
    if contributors.providers < rule.min_providers:
        return (
            f"fewer than {rule.min_providers} providers contribute to it ({contributors.providers})"
        )
    if contributors.largest_share is None:
        return "a contributing provider's share cannot be checked (its figures are suppressed)"
    if contributors.largest_share > rule.max_share:
        return f"one provider makes up more than {rule.max_share:.0%} of it"
    return None


def contributors(
    cell: PublicCell, clinics: Sequence[PublicCell], firm_of: Callable[[PublicCell], str]
) -> Contributors | None:
    """The providers behind a cost cell, from published aggregates only.

    A clinic, medical group or hospital is one provider. The collaborative's figure (for a
    stratum too) is made of its clinics' (`clinics`: the clinic cells of the same measure,
    period and stratum), counted by firm (`firm_of`: a clinic's medical group, else itself) and
    weighted by members x cost per member-month (proportional to paid amounts). Health plans and
    counties are not broken down by provider in the published results: unknown (None).
    """
    if cell.entity_type in PROVIDERS:
        return Contributors(1, 1.0)
    if cell.entity_type != COLLABORATIVE or not clinics:
        return None
    weights: dict[str, float] = defaultdict(float)
    unknown: set[str] = set()
    for clinic in clinics:
        if clinic.suppressed:
            unknown.add(firm_of(clinic))
        else:
            weights[firm_of(clinic)] += (clinic.rate or 0.0) * (clinic.denominator or 0)
    firms = {firm for firm, weight in weights.items() if weight > 0} | unknown
    total = sum(weights.values())
    if unknown or total <= 0:
        return Contributors(len(firms), None)
    return Contributors(len(firms), max(weights.values()) / total)


def is_cost(measure: PublicMeasure) -> bool:
    """A price or cost measure (paid per member-month), which the sharing rule covers."""
    return measure.type == COST or "cost" in measure.type.lower()


def withheld_cells(published: Published, rule: SharingRule, as_of: date) -> dict[PublicCell, str]:
    """Every published cost cell the rule withholds on `as_of`, with the reason."""
    if not rule.applies:
        return {}

    def firm_of(clinic: PublicCell) -> str:
        member = published.members.get(clinic.organization_id or -1)
        if member is None:
            return f"entity:{clinic.entity_id}"
        return f"member:{member.parent_id or member.id}"

    clinics: dict[tuple[str, int, str, str], list[PublicCell]] = defaultdict(list)
    for cell in published.cells:
        if cell.entity_type == CLINIC:
            clinics[(cell.measure_id, cell.period, cell.stratum_type, cell.stratum)].append(cell)
    withheld: dict[PublicCell, str] = {}
    for cell in published.cells:
        measure = published.measures.get(cell.measure_id)
        if measure is None or not is_cost(measure) or cell.suppressed:
            continue
        behind = clinics.get((cell.measure_id, cell.period, cell.stratum_type, cell.stratum), [])
        reason = withheld_because(rule, cell.period, as_of, contributors(cell, behind, firm_of))
        if reason is not None:
            withheld[cell] = reason
    return withheld

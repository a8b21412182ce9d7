"""The sharing rule for price and cost figures: when a cost figure may be shared with members.

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
from dataclasses import dataclass
from datetime import date

from commontable.errors import ConfigError


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
    """The providers paid behind a figure (firms, by billing NPI or TIN: measures.providers): how
    many, and the largest one's share of the paid amount (None when nothing was paid)."""

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
        return "which providers' data make it up is not known"
    if contributors.providers < rule.min_providers:
        return (
            f"fewer than {rule.min_providers} providers contribute to it ({contributors.providers})"
        )
    if contributors.largest_share is None:
        return "no provider was paid, so no share can be checked"
    if contributors.largest_share > rule.max_share:
        return f"one provider makes up more than {rule.max_share:.0%} of it"
    return None

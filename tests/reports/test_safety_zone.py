"""Price and cost figures follow the sharing rule: by default the 1996 FTC/DOJ Statement 6
safety zone, each of whose conditions withholds a figure on its own; the rule can be turned
off; a withheld cell says why and its figure appears nowhere."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from commontable.config import load_settings
from commontable.errors import ConfigError
from commontable.measures.definition import COST as ENGINE_COST
from commontable.privacy.safety_zone import (
    OPEN,
    STATEMENT_6,
    Contributors,
    months_after,
    sharing_rule,
    withheld_because,
)
from commontable.publishing.cells import COST
from tests.reports.conftest import Built
from tests.reports.test_suppression import texts

OLD_ENOUGH = date(2026, 4, 1)  # 2025 ended more than three months before
FIVE_EVEN = Contributors(5, 0.20)


def withheld(
    contributors: Contributors | None = FIVE_EVEN, as_of: date = OLD_ENOUGH, rule=STATEMENT_6
) -> str | None:
    return withheld_because(rule, 2025, as_of, contributors)


def test_five_providers_none_over_a_quarter_and_old_enough_is_shown() -> None:
    assert withheld() is None
    assert withheld(Contributors(5, 0.25)) is None  # "no more than 25%"


def test_data_not_managed_by_a_third_party_is_withheld() -> None:
    rule = replace(STATEMENT_6, managed_by_third_party=False)
    assert withheld(rule=rule) == "the data are not managed by a third party"


def test_data_three_months_old_or_less_is_withheld() -> None:
    assert withheld(as_of=date(2026, 3, 31)) == "the data are not yet more than 3 months old"
    assert withheld(as_of=date(2026, 4, 1)) is None


def test_fewer_than_five_providers_is_withheld() -> None:
    reason = withheld(Contributors(4, 0.25))
    assert reason == "fewer than 5 providers contribute to it (4)"


def test_one_provider_over_a_quarter_is_withheld() -> None:
    assert withheld(Contributors(6, 0.26)) == "one provider makes up more than 25% of it"


def test_unknown_providers_or_shares_are_withheld() -> None:
    assert withheld(None) == "which providers' data make it up is not known"
    assert withheld(Contributors(7, None)) == "no provider was paid, so no share can be checked"


def test_the_open_rule_withholds_nothing() -> None:
    assert withheld(None, as_of=date(2025, 12, 31), rule=OPEN) is None


def test_the_rule_is_a_setting(tmp_path) -> None:
    assert load_settings(tmp_path).report_cost_sharing == "statement6"
    assert (
        sharing_rule(load_settings(tmp_path, report_cost_sharing="open").report_cost_sharing)
        is OPEN
    )
    with pytest.raises(ConfigError):
        load_settings(tmp_path, report_cost_sharing="anything goes")
    with pytest.raises(ConfigError):
        sharing_rule("anything goes")


def test_three_months_after_the_end_of_a_year() -> None:
    assert months_after(date(2025, 12, 31), 3) == date(2026, 3, 31)
    assert months_after(date(2025, 11, 30), 3) == date(2026, 2, 28)


def test_the_readers_cost_type_is_the_engines() -> None:
    assert COST == ENGINE_COST


def row_of(page: str, name: str) -> str:
    start = page.index(f">{name}<")
    return page[start : page.index("</tr>", start)]


def test_the_site_withholds_each_cost_cell_outside_the_safety_zone_and_says_why(
    built: Built,
) -> None:
    page = built.page("measures/COST-INPATIENT-PMPM.html")
    assert "Withheld: fewer than 5 providers contribute to it (1)" in row_of(page, "Birch Clinic")
    assert "fewer than 5 providers contribute to it (3)" in row_of(page, "Cascade Health Plan")
    assert "$123.45 PMPM" in page  # the collaborative's: five providers, 20% each
    total = built.page("measures/TCOC-PMPM.html")
    assert "Withheld: one provider makes up more than 25% of it" in total


def test_a_withheld_figure_appears_nowhere(built: Built) -> None:
    hidden = ("121.21", "444.44", "131.07", "471.11", "456.78")
    assert not [(h, p.name) for p, t in texts(built.site).items() for h in hidden if h in t]


def test_with_the_rule_off_cost_figures_are_shown(built_open: Built) -> None:
    page = built_open.page("measures/COST-INPATIENT-PMPM.html")
    assert "Withheld" not in page
    assert "$121.21" in row_of(page, "Birch Clinic")
    assert "$456.78 PMPM" in built_open.page("measures/TCOC-PMPM.html")
    assert "turned the safety-zone rule off" in built_open.page("methods.html")


def test_the_methods_page_says_the_statements_were_withdrawn(built: Built) -> None:
    page = built.page("methods.html")
    assert "3 February 2023" in page
    assert "14 July 2023" in page
    assert "Statements 6 and 8" in page

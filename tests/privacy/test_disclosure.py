"""Disclosure control: small counts hidden, and enough other cells that an attacker with every
published figure and relation can work none of them out (checked by an attacker written apart,
tests.privacy.attacker)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from commontable.privacy.disclosure import (
    AT_LEAST_SUM,
    SUM,
    DisclosureError,
    MeasureShape,
    Structure,
    Total,
    audit,
    control,
    linked_tables,
    primary_cells,
)
from commontable.privacy.disclosure.complementary import Protector, Suppression
from tests.privacy.attacker import Knowledge, attack, beyond_structure, exposed
from tests.privacy.disclosure_cells import MEDICAL_GROUP_OF, cells, people

KEYS = ["measure_id", "entity_type", "entity_id", "stratum_type", "stratum"]
PROPORTION = Structure({"CMS125": MeasureShape("CMS125")}, MEDICAL_GROUP_OF)
KNOWN = Knowledge(proportions={"CMS125"}, medical_group_of=MEDICAL_GROUP_OF)

# Four clinics in two groups, two plans, two counties; one small group of men at clinic C4.
REGION = people(
    {
        ("C1", "P1", "East", "F"): (60, 40),
        ("C1", "P2", "West", "M"): (50, 25),
        ("C2", "P1", "West", "F"): (70, 35),
        ("C2", "P2", "East", "M"): (45, 30),
        ("C3", "P1", "East", "F"): (80, 52),
        ("C3", "P2", "West", "M"): (40, 18),
        ("C4", "P1", "West", "F"): (66, 33),
        ("C4", "P2", "East", "M"): (4, 3),
    }
)


def hidden_of(frame: pd.DataFrame, structure: Structure = PROPORTION) -> pd.Series:
    """Which cells control() hides, by key."""
    decided = control(linked_tables(frame, structure))
    return pd.Series(decided.hidden, index=pd.MultiIndex.from_frame(frame[KEYS])).sort_index()


def published(frame: pd.DataFrame, hidden: np.ndarray) -> pd.DataFrame:
    """The cells as readers get them: hidden ones blank."""
    shown = frame.assign(suppressed=hidden)
    for column in ("denominator", "numerator", "member_years", "member_months", "paid_amount"):
        shown[column] = shown[column].where(~hidden)
    return shown


def truth(frame: pd.DataFrame) -> dict[tuple, float]:
    values = {}
    for row in frame.itertuples(index=False):
        place = (row.measure_id, row.entity_type, row.entity_id, row.stratum_type, row.stratum)
        values[(*place, "denominator")] = row.denominator
        values[(*place, "numerator")] = row.numerator
        values[(*place, "remainder")] = row.denominator - row.numerator
        for amount in ("member_years", "member_months", "paid_amount"):
            value = getattr(row, amount)
            if value is not None and not pd.isna(value):
                values[(*place, amount)] = value
    return values


def learned(shown: pd.DataFrame, knowledge: Knowledge, values: dict[tuple, float]) -> list[str]:
    """What the attacker works out of `shown` that suppression should have kept from it."""
    return beyond_structure(shown, knowledge, attack(shown, knowledge, values), values)


def test_a_cell_of_one_to_ten_people_is_hidden() -> None:
    hidden = hidden_of(cells(REGION))
    assert hidden[("CMS125", "clinic", "C4", "sex", "M")]


def test_a_shown_complement_of_one_to_ten_is_hidden_too() -> None:
    region = people({("C1", "P1", "East", "F"): (200, 195), ("C2", "P1", "East", "M"): (300, 100)})
    model = linked_tables(cells(region), PROPORTION)
    frame = model.cells.assign(primary=primary_cells(model)).set_index(KEYS)
    assert frame.loc[("CMS125", "clinic", "C1", "all", "all"), "primary"]  # 5 not screened


def test_zero_and_eleven_are_shown() -> None:
    region = people({("C1", "P1", "East", "F"): (11, 0), ("C2", "P1", "East", "F"): (40, 29)})
    assert not primary_cells(linked_tables(cells(region), PROPORTION)).any()


def test_a_lone_small_cell_gets_company() -> None:
    hidden = hidden_of(cells(REGION))
    clinic = hidden.loc[("CMS125", "clinic", "C4", "sex")]
    assert clinic.sum() >= 2  # its men and another sex stratum (or the whole) go together


def test_the_collaboratives_results_are_hidden_last() -> None:
    hidden = hidden_of(cells(REGION))
    assert not hidden[("CMS125", "collaborative", "collaborative", "all", "all")]


def test_an_attacker_with_every_relation_works_nothing_out() -> None:
    frame = cells(REGION)
    decided = control(linked_tables(frame, PROPORTION))
    shown = published(frame, decided.hidden)
    assert attack(shown, KNOWN, truth(frame))  # there is something to attack
    assert learned(shown, KNOWN, truth(frame)) == []


def test_the_attacker_works_out_a_small_cell_hidden_alone() -> None:
    frame = cells(REGION)
    primary = primary_cells(linked_tables(frame, PROPORTION))
    found = exposed(attack(published(frame, primary), KNOWN), truth(frame))
    assert any("C4" in line and "'M'" in line for line in found)


def test_the_audit_finds_a_small_count_left_alone() -> None:
    frame = cells(REGION)
    model = linked_tables(frame, PROPORTION)
    primary = primary_cells(model)
    assert not audit(model, primary, primary).passed


def test_nothing_is_published_when_protection_cannot_be_proved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def primary_only(self: Protector) -> Suppression:
        return Suppression(self.primary, self.primary, self.up, self.down, 0)

    monkeypatch.setattr(Protector, "run", primary_only)
    with pytest.raises(DisclosureError, match="could be worked out"):
        control(linked_tables(cells(REGION), PROPORTION))


def test_a_complement_must_hide_the_numerator_too() -> None:
    # One plan's men: 9 of 12 screened (3 not: small). A complement with a numerator of 0 would
    # leave the 3 determined; the attacker must not get it.
    region = people(
        {
            ("C1", "P1", "East", "F"): (120, 90),
            ("C1", "P1", "East", "M"): (12, 9),
            ("C2", "P1", "West", "F"): (15, 0),
            ("C2", "P2", "West", "M"): (80, 40),
        }
    )
    frame = cells(region)
    decided = control(linked_tables(frame, PROPORTION))
    assert learned(published(frame, decided.hidden), KNOWN, truth(frame)) == []


def test_measures_over_the_same_people_share_their_denominators() -> None:
    screening = cells(REGION, "CMS125")
    other = cells(REGION, "CMS130", flag="also")
    frame = pd.concat([screening, other], ignore_index=True)
    structure = Structure(
        {"CMS125": MeasureShape("CMS125"), "CMS130": MeasureShape("CMS130")}, MEDICAL_GROUP_OF
    )
    model = linked_tables(frame, structure)
    assert model.variables < 2 * len(screening) * 3  # one denominator for both
    decided = control(model)
    knowledge = Knowledge(proportions={"CMS125", "CMS130"}, medical_group_of=MEDICAL_GROUP_OF)
    assert learned(published(frame, decided.hidden), knowledge, truth(frame)) == []


def test_total_cost_is_the_sum_of_its_categories() -> None:
    costs = {
        "TCOC-PMPM": MeasureShape(
            "TCOC-PMPM", subset=False, exposure="member_months", paid=True, numerator_shown=False
        ),
        "COST-A": MeasureShape(
            "COST-A", subset=False, exposure="member_months", paid=True, numerator_shown=False
        ),
        "COST-B": MeasureShape(
            "COST-B", subset=False, exposure="member_months", paid=True, numerator_shown=False
        ),
    }
    part_a = cells(REGION, "COST-A", cost=True)
    part_b = cells(REGION, "COST-B", cost=True).assign(paid_amount=lambda f: f.paid_amount * 2)
    total = part_a.assign(
        measure_id="TCOC-PMPM", paid_amount=part_a.paid_amount + part_b.paid_amount
    )
    frame = pd.concat([total, part_a, part_b], ignore_index=True)
    structure = Structure(
        costs, MEDICAL_GROUP_OF, (Total("TCOC-PMPM", ("COST-A", "COST-B"), "paid_amount", SUM),)
    )
    decided = control(linked_tables(frame, structure))
    knowledge = Knowledge(
        costs=set(costs),
        medical_group_of=MEDICAL_GROUP_OF,
        cost_total=("TCOC-PMPM", ("COST-A", "COST-B")),
    )
    shown = published(frame, decided.hidden).assign(numerator=None)
    assert learned(shown, knowledge, truth(frame)) == []


def test_a_composite_counts_at_least_its_parts() -> None:
    structure = Structure(
        {"PQI-90": MeasureShape("PQI-90"), "PQI-01": MeasureShape("PQI-01")},
        MEDICAL_GROUP_OF,
        (Total("PQI-90", ("PQI-01",), "numerator", AT_LEAST_SUM),),
    )
    composite = cells(REGION, "PQI-90")
    part = cells([p for p in REGION if p.also], "PQI-01")
    model = linked_tables(pd.concat([composite, part], ignore_index=True), structure)
    assert model.inequalities.shape[0] > 0


def test_a_relation_the_data_miss_somewhere_is_kept_as_at_most() -> None:
    # A person with no plan: plans add up to less than the collaborative.
    region = [*REGION, *people({("C1", "", "East", "F"): (3, 1)})]
    frame = cells(region)
    frame = frame[~((frame.entity_type == "health_plan") & (frame.entity_id == ""))]
    model = linked_tables(frame.reset_index(drop=True), PROPORTION)
    level = model.inequalities @ model.values
    assert (level <= 1e-9).all()
    assert np.abs(model.equalities @ model.values).max() <= 1e-9

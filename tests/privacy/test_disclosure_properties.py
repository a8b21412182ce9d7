"""Over random small regions, what control() lets through gives an attacker nothing: no hidden
count determined (beyond what which results exist gives away) or confined to 1-10, no shown
count of 1-10, no shown difference of 1-10."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commontable.privacy.disclosure import MeasureShape, Structure, control, linked_tables
from tests.privacy.attacker import Knowledge
from tests.privacy.disclosure_cells import MEDICAL_GROUP_OF, cells, people
from tests.privacy.test_disclosure import learned, published, truth

PLACES = [
    (clinic, plan, county, sex)
    for clinic in MEDICAL_GROUP_OF
    for plan in ("P1", "P2")
    for county in ("East", "West")
    for sex in ("F", "M")
]
STRUCTURE = Structure(
    {"CMS125": MeasureShape("CMS125"), "CMS130": MeasureShape("CMS130")}, MEDICAL_GROUP_OF
)
KNOWN = Knowledge(proportions={"CMS125", "CMS130"}, medical_group_of=MEDICAL_GROUP_OF)


@st.composite
def regions(draw: st.DrawFn) -> pd.DataFrame:
    """Two screening measures over the same people of a random small region."""
    places = draw(st.lists(st.sampled_from(PLACES), min_size=2, max_size=10, unique=True))
    counts = {}
    for place in places:
        n = draw(st.integers(min_value=1, max_value=40))
        counts[place] = (n, draw(st.integers(min_value=0, max_value=n)))
    region = people(counts)
    first = cells(region, "CMS125")
    half = cells(region, "CMS130", flag="also")
    return pd.concat([first, half], ignore_index=True)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(regions())
def test_no_random_region_gives_an_attacker_anything(frame: pd.DataFrame) -> None:
    decided = control(linked_tables(frame, STRUCTURE))
    shown = published(frame, decided.hidden)
    assert learned(shown, KNOWN, truth(frame)) == []
    visible = shown[~decided.hidden]
    for counted in (
        visible.denominator,
        visible.numerator,
        visible.denominator - visible.numerator,
    ):
        assert not np.any((counted >= 1) & (counted <= 10))

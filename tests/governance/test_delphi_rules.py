"""The two consensus rules: the core-outcome-set rule (70% rate 7–9, at most 15% rate 1–3, and
its mirror) and the RAND/UCLA rule (the median's tertile unless the panel disagrees)."""

from __future__ import annotations

import pytest

from commontable.errors import UserError
from commontable.governance.delphi import (
    CoreOutcomeSetRule,
    RandUclaRule,
    Verdict,
    describe,
    rule_named,
)

COS = CoreOutcomeSetRule()
RAND = RandUclaRule()


def ratings(**counts: int) -> list[int]:
    """Ratings from counts per point: ratings(r8=7, r5=3) is seven 8s and three 5s."""
    return [int(point[1:]) for point, n in counts.items() for _ in range(n)]


def test_seventy_percent_critical_and_few_against_is_consensus_in() -> None:
    assert COS.verdict(describe(ratings(r8=7, r5=2, r2=1))) is Verdict.INCLUDE


def test_sixty_nine_percent_critical_is_no_consensus() -> None:
    assert COS.verdict(describe(ratings(r9=69, r5=31))) is Verdict.UNDECIDED


def test_exactly_fifteen_percent_against_still_counts_as_consensus() -> None:
    # 14 of 20 rate 7–9 (70%), 3 of 20 rate 1–3 (15%).
    item = describe(ratings(r8=14, r2=3, r5=3))
    assert COS.verdict(item) is Verdict.INCLUDE
    strict = CoreOutcomeSetRule(opposition_inclusive=False)  # COMET's "fewer than 15%"
    assert strict.verdict(item) is Verdict.UNDECIDED


def test_more_than_fifteen_percent_against_blocks_consensus_in() -> None:
    assert COS.verdict(describe(ratings(r8=7, r2=2, r5=1))) is Verdict.UNDECIDED  # 20% against


def test_the_mirror_is_consensus_out() -> None:
    assert COS.verdict(describe(ratings(r2=8, r5=1, r8=1))) is Verdict.EXCLUDE


def test_cos_speaks_of_consensus_in_and_out() -> None:
    assert [COS.word(v) for v in Verdict] == ["consensus in", "consensus out", "no consensus"]


def test_rand_upper_tertile_without_disagreement_is_appropriate() -> None:
    assert RAND.verdict(describe([6, 7, 7, 8])) is Verdict.INCLUDE


def test_rand_lower_tertile_without_disagreement_is_inappropriate() -> None:
    assert RAND.verdict(describe([2, 3, 3, 4])) is Verdict.EXCLUDE


def test_rand_middle_tertile_is_uncertain() -> None:
    assert RAND.verdict(describe([4, 5, 5, 6])) is Verdict.UNDECIDED


def test_rand_median_between_tertiles_counts_as_the_middle_one() -> None:
    item = describe([5, 6, 7, 8])  # median 6.5
    assert item.disagreement is False
    assert RAND.verdict(item) is Verdict.UNDECIDED


def test_rand_disagreement_makes_a_high_median_uncertain() -> None:
    item = describe([1, 1, 1, 1, 9, 9, 9, 9, 9, 9])  # median 9, IPR 8 > IPRAS 2.35
    assert item.median == 9
    assert RAND.verdict(item) is Verdict.UNDECIDED
    assert RAND.word(Verdict.UNDECIDED) == "uncertain"


def test_rules_are_chosen_by_name() -> None:
    assert rule_named("RAND") is not None
    assert rule_named("cos").name == "cos"
    with pytest.raises(UserError, match="choose one of: cos, rand"):
        rule_named("majority")

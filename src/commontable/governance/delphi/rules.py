"""The consensus rules a study (or `commontable delphi analyze --rule`) judges items by.

* `cos` — the core-outcome-set rule of the COMET Initiative (COMET Handbook v1.0, Williamson
  et al., Trials 2017;18:280): include when at least 70% rate 7–9 and at most 15% rate 1–3;
  exclude on the mirror (at least 70% rate 1–3 and at most 15% rate 7–9); otherwise no
  consensus. The Handbook's examples write "fewer than 15%"; this platform's rule, as agreed
  for CommonTable, counts exactly 15% as consensus (`opposition_inclusive`).
* `rand` — the RAND/UCLA appropriateness rule (Fitch et al. 2001, RAND MR-1269): the median's
  tertile decides (7–9 appropriate, 1–3 inappropriate, 4–6 uncertain) unless the panel
  disagrees by the IPRAS test, which makes the item uncertain. A median between two tertiles
  (3.5 or 6.5, from an even number of ratings) counts as the middle one, the cautious reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, Protocol

from commontable.errors import UserError
from commontable.governance.delphi.statistics import ItemStatistics

_EPSILON = 1e-9  # shares are fractions of whole counts; compare them without float noise


class Verdict(StrEnum):
    """What a rule concludes about an item."""

    INCLUDE = "include"
    EXCLUDE = "exclude"
    UNDECIDED = "undecided"


class ConsensusRule(Protocol):
    """A documented rule from an item's statistics to a verdict, with the method's own words."""

    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str: ...

    def verdict(self, statistics: ItemStatistics) -> Verdict: ...

    def word(self, verdict: Verdict) -> str: ...


@dataclass(frozen=True)
class CoreOutcomeSetRule:
    """COMET's rule: a large majority rates the item critical (7–9) and few rate it 1–3."""

    agreement: float = 0.70
    opposition: float = 0.15
    opposition_inclusive: bool = True  # at most 15% (True) or fewer than 15% (False)
    name: str = "cos"
    title: str = "core outcome set (≥ 70% rate 7–9 and ≤ 15% rate 1–3)"
    words: ClassVar[dict[Verdict, str]] = {
        Verdict.INCLUDE: "consensus in",
        Verdict.EXCLUDE: "consensus out",
        Verdict.UNDECIDED: "no consensus",
    }

    def verdict(self, statistics: ItemStatistics) -> Verdict:
        if self._holds(statistics.share_high, statistics.share_low):
            return Verdict.INCLUDE
        if self._holds(statistics.share_low, statistics.share_high):
            return Verdict.EXCLUDE
        return Verdict.UNDECIDED

    def word(self, verdict: Verdict) -> str:
        return self.words[verdict]

    def _holds(self, agreeing: float, opposing: float) -> bool:
        few_oppose = (
            opposing <= self.opposition + _EPSILON
            if self.opposition_inclusive
            else opposing < self.opposition - _EPSILON
        )
        return agreeing >= self.agreement - _EPSILON and few_oppose


@dataclass(frozen=True)
class RandUclaRule:
    """RAND/UCLA: the median's tertile, unless the panel disagrees (IPR > IPRAS)."""

    name: str = "rand"
    title: str = "RAND/UCLA appropriateness (median tertile, no disagreement by IPRAS)"
    words: ClassVar[dict[Verdict, str]] = {
        Verdict.INCLUDE: "appropriate",
        Verdict.EXCLUDE: "inappropriate",
        Verdict.UNDECIDED: "uncertain",
    }

    def verdict(self, statistics: ItemStatistics) -> Verdict:
        if statistics.disagreement:
            return Verdict.UNDECIDED
        if statistics.median >= 7:
            return Verdict.INCLUDE
        if statistics.median <= 3:
            return Verdict.EXCLUDE
        return Verdict.UNDECIDED

    def word(self, verdict: Verdict) -> str:
        return self.words[verdict]


RULES: dict[str, ConsensusRule] = {"cos": CoreOutcomeSetRule(), "rand": RandUclaRule()}


def rule_named(name: str) -> ConsensusRule:
    """The rule called `name` (cos or rand)."""
    try:
        return RULES[name.strip().lower()]
    except KeyError:
        raise UserError(f"no consensus rule '{name}'; choose one of: {', '.join(RULES)}") from None

"""Stability of an item's ratings from one round to the next, and the study's stopping rule.

Consensus says the panel agrees; stability says another round would not change much. Two
measures, both between consecutive rounds of the same item:

* `change` — the net share of ratings that moved: half the sum, over the points 1–9, of the
  difference between the two rounds' shares (Scheibe, Skutsch & Schofer, "Experiments in
  Delphi methodology", in Linstone & Turoff, The Delphi Method, 1975). Under 15% is stable.
* `wilcoxon_p` — the Wilcoxon signed-rank test of the ratings of the panelists who rated the
  item in both rounds (Kalaian & Kasim, "Terminating sequential Delphi survey data
  collection", Practical Assessment, Research & Evaluation 2012;17(5)); a small p-value means
  the panel shifted. Shown alongside; the stopping rule uses `change`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import wilcoxon

from commontable.governance.delphi.statistics import SCALE

STABLE_CHANGE = 0.15  # Scheibe et al. 1975: under 15% net change between rounds is stable


@dataclass(frozen=True)
class Stability:
    """How an item's ratings moved between two consecutive rounds."""

    change: float
    wilcoxon_p: float | None  # None when nobody rated the item in both rounds
    paired: int  # panelists who rated it in both rounds

    @property
    def stable(self) -> bool:
        return self.change < STABLE_CHANGE


def distribution_change(before: Sequence[int], after: Sequence[int]) -> float:
    """The net share of ratings that moved between two rounds' distributions (0 to 1)."""
    shares = [
        np.bincount(np.asarray(r, dtype=int), minlength=SCALE.stop)[SCALE.start :] / len(r)
        for r in (before, after)
    ]
    return float(np.abs(shares[1] - shares[0]).sum() / 2)


def paired_shift_p(before: Mapping[str, int], after: Mapping[str, int]) -> float | None:
    """The Wilcoxon signed-rank p-value of the ratings of panelists who rated in both rounds;
    1.0 when none of them changed, None when there are no such panelists."""
    both = sorted(set(before) & set(after))
    if not both:
        return None
    moves = np.array([after[p] - before[p] for p in both])
    moves = moves[moves != 0]
    if moves.size == 0:
        return 1.0
    return float(wilcoxon(moves).pvalue)


def stability(before: Mapping[str, int], after: Mapping[str, int]) -> Stability:
    """Stability of one item between two rounds, from each round's ratings by panelist."""
    return Stability(
        change=distribution_change(list(before.values()), list(after.values())),
        wilcoxon_p=paired_shift_p(before, after),
        paired=len(set(before) & set(after)),
    )


@dataclass(frozen=True)
class StopDecision:
    """Whether the study should stop after a round, and why."""

    stop: bool
    reason: str


def stopping_decision(
    round_number: int, undecided: int, unstable: int, items: int, max_rounds: int
) -> StopDecision:
    """Stop when every item reached consensus, when the items still without consensus no
    longer change (stable), or at the maximum number of rounds.

    `undecided` counts the items without consensus after the round, `unstable` those of them
    whose ratings still changed by 15% or more since the round before.
    """
    if undecided == 0:
        return StopDecision(True, f"every item reached consensus in round {round_number}")
    if round_number > 1 and unstable == 0:
        return StopDecision(
            True,
            f"the {undecided} of {items} items without consensus were stable in round "
            f"{round_number} (under {STABLE_CHANGE:.0%} change)",
        )
    if round_number >= max_rounds:
        return StopDecision(True, f"round {round_number} was the last of {max_rounds} rounds")
    return StopDecision(
        False,
        f"{undecided} of {items} items without consensus, {unstable} of them still changing",
    )

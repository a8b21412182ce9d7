"""A closed motion's outcome from its ballots: quorum first, then the count of its kind.

Quorum is a share of the voting member organizations (recused ones left out) that took part;
abstaining takes part. A proposal with any block fails; otherwise it passes when yes, among
yes and no, is above the collaborative's threshold (or at least it, when inclusive).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from commontable.governance.decisions.counting import (
    count_choices,
    count_proposal,
    instant_runoff,
    leaders,
    meeting_time_totals,
    total_scores,
)
from commontable.governance.decisions.models import MotionKind


@dataclass(frozen=True)
class Rules:
    """A collaborative's quorum and pass threshold."""

    quorum: float = 0.5
    pass_threshold: float = 0.5
    threshold_inclusive: bool = False

    def describe(self) -> str:
        than = "at least" if self.threshold_inclusive else "more than"
        return (
            f"quorum {self.quorum:.0%} of members; passes with {than} {self.pass_threshold:.0%} yes"
        )


@dataclass(frozen=True)
class Ballot:
    """One organization's vote as counted: a position (proposal, or abstain on a poll) or
    marks on options (option label → chosen 1, rank, score or availability)."""

    position: str | None = None
    marks: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What the count decided, in words, with the figures behind it."""

    summary: str
    quorum_met: bool
    eligible: int
    voted: int
    passed: bool | None = None  # proposals only
    winner: str | None = None  # polls only
    tally: dict[str, Any] = field(default_factory=dict)


def quorum_needed(eligible: int, quorum: float) -> int:
    """How many organizations must take part: the quorum share of the eligible, rounded up."""
    return math.ceil(eligible * quorum - 1e-9)


def decide(
    kind: MotionKind,
    ballots: Sequence[Ballot],
    options: Sequence[str],
    eligible: int,
    rules: Rules,
) -> Outcome:
    """The outcome of a motion of `kind` with these ballots, among `eligible` organizations."""
    voted, needed = len(ballots), quorum_needed(eligible, rules.quorum)
    taking_part = f"{voted} of {eligible} member organizations voted"
    if voted < needed or voted == 0:
        return Outcome(
            f"no quorum: {taking_part}, {needed} needed",
            quorum_met=False,
            eligible=eligible,
            voted=voted,
            passed=False if kind is MotionKind.PROPOSAL else None,
            tally={"voted": voted, "needed": needed},
        )
    if kind is MotionKind.PROPOSAL:
        return _proposal(ballots, eligible, rules, taking_part)
    counted = [ballot for ballot in ballots if ballot.position != "abstain"]
    if not counted:
        return Outcome(
            f"no option chosen: every organization abstained ({taking_part})",
            True,
            eligible,
            voted,
            tally={"abstain": voted},
        )
    winner, tally = _poll(kind, counted, options)
    tally["abstain"] = voted - len(counted)
    said = winner if winner else f"tie between {', '.join(tally['leading'])}"
    return Outcome(f"{said} ({taking_part})", True, eligible, voted, winner=winner, tally=tally)


def _proposal(ballots: Sequence[Ballot], eligible: int, rules: Rules, taking_part: str) -> Outcome:
    count = count_proposal(b.position or "abstain" for b in ballots)
    tally = {"yes": count.yes, "no": count.no, "abstain": count.abstain, "block": count.block}
    figures = f"{count.yes} yes, {count.no} no, {count.abstain} abstain, {count.block} block"
    share = count.yes_share
    if count.block:
        passed, why = False, "blocked"
    elif share is None:
        passed, why = False, "failed (no yes or no votes)"
    else:
        above = (
            share >= rules.pass_threshold - 1e-9
            if rules.threshold_inclusive
            else share > rules.pass_threshold + 1e-9
        )
        passed, why = above, ("passed" if above else "failed") + f" with {share:.0%} yes"
    return Outcome(
        f"{why}: {figures}; {taking_part}",
        quorum_met=True,
        eligible=eligible,
        voted=count.voted,
        passed=passed,
        tally=tally,
    )


def _poll(
    kind: MotionKind, ballots: Sequence[Ballot], options: Sequence[str]
) -> tuple[str | None, dict[str, Any]]:
    """The winning option (None on a tie) and the tally of a poll."""
    if kind is MotionKind.CHOOSE_ONE:
        chosen = [label for b in ballots for label, mark in b.marks.items() if mark == 1]
        counts = count_choices(chosen, options)
        return _one_of(leaders(counts)), {"votes": counts, "leading": leaders(counts)}
    if kind is MotionKind.SCORE:
        totals = total_scores((b.marks for b in ballots), options)
        return _one_of(leaders(totals)), {"scores": totals, "leading": leaders(totals)}
    if kind is MotionKind.MEETING_TIME:
        times = meeting_time_totals((b.marks for b in ballots), options)
        best = leaders(dict(times.items()))
        return _one_of(best), {
            "available": {t: can for t, (can, _) in times.items()},
            "yes": {t: yes for t, (_, yes) in times.items()},
            "leading": best,
        }
    runoff = instant_runoff((_ranking(b) for b in ballots), options)
    return runoff.winner, {
        "rounds": runoff.rounds,
        "eliminated": runoff.eliminated,
        "exhausted": runoff.exhausted,
        "leading": leaders(runoff.rounds[-1]),
    }


def _ranking(ballot: Ballot) -> list[str]:
    return [label for label, _ in sorted(ballot.marks.items(), key=lambda pair: pair[1])]


def _one_of(best: list[str]) -> str | None:
    return best[0] if len(best) == 1 else None

"""Counting votes: plain functions over plain ballots, one per kind of motion.

Ranked choice is counted by instant runoff: each round every ballot counts for its highest
ranked option still in the count; an option with more than half of those ballots wins;
otherwise the option with the fewest is eliminated and its ballots move on. Ties for the
fewest are broken by the earlier round's counts (the fewer there is eliminated), then by the
order of the options (the later one is eliminated): deterministic, and stated on the page.
When every option still standing has the same count, the count ends in a tie.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Option = TypeVar("Option", bound=Hashable)
Total = TypeVar("Total", int, float, tuple[int, int])

YES, IF_NEED_BE, NO = 2, 1, 0  # a meeting time's marks


@dataclass(frozen=True)
class ProposalCount:
    """Positions on a proposal."""

    yes: int = 0
    no: int = 0
    abstain: int = 0
    block: int = 0

    @property
    def voted(self) -> int:
        return self.yes + self.no + self.abstain + self.block

    @property
    def yes_share(self) -> float | None:
        """Yes among yes and no (abstentions and blocks left out); None with neither."""
        decided = self.yes + self.no
        return self.yes / decided if decided else None


def count_proposal(positions: Iterable[str]) -> ProposalCount:
    """Count yes / no / abstain / block."""
    counted = Counter(positions)
    unknown = set(counted) - {"yes", "no", "abstain", "block"}
    if unknown:
        raise ValueError(f"not a position on a proposal: {', '.join(sorted(unknown))}")
    return ProposalCount(counted["yes"], counted["no"], counted["abstain"], counted["block"])


def leaders(totals: Mapping[Option, Total]) -> list[Option]:
    """The options with the highest total, in the order given (several on a tie)."""
    if not totals:
        return []
    best = max(totals.values())
    return [option for option, total in totals.items() if total == best]


def count_choices(choices: Iterable[Option], options: Sequence[Option]) -> dict[Option, int]:
    """Votes per option (choose one), every option listed."""
    counted = Counter(choices)
    return {option: counted[option] for option in options}


def total_scores(
    ballots: Iterable[Mapping[Option, int]], options: Sequence[Option]
) -> dict[Option, int]:
    """Each option's total score; an option a ballot leaves out scores 0 on it."""
    totals = dict.fromkeys(options, 0)
    for ballot in ballots:
        for option, score in ballot.items():
            totals[option] += score
    return totals


def meeting_time_totals(
    ballots: Iterable[Mapping[Option, int]], options: Sequence[Option]
) -> dict[Option, tuple[int, int]]:
    """Per time: how many can come (yes or if need be), and how many said yes."""
    can, yes = Counter[Option](), Counter[Option]()
    for ballot in ballots:
        for option, mark in ballot.items():
            can[option] += mark in (YES, IF_NEED_BE)
            yes[option] += mark == YES
    return {option: (can[option], yes[option]) for option in options}


@dataclass(frozen=True)
class Runoff(Generic[Option]):
    """An instant-runoff count: the counts of every round, who was eliminated, the winner."""

    rounds: list[dict[Option, int]]
    eliminated: list[Option]
    winner: Option | None  # None on a tie between the last options standing
    exhausted: list[int] = field(default_factory=list)  # ballots with no option left, by round


def instant_runoff(
    ballots: Iterable[Sequence[Option]], options: Sequence[Option]
) -> Runoff[Option]:
    """Count ranked ballots (each the options in order of preference, best first; options
    left off are ranked below all others) by instant runoff.

    Example:
        >>> ballots = [["a", "c"], ["b"], ["b"], ["c", "a"], ["c", "a"]]
        >>> instant_runoff(ballots, ["a", "b", "c"]).winner  # a is out; its ballot goes to c
        'c'
    """
    papers = [list(ballot) for ballot in ballots]
    standing = list(options)
    rounds: list[dict[Option, int]] = []
    eliminated: list[Option] = []
    exhausted: list[int] = []
    while standing:
        counts = dict.fromkeys(standing, 0)
        spent = 0
        for paper in papers:
            top = next((option for option in paper if option in counts), None)
            if top is None:
                spent += 1
            else:
                counts[top] += 1
        rounds.append(counts)
        exhausted.append(spent)
        live = sum(counts.values())
        best = leaders(counts)
        if live and counts[best[0]] * 2 > live:
            return Runoff(rounds, eliminated, best[0], exhausted)
        if len(best) == len(standing):  # every option left has the same count: a tie
            return Runoff(rounds, eliminated, best[0] if len(best) == 1 else None, exhausted)
        loser = _fewest(standing, rounds)
        standing.remove(loser)
        eliminated.append(loser)
    return Runoff(rounds, eliminated, None, exhausted)


def _fewest(standing: list[Option], rounds: list[dict[Option, int]]) -> Option:
    """The option to eliminate: fewest now; on a tie, fewest in the rounds before (latest
    first); still tied, the one listed last."""
    tied = [o for o in standing if rounds[-1][o] == min(rounds[-1][s] for s in standing)]
    for earlier in reversed(rounds[:-1]):
        if len(tied) == 1:
            break
        low = min(earlier.get(o, 0) for o in tied)
        tied = [o for o in tied if earlier.get(o, 0) == low]
    return tied[-1]
